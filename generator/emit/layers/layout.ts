/**
 * Data movement between layouts: any transposition or broadcast of a row-major buffer becomes one
 * `copyStrided` call over its last four (merged) axes, inside loops over any others.
 */
import type { Dim, Shape } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

/** Element strides of a row-major shape, as code ("12", or "T0 * 4" for a variable length). */
export function strides(ctx: EmitContext, shape: Shape): string[] {
  return shape.map((_, k) => ctx.size(shape.slice(k + 1)));
}

const isNum = (s: string) => /^\d+$/.test(s);

/** Product of size expressions, with the numeric ones multiplied out. */
function product(sizes: readonly string[]): string {
  const constant = sizes.filter(isNum).reduce((p, n) => p * Number(n), 1);
  const symbols = sizes.filter((n) => !isNum(n));
  return [...symbols, ...(constant !== 1 || symbols.length === 0 ? [String(constant)] : [])].join(" * ");
}

/**
 * Emits dst[dstOff…] = the view of `src` with sizes `dims` and element strides `steps` (code),
 * written contiguously. Size-1 axes are dropped and axes that stay contiguous are merged.
 */
export function emitStridedCopy(ctx: EmitContext, src: string, srcOff: string, dims: readonly Dim[], steps: readonly string[], dst: string, dstOff: string): void {
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
  while (axes.length < 4) axes.unshift({ n: "1", s: "0" });
  // Axes beyond four become loops around the call.
  const loops = axes.slice(0, axes.length - 4);
  const inner = axes.slice(axes.length - 4);
  const ns = inner.map((a) => a.n).join(", ");
  const ss = inner.map((a) => a.s).join(", ");
  const shown = axes.filter((a) => a.n !== "1");
  ctx.line(`// a (${shown.map((a) => a.n).join(", ")}) view with element strides (${shown.map((a) => a.s).join(", ")})`);
  const index = loops.map((_, k) => `a${k}`);
  const block = (k: number) => product(axes.slice(k + 1).map((a) => a.n));
  const times = (i: string, n: string) => (n === "1" ? i : `${i} * ${n}`);
  const srcAt = [srcOff, ...loops.map((a, k) => times(index[k]!, a.s))].filter((t) => t !== "0").join(" + ") || "0";
  const dstAt = [dstOff, ...loops.map((_, k) => times(index[k]!, block(k)))].filter((t) => t !== "0").join(" + ") || "0";
  loops.forEach((a, k) => ctx.line(`${"  ".repeat(k)}for (let ${index[k]} = 0; ${index[k]} < ${a.n}; ${index[k]}++) {`));
  ctx.line(`${"  ".repeat(loops.length)}${ctx.rt("copyStrided")}(${src}, ${srcAt}, ${ns}, ${ss}, ${dst}, ${dstAt});`);
  loops.forEach((_, k) => ctx.line(`${"  ".repeat(loops.length - 1 - k)}}`));
}

/** Emits dst = src transposed: output axis k is input axis perm[k]. */
export function emitTranspose(ctx: EmitContext, src: string, shape: Shape, perm: readonly number[], dst: string): void {
  const st = strides(ctx, shape);
  emitStridedCopy(ctx, src, "0", perm.map((p) => shape[p]!), perm.map((p) => st[p]!), dst, "0");
}

/** channels_first ↔ channels_last permutations of a per-sample shape of rank r. */
export const toChannelsLast = (r: number): number[] => [...Array.from({ length: r - 1 }, (_, k) => k + 1), 0];
export const toChannelsFirst = (r: number): number[] => [r - 1, ...Array.from({ length: r - 1 }, (_, k) => k)];

/** The shape after a permutation. */
export function permuted(shape: Shape, perm: readonly number[]): Dim[] {
  return perm.map((p) => shape[p]!);
}
