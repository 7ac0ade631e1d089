/**
 * Keras axis arguments count the batch axis (axis 1 is the first per-sample axis, -1 the last);
 * the IR's shapes do not. These helpers translate, and view a shape as (outer, n, inner) around
 * the axes a layer reduces or normalises over, which is how the runtime kernels take it.
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer, Shape } from "../../ir/types.js";

/** One Keras axis → an index into the per-sample shape of rank `rank`. */
export function sampleAxis(layer: Layer, axis: unknown, rank: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw layerError(layer, `axis must be an integer, got ${JSON.stringify(axis)}`);
  const full = axis < 0 ? axis + rank + 1 : axis;
  if (full === 0) throw layerError(layer, "operating on the batch axis is not supported");
  if (full < 0 || full > rank) throw layerError(layer, `axis ${axis} is out of range for an input of rank ${rank + 1} (with batch)`);
  return full - 1;
}

/** An axis config given as one integer or a list of them → sorted per-sample axes. */
export function sampleAxes(layer: Layer, spec: unknown, rank: number): number[] {
  const list = Array.isArray(spec) ? spec : [spec];
  if (list.length === 0) throw layerError(layer, "axis list is empty");
  const axes = list.map((a) => sampleAxis(layer, a, rank)).sort((a, b) => a - b);
  if (new Set(axes).size !== axes.length) throw layerError(layer, `axis ${JSON.stringify(spec)} repeats an axis`);
  return axes;
}

export interface Span {
  readonly outer: readonly Dim[];
  readonly axis: readonly Dim[];
  readonly inner: readonly Dim[];
}

/** The shape split around a run of contiguous axes. */
export function spanOf(layer: Layer, shape: Shape, axes: readonly number[]): Span {
  const first = axes[0]!;
  const last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) {
    throw layerError(layer, `axes ${JSON.stringify(axes.map((a) => a + 1))} are not contiguous; only a contiguous run of axes is supported`);
  }
  return { outer: shape.slice(0, first), axis: shape.slice(first, last + 1), inner: shape.slice(last + 1) };
}

/** Product of fixed dimensions, or a layer error naming `what` when one is variable. */
export function fixedSize(layer: Layer, dims: readonly Dim[], what: string): number {
  let n = 1;
  for (const d of dims) {
    if (typeof d !== "number") throw layerError(layer, `${what} must have a fixed size (got a variable length; use --timesteps)`);
    n *= d;
  }
  return n;
}
