/**
 * Data movement between layouts: any transposition or broadcast of a row-major buffer becomes one
 * `copyStrided` call over at most four (merged) axes.
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer, Shape } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

/** Element strides of a row-major shape, as code ("12", or "T0 * 4" for a variable length). */
export function strides(ctx: EmitContext, shape: Shape): string[] {
  return shape.map((_, k) => ctx.size(shape.slice(k + 1)));
}

const isNum = (s: string) => /^\d+$/.test(s);

/**
 * Emits dst[dstOff…] = the view of `src` with sizes `dims` and element strides `steps` (code),
 * written contiguously. Size-1 axes are dropped and axes that stay contiguous are merged.
 */
export function emitStridedCopy(ctx: EmitContext, layer: Layer, src: string, srcOff: string, dims: readonly Dim[], steps: readonly string[], dst: string, dstOff: string): void {
  const axes: { n: string; s: string }[] = [];
  dims.forEach((d, k) => {
    if (d === 1) return;
    const n = ctx.dim(d);
    const s = steps[k]!;
    const prev = axes[axes.length - 1];
    if (prev && isNum(prev.s) && isNum(prev.n) && isNum(n) && isNum(s) && Number(prev.s) === Number(s) * Number(n)) {
      axes[axes.length - 1] = { n: String(Number(prev.n) * Number(n)), s };
    } else {
      axes.push({ n, s });
    }
  });
  if (axes.length > 4) throw layerError(layer, `this rearrangement needs ${axes.length} axes; at most 4 are supported`);
  while (axes.length < 4) axes.unshift({ n: "1", s: "0" });
  const ns = axes.map((a) => a.n).join(", ");
  const ss = axes.map((a) => a.s).join(", ");
  const shown = axes.filter((a) => a.n !== "1");
  ctx.line(`// a (${shown.map((a) => a.n).join(", ")}) view with element strides (${shown.map((a) => a.s).join(", ")})`);
  ctx.line(`${ctx.rt("copyStrided")}(${src}, ${srcOff}, ${ns}, ${ss}, ${dst}, ${dstOff});`);
}

/** Emits dst = src transposed: output axis k is input axis perm[k]. */
export function emitTranspose(ctx: EmitContext, layer: Layer, src: string, shape: Shape, perm: readonly number[], dst: string): void {
  const st = strides(ctx, shape);
  emitStridedCopy(ctx, layer, src, "0", perm.map((p) => shape[p]!), perm.map((p) => st[p]!), dst, "0");
}

/** channels_first ↔ channels_last permutations of a per-sample shape of rank r. */
export const toChannelsLast = (r: number): number[] => [...Array.from({ length: r - 1 }, (_, k) => k + 1), 0];
export const toChannelsFirst = (r: number): number[] => [r - 1, ...Array.from({ length: r - 1 }, (_, k) => k)];

/** The shape after a permutation. */
export function permuted(shape: Shape, perm: readonly number[]): Dim[] {
  return perm.map((p) => shape[p]!);
}
