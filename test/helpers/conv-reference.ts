/** Naive references for sliding-window layers: explicitly padded input, textbook sums (channels_last). */
import { Tensor } from "./layer-models.js";

export type Padding = "valid" | "same" | "causal";

export interface Window {
  kernel: number[];
  strides: number[];
  dilation: number[];
  padding: Padding;
}

/** Per spatial dim: padding before/after and output length, by TensorFlow's rules. */
export function geometry(n: number, k: number, s: number, d: number, padding: Padding): { before: number; after: number; out: number } {
  const eff = (k - 1) * d + 1;
  if (padding === "valid") return { before: 0, after: 0, out: Math.floor((n - eff) / s) + 1 };
  if (padding === "causal") return { before: eff - 1, after: 0, out: Math.floor((n - 1) / s) + 1 };
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + eff - n, 0);
  return { before: Math.floor(total / 2), after: total - Math.floor(total / 2), out };
}

/** x (…spatial, C) padded with `fill` to (…spatial + before + after, C). */
export function pad(x: Tensor, g: { before: number; after: number }[], fill: number): Tensor {
  const shape = x.shape.map((d, k) => (k < g.length ? d + g[k]!.before + g[k]!.after : d));
  const p = new Tensor(shape);
  p.data.fill(fill);
  for (const idx of x.indices()) p.set(idx.map((i, k) => (k < g.length ? i + g[k]!.before : i)), x.get(...idx));
  return p;
}

/** All multi-indices of a box. */
export function* box(dims: number[]): Generator<number[]> {
  yield* new Tensor(dims).indices();
}

/** Grouped convolution, channels_last: x (…spatial, C), kernel (…k, C/groups, F). */
export function referenceConv(x: Tensor, kernel: Tensor, bias: number[] | null, w: Window, groups: number): Tensor {
  const rank = x.shape.length - 1;
  const g = x.shape.slice(0, rank).map((n, k) => geometry(n, w.kernel[k]!, w.strides[k]!, w.dilation[k]!, w.padding));
  const p = pad(x, g, 0);
  const cpg = kernel.shape[rank]!;
  const filters = kernel.shape[rank + 1]!;
  const out = new Tensor([...g.map((d) => d.out), filters]);
  for (const pos of box(g.map((d) => d.out))) {
    for (let f = 0; f < filters; f++) {
      const group = Math.floor(f / (filters / groups));
      let sum = bias ? bias[f]! : 0;
      for (const tap of box(w.kernel)) {
        const at = pos.map((o, k) => o * w.strides[k]! + tap[k]! * w.dilation[k]!);
        for (let c = 0; c < cpg; c++) sum += p.get(...at, group * cpg + c) * kernel.get(...tap, c, f);
      }
      out.set([...pos, f], sum);
    }
  }
  return out;
}

/** Pooling, channels_last; padded positions are skipped (max) or not counted (average). */
export function referencePool(x: Tensor, w: Window, kind: "max" | "avg"): Tensor {
  const rank = x.shape.length - 1;
  const c = x.shape[rank]!;
  const g = x.shape.slice(0, rank).map((n, k) => geometry(n, w.kernel[k]!, w.strides[k]!, 1, w.padding));
  const p = pad(x, g, NaN);
  const out = new Tensor([...g.map((d) => d.out), c]);
  for (const pos of box(g.map((d) => d.out))) {
    for (let ch = 0; ch < c; ch++) {
      const values: number[] = [];
      for (const tap of box(w.kernel)) {
        const v = p.get(...pos.map((o, k) => o * w.strides[k]! + tap[k]!), ch);
        if (!Number.isNaN(v)) values.push(v);
      }
      out.set([...pos, ch], kind === "max" ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length);
    }
  }
  return out;
}

/** Moves the channel axis: (C, …) → (…, C) and back. */
export function transpose(x: Tensor, toLast: boolean): Tensor {
  const r = x.shape.length;
  const perm = toLast ? [...Array.from({ length: r - 1 }, (_, k) => k + 1), 0] : [r - 1, ...Array.from({ length: r - 1 }, (_, k) => k)];
  return permute(x, perm);
}

/** Axis k of the result is axis perm[k] of x, computed index by index. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const out = new Tensor(perm.map((p) => x.shape[p]!));
  for (const idx of out.indices()) {
    const src: number[] = [];
    perm.forEach((p, k) => (src[p] = idx[k]!));
    out.set(idx, x.get(...src));
  }
  return out;
}

