/**
 * The masks attention layers combine, as Keras 3.15 does: the masks travelling with the query,
 * value and key (`Value.mask`, attached by passes/masks.ts), an `attention_mask` tensor, and the
 * causal rule. Returns the code of a (t, s) mask buffer, or "null" when nothing masks.
 */
import type { Dim, Layer } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

export interface MaskSources {
  readonly query: number | undefined;
  readonly value: number | undefined;
  readonly key: number | undefined;
  /** An explicit (t, s) mask tensor. */
  readonly given: number | undefined;
  readonly causal: boolean;
}

/** Mask value of a tensor the call reads, if one travels with it. */
export function travellingMask(ctx: EmitContext, value: number | undefined): number | undefined {
  return value === undefined ? undefined : ctx.maskOf(value);
}

export function emitAttentionMask(ctx: EmitContext, layer: Layer, m: MaskSources, t: Dim, s: Dim): string {
  const parts = [m.query, m.value, m.key, m.given];
  if (parts.every((p) => p === undefined) && !m.causal) return "null";
  const buf = ctx.scratch(layer, "attention_mask", [t, s]);
  const arg = (v: number | undefined) => (v === undefined ? "null" : ctx.buffer(v));
  ctx.line(`${ctx.rt("attentionMask")}(${parts.map(arg).join(", ")}, ${m.causal}, ${ctx.dim(t)}, ${ctx.dim(s)}, ${buf});`);
  return buf;
}
