/**
 * ZeroPadding1D/2D, Cropping1D/2D and UpSampling1D/2D (nearest): rows of the input are placed,
 * cut out or repeated along the spatial axes; the channel axis (last, or first for channels_first)
 * is never changed.
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize } from "./axes.js";
import { stringParam } from "./config.js";
import { emitStridedCopy, strides } from "./layout.js";
import type { EmitContext, LayerEmitter } from "./types.js";
import { channelsFirst, refuseKeras1Keys, tupleParam } from "./window.js";

const rankOf = (layer: Layer) => (layer.className.endsWith("1D") ? 1 : 2);

/** Spatial axes of the per-sample shape in the layer's data format. */
function spatialAxes(layer: Layer, input: Shape): number[] {
  refuseKeras1Keys(layer);
  const rank = rankOf(layer);
  if (input.length !== rank + 1) throw layerError(layer, `expects inputs of rank ${rank + 2} (with batch), got ${input.length + 1}`);
  fixedSize(layer, input, "the input");
  // 1-D layers have no data_format option: always (steps, features).
  const first = rank > 1 && channelsFirst(layer);
  return Array.from({ length: rank }, (_, k) => (first ? k + 1 : k));
}

/**
 * (before, after) per spatial axis from `padding`/`cropping`: an int (all sides), one int per axis
 * (both sides; for 1-D a (before, after) pair), or one (before, after) pair per axis.
 */
function sides(layer: Layer, key: string, fallback: unknown): [number, number][] {
  const rank = rankOf(layer);
  const v = layer.config[key] ?? fallback;
  const ok = (d: unknown): d is number => Number.isInteger(d) && (d as number) >= 0;
  const bad = () => layerError(layer, `config "${key}" must be a non-negative integer, ${rank === 1 ? "or a (before, after) pair" : "one per axis, or a (before, after) pair per axis"}; got ${JSON.stringify(v)}`);
  if (ok(v)) return Array.from({ length: rank }, () => [v, v]);
  if (!Array.isArray(v)) throw bad();
  if (rank === 1) {
    if (v.length !== 2 || !v.every(ok)) throw bad();
    return [[v[0]!, v[1]!]];
  }
  if (v.length !== rank) throw bad();
  return v.map((p: unknown) => {
    if (ok(p)) return [p, p] as [number, number];
    if (Array.isArray(p) && p.length === 2 && p.every(ok)) return [p[0], p[1]] as [number, number];
    throw bad();
  });
}

