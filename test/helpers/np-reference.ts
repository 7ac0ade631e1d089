/**
 * A tiny float64 numpy for references: n-d arrays over whole batches (batch axis first), with
 * numpy's own broadcasting, indexing and reduction rules written out naively. Independent of the
 * generator's op family on purpose.
 */
export class Arr {
  readonly data: Float64Array;
  constructor(
    readonly shape: readonly number[],
    data?: ArrayLike<number>,
  ) {
    this.data = data ? Float64Array.from(data) : new Float64Array(shape.reduce((p, d) => p * d, 1));
    if (this.data.length !== shape.reduce((p, d) => p * d, 1)) throw new Error(`data of ${this.data.length} for shape ${shape}`);
  }
  at(idx: readonly number[]): number {
    return this.data[flatIndex(this.shape, idx)]!;
  }
  /** The sample b (batch axis removed) as a flat array. */
  sample(b: number): number[] {
    const n = this.data.length / this.shape[0]!;
    return Array.from(this.data.subarray(b * n, (b + 1) * n));
  }
}

export const flatIndex = (shape: readonly number[], idx: readonly number[]) => idx.reduce((o, i, k) => o * shape[k]! + i, 0);

export function* indices(shape: readonly number[]): Generator<number[]> {
  const n = shape.reduce((p, d) => p * d, 1);
  for (let flat = 0; flat < n; flat++) {
    const idx: number[] = [];
    let rest = flat;
    for (let k = shape.length - 1; k >= 0; k--) {
      idx.unshift(rest % shape[k]!);
      rest = Math.floor(rest / shape[k]!);
    }
    yield idx;
  }
}

export function map(x: Arr, f: (v: number) => number): Arr {
  return new Arr(x.shape, Array.from(x.data, f));
}

/** numpy broadcasting of any number of arrays (scalars as shape []). */
export function broadcastN(xs: readonly Arr[], f: (vs: number[]) => number): Arr {
  const rank = Math.max(...xs.map((x) => x.shape.length));
  const aligned = xs.map((x) => [...Array(rank - x.shape.length).fill(1), ...x.shape] as number[]);
  const shape = Array.from({ length: rank }, (_, k) => Math.max(...aligned.map((s) => s[k]!)));
  for (const s of aligned) s.forEach((d, k) => { if (d !== 1 && d !== shape[k]) throw new Error("no broadcast"); });
  const out = new Arr(shape);
  for (const idx of indices(shape)) {
    const vs = xs.map((x, i) => x.data[flatIndex(aligned[i]!, idx.map((j, k) => (aligned[i]![k] === 1 ? 0 : j)))]!);
    out.data[flatIndex(shape, idx)] = f(vs);
  }
  return out;
}

export const scalar = (v: number) => new Arr([], [v]);

export type Key = number | null | "..." | { start?: number | null; stop?: number | null; step?: number | null };

/** numpy basic indexing. */
export function getItem(x: Arr, key: readonly Key[]): Arr {
  const k = key.includes("...") ? [...key] : [...key, "..." as const];
  const consuming = k.filter((e) => e !== null && e !== "...").length;
  const expanded: Key[] = k.flatMap((e) => (e === "..." ? Array.from({ length: x.shape.length - consuming }, () => ({})) : [e]));
  // Per output axis: a function from the output index to the input index along one input axis.
  const picks: { axis: number; indexOf: (i: number) => number }[] = [];
  const outShape: number[] = [];
  const fixed: [number, number][] = [];
  let axis = 0;
  for (const e of expanded) {
    if (e === null) { outShape.push(1); continue; }
    const n = x.shape[axis]!;
    if (typeof e === "number") { fixed.push([axis, e < 0 ? e + n : e]); axis++; continue; }
    const s = e as { start?: number | null; stop?: number | null; step?: number | null };
    const sel = sliceIndices(n, s.start ?? null, s.stop ?? null, s.step ?? null);
    picks.push({ axis, indexOf: (i) => sel[i]! });
    outShape.push(sel.length);
    axis++;
  }
  const out = new Arr(outShape);
  for (const idx of indices(outShape)) {
    const src = new Array<number>(x.shape.length).fill(0);
    for (const [a, i] of fixed) src[a] = i;
    // Walk output axes in order; new axes take index 0 of nothing.
    let pick = 0;
    let outAxis = 0;
    for (const e of expanded) {
      if (e === null) { outAxis++; continue; }
      if (typeof e === "number") continue;
      const pk = picks[pick++]!;
      src[pk.axis] = pk.indexOf(idx[outAxis++]!);
    }
    out.data[flatIndex(outShape, idx)] = x.at(src);
  }
  return out;
}

