import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { applyActivation } from "./apply-activation.js";
import type { EmitContext } from "./types.js";

/** Applies a layer's activation in place to a whole output of any shape (last axis for softmax). */
export function activateOutput(ctx: EmitContext, layer: Layer, spec: unknown, buf: string, shape: Shape): void {
  const last = shape[shape.length - 1];
  if (typeof last === "number") return applyActivation(ctx, layer, spec, buf, ctx.size(shape.slice(0, -1)), last);
  const act = ctx.activation(layer, spec);
  if (act.rowwise) throw layerError(layer, `activation ${act.name} over a variable-length last axis is not supported (use --timesteps)`);
  if (act.name !== "linear") ctx.line(`for (let i = 0; i < ${ctx.size(shape)}; i++) ${buf}[i] = ${act.scalar!(`${buf}[i]!`)};`);
}