export const zeroPadding: LayerEmitter = {
  classNames: ["ZeroPadding1D", "ZeroPadding2D"],
  docs: "Shape",
  outputShapes(layer, [input]) {
    const axes = spatialAxes(layer, input!);
    const pad = sides(layer, "padding", 1);
    const out = [...input!];
    axes.forEach((a, k) => (out[a] = (input![a] as number) + pad[k]![0] + pad[k]![1]));
    return [out];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const inShape = ctx.shape(call.inputs[0]!) as number[];
    const outShape = ctx.shape(call.outputs[0]!) as number[];
    const before = new Array<number>(inShape.length).fill(0);
    spatialAxes(layer, inShape).forEach((a, k) => (before[a] = sides(layer, "padding", 1)[k]![0]));
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${out}.fill(0);`);
    emitPlace(ctx, ctx.buffer(call.inputs[0]!), inShape, out, outShape, before);
  },
};

/**
 * Emits copies putting x (inShape) into out (outShape) shifted by `before` on each axis. From the
 * last shifted axis inwards, input rows are contiguous in both buffers: one `copy` per row, inside
 * loops over the axes before it.
 */
function emitPlace(ctx: EmitContext, x: string, inShape: number[], out: string, outShape: number[], before: number[]): void {
  let split = inShape.length - 1;
  while (split > 0 && inShape[split] === outShape[split]) split--;
  const inner = (shape: number[]) => shape.slice(split + 1).reduce((p, d) => p * d, 1);
  const block = inShape[split]! * inner(inShape);
  const loops = inShape.slice(0, split);
  const index = loops.map((_, k) => `a${k}`);
  // Row-major offsets of a row start, in the input and (shifted) in the output.
  const offset = (shape: number[], at: (k: number) => string, rowStart: number, rowSize: number) => {
    let e = "";
    loops.forEach((_, k) => (e = k === 0 ? at(k) : `${/^\w+$/.test(e) ? e : `(${e})`} * ${shape[k]} + ${at(k)}`));
    const base = e === "" ? "" : `${/^\w+$/.test(e) ? e : `(${e})`} * ${rowSize}`;
    return [base, rowStart ? String(rowStart) : ""].filter(Boolean).join(" + ") || "0";
  };
  const src = offset(inShape, (k) => index[k]!, 0, block);
  const dst = offset(outShape, (k) => (before[k] ? `${index[k]} + ${before[k]}` : index[k]!), before[split]! * inner(outShape), outShape[split]! * inner(outShape));
  loops.forEach((n, k) => ctx.line(`${"  ".repeat(k)}for (let ${index[k]} = 0; ${index[k]} < ${n}; ${index[k]}++) {`));
  ctx.line(`${"  ".repeat(loops.length)}${ctx.rt("copy")}(${x}, ${src}, ${out}, ${dst}, ${block});`);
  loops.forEach((_, k) => ctx.line(`${"  ".repeat(loops.length - 1 - k)}}`));
}

export const cropping: LayerEmitter = {
  classNames: ["Cropping1D", "Cropping2D"],
  docs: "Shape",
  outputShapes(layer, [input]) {
    const axes = spatialAxes(layer, input!);
    const crop = sides(layer, "cropping", rankOf(layer) === 1 ? 1 : 0);
    const out = [...input!];
    axes.forEach((a, k) => {
      const n = (input![a] as number) - crop[k]![0] - crop[k]![1];
      if (n <= 0) throw layerError(layer, `cropping ${crop[k]!.join(" + ")} leaves nothing of an axis of ${input![a]}`);
      out[a] = n;
    });
    return [out];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const inShape = ctx.shape(call.inputs[0]!);
    const st = strides(ctx, inShape).map(Number);
    const crop = sides(layer, "cropping", rankOf(layer) === 1 ? 1 : 0);
    const start = spatialAxes(layer, inShape).reduce((o, a, k) => o + crop[k]![0] * st[a]!, 0);
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), String(start), ctx.shape(call.outputs[0]!), st.map(String), ctx.buffer(call.outputs[0]!), "0");
  },
};

function upSize(layer: Layer): number[] {
  if (rankOf(layer) === 1) return tupleParam(layer, "size", 1, 2);
  stringParam(layer, "interpolation", "nearest", ["nearest"]);
  return tupleParam(layer, "size", 2, 2);
}

export const upSampling: LayerEmitter = {
  classNames: ["UpSampling1D", "UpSampling2D"],
  docs: "Shape",
  outputShapes(layer, [input]) {
    const axes = spatialAxes(layer, input!);
    const size = upSize(layer);
    const out = [...input!];
    axes.forEach((a, k) => (out[a] = (input![a] as number) * size[k]!));
    return [out];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const inShape = ctx.shape(call.inputs[0]!);
    const st = strides(ctx, inShape);
    const size = upSize(layer);
    const axes = spatialAxes(layer, inShape);
    // Each spatial axis is followed by a stride-0 axis repeating its elements `size` times.
    const dims = inShape.flatMap((d, a) => (axes.includes(a) ? [d, size[axes.indexOf(a)]!] : [d]));
    const steps = inShape.flatMap((_, a) => (axes.includes(a) ? [st[a]!, "0"] : [st[a]!]));
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), "0", dims, steps, ctx.buffer(call.outputs[0]!), "0");
  },
};