/** The indices a Python slice selects from a sequence of length n. */
export function sliceIndices(n: number, start: number | null, stop: number | null, step: number | null): number[] {
  const st = step ?? 1;
  const norm = (v: number) => (v < 0 ? v + n : v);
  const out: number[] = [];
  if (st > 0) {
    const a = start === null ? 0 : Math.min(Math.max(norm(start), 0), n);
    const b = stop === null ? n : Math.min(Math.max(norm(stop), 0), n);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = start === null ? n - 1 : Math.min(Math.max(norm(start), -1), n - 1);
    const b = stop === null ? -1 : Math.min(Math.max(norm(stop), -1), n - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** Reduction over `axes` (non-negative, full-tensor axes). */
export function reduce(x: Arr, axes: readonly number[], keepdims: boolean, f: (vs: number[]) => number): Arr {
  const outFull = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const groups = new Map<number, number[]>();
  for (const idx of indices(x.shape)) {
    const o = flatIndex(outFull, idx.map((i, k) => (axes.includes(k) ? 0 : i)));
    if (!groups.has(o)) groups.set(o, []);
    groups.get(o)!.push(x.at(idx));
  }
  const out = new Arr(keepdims ? outFull : x.shape.filter((_, k) => !axes.includes(k)));
  for (const [o, vs] of groups) out.data[o] = f(vs);
  return out;
}

export function transpose(x: Arr, perm: readonly number[]): Arr {
  const shape = perm.map((p) => x.shape[p]!);
  const out = new Arr(shape);
  for (const idx of indices(shape)) {
    const src = new Array<number>(x.shape.length);
    perm.forEach((p, k) => (src[p] = idx[k]!));
    out.data[flatIndex(shape, idx)] = x.at(src);
  }
  return out;
}

export function concat(xs: readonly Arr[], axis: number): Arr {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((p, x) => p + x.shape[axis]!, 0);
  const out = new Arr(shape);
  for (const idx of indices(shape)) {
    let i = idx[axis]!;
    let k = 0;
    while (i >= xs[k]!.shape[axis]!) i -= xs[k++]!.shape[axis]!;
    out.data[flatIndex(shape, idx)] = xs[k]!.at(idx.map((v, a) => (a === axis ? i : v)));
  }
  return out;
}

export const expandDims = (x: Arr, axis: number) => new Arr([...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)], x.data);

/** numpy matmul for rank ≥ 2 operands (leading axes broadcast). */
export function matmul(a: Arr, b: Arr): Arr {
  const [n, k] = a.shape.slice(-2) as [number, number];
  const m = b.shape[b.shape.length - 1]!;
  const leadA = new Arr(a.shape.slice(0, -2));
  const leadB = new Arr(b.shape.slice(0, -2));
  const lead = broadcastN([leadA, leadB], () => 0).shape;
  const rank = lead.length;
  const al = [...Array(rank - leadA.shape.length).fill(1), ...leadA.shape] as number[];
  const bl = [...Array(rank - leadB.shape.length).fill(1), ...leadB.shape] as number[];
  const out = new Arr([...lead, n, m]);
  for (const l of indices(lead)) {
    const la = l.map((v, i) => (al[i] === 1 ? 0 : v)).slice(rank - leadA.shape.length);
    const lb = l.map((v, i) => (bl[i] === 1 ? 0 : v)).slice(rank - leadB.shape.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.at([...la, i, p]) * b.at([...lb, p, j]);
      out.data[flatIndex(out.shape, [...l, i, j])] = s;
    }
  }
  return out;
}
