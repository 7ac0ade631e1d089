import type { Layer } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

/** Emits an activation applied in place to `rows` rows of `n` values of `buf` (nothing for linear). */
export function applyActivation(ctx: EmitContext, layer: Layer, spec: unknown, buf: string, rows: string, n: number): void {
  const act = ctx.activation(layer, spec);
  if (act.rowwise) {
    ctx.line(`${act.rowwise}(${buf}, 0, ${rows}, ${n});`);
  } else if (act.name !== "linear") {
    const count = rows === "1" ? String(n) : `${rows} * ${n}`;
    ctx.line(`for (let i = 0; i < ${count}; i++) ${buf}[i] = ${act.scalar!(`${buf}[i]!`)};`);
  }
}
