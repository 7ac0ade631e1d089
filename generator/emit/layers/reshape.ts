/**
 * Layers that only rearrange values: Flatten and Reshape (same order: the output shares the input
 * buffer), RepeatVector and Permute (one strided copy).
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize } from "./axes.js";
import { intParam } from "./config.js";
import { emitStridedCopy, emitTranspose, permuted, toChannelsLast } from "./layout.js";
import type { LayerEmitter } from "./types.js";
import { channelsFirst } from "./window.js";

/** Keras 3 Flatten of a channels_first input of rank > 2 (with batch) moves channels last first. */
const flattenPermutes = (layer: Layer, input: Shape) => channelsFirst(layer) && input.length > 1;

export const flatten: LayerEmitter = {
  classNames: ["Flatten"],
  docs: "Shape",
  identity: (layer, [input]) => !flattenPermutes(layer, input!),
  outputShapes: (layer, [input]) => [[fixedSize(layer, input!, "the input")]],
  weightSpecs: () => [],
  emit(call, ctx) {
    const shape = ctx.shape(call.inputs[0]!);
    ctx.line("// channels_first: channels move last before flattening");
    emitTranspose(ctx, ctx.buffer(call.inputs[0]!), shape, toChannelsLast(shape.length), ctx.buffer(call.outputs[0]!));
  },
};

function targetShape(layer: Layer, input: Shape): number[] {
  const target = layer.config["target_shape"];
  if (!Array.isArray(target) || !target.every((d) => d === -1 || d === null || (Number.isInteger(d) && d > 0))) {
    throw layerError(layer, `target_shape must be a list of positive sizes (one may be -1), got ${JSON.stringify(target)}`);
  }
  const total = fixedSize(layer, input, "the input");
  const known = target.reduce<number>((p, d) => (d === -1 || d === null ? p : p * d), 1);
  const free = target.filter((d) => d === -1 || d === null).length;
  if (free > 1) throw layerError(layer, "target_shape may contain at most one -1");
  if (free === 0 ? known !== total : total % known !== 0) {
    throw layerError(layer, `cannot reshape ${total} values into ${JSON.stringify(target)}`);
  }
  return target.map((d) => (d === -1 || d === null ? total / known : d));
}

export const reshape: LayerEmitter = {
  classNames: ["Reshape"],
  docs: "Shape",
  identity: true,
  outputShapes: (layer, [input]) => [targetShape(layer, input!)],
  weightSpecs: () => [],
  emit: () => {},
};

export const repeatVector: LayerEmitter = {
  classNames: ["RepeatVector"],
  docs: "Shape",
  outputShapes(layer, [input]) {
    if (input!.length !== 1) throw layerError(layer, `expects inputs of rank 2 (with batch), got ${input!.length + 1}`);
    return [[intParam(layer, "n"), input![0]!]];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const [n, features] = ctx.shape(call.outputs[0]!);
    // A stride-0 outer axis repeats the vector n times.
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), "0", [n!, features!], ["0", "1"], ctx.buffer(call.outputs[0]!), "0");
  },
};

/** Permute's `dims`: a permutation of 1…rank (batch excluded) → 0-based. */
function permutation(layer: Layer, rank: number): number[] {
  const dims = layer.config["dims"];
  const ok = Array.isArray(dims) && dims.length === rank && [...dims].sort((a, b) => a - b).every((d, k) => d === k + 1);
  if (!ok) throw layerError(layer, `dims must be a permutation of 1…${rank}, got ${JSON.stringify(dims)}`);
  return (dims as number[]).map((d) => d - 1);
}

export const permute: LayerEmitter = {
  classNames: ["Permute"],
  docs: "Shape",
  outputShapes: (layer, [input]) => [permuted(input!, permutation(layer, input!.length))],
  weightSpecs: () => [],
  emit(call, ctx) {
    const shape = ctx.shape(call.inputs[0]!);
    emitTranspose(ctx, ctx.buffer(call.inputs[0]!), shape, permutation(call.layer, shape.length), ctx.buffer(call.outputs[0]!));
  },
};
