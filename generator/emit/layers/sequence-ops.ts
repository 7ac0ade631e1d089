/**
 * ZeroPadding1D, Cropping1D and UpSampling1D on (steps, features) inputs: whole rows of features
 * are added, dropped or repeated.
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedDim, intParam } from "./config.js";
import { emitStridedCopy } from "./layout.js";
import type { LayerEmitter } from "./types.js";

/** (before, after) from an int or a pair. */
function pair(layer: Layer, key: string, fallback: number): [number, number] {
  const v = layer.config[key] ?? fallback;
  const list = typeof v === "number" ? [v, v] : v;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((d) => Number.isInteger(d) && d >= 0)) {
    throw layerError(layer, `config "${key}" must be a non-negative integer or a pair of them, got ${JSON.stringify(v)}`);
  }
  return [list[0], list[1]];
}

function sequenceInput(layer: Layer, input: Shape): { steps: number; features: number } {
  if (input.length !== 2) throw layerError(layer, `expects inputs of shape (steps, features), got rank ${input.length + 1} with batch`);
  return { steps: fixedDim(layer, input[0], "the steps dimension"), features: fixedDim(layer, input[1], "the feature dimension") };
}

export const zeroPadding1d: LayerEmitter = {
  classNames: ["ZeroPadding1D"],
  outputShapes(layer, [input]) {
    const { steps, features } = sequenceInput(layer, input!);
    const [before, after] = pair(layer, "padding", 1);
    return [[steps + before + after, features]];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const { steps, features } = sequenceInput(call.layer, ctx.shape(call.inputs[0]!));
    const [before] = pair(call.layer, "padding", 1);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${out}.fill(0);`, `${ctx.rt("copy")}(${ctx.buffer(call.inputs[0]!)}, 0, ${out}, ${before * features}, ${steps * features});`);
  },
};

export const cropping1d: LayerEmitter = {
  classNames: ["Cropping1D"],
  outputShapes(layer, [input]) {
    const { steps, features } = sequenceInput(layer, input!);
    const [before, after] = pair(layer, "cropping", 1);
    if (before + after >= steps) throw layerError(layer, `cropping ${before} + ${after} steps leaves nothing of ${steps}`);
    return [[steps - before - after, features]];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const [steps, features] = ctx.shape(call.outputs[0]!) as [number, number];
    const [before] = pair(call.layer, "cropping", 1);
    ctx.line(`${ctx.rt("copy")}(${ctx.buffer(call.inputs[0]!)}, ${before * features}, ${ctx.buffer(call.outputs[0]!)}, 0, ${steps * features});`);
  },
};

export const upSampling1d: LayerEmitter = {
  classNames: ["UpSampling1D"],
  outputShapes(layer, [input]) {
    const { steps, features } = sequenceInput(layer, input!);
    return [[steps * intParam(layer, "size", 2), features]];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const { steps, features } = sequenceInput(layer, ctx.shape(call.inputs[0]!));
    const size = intParam(layer, "size", 2);
    // Each step repeated `size` times: a stride-0 axis between steps and features.
    emitStridedCopy(ctx, layer, ctx.buffer(call.inputs[0]!), "0", [steps, size, features], [String(features), "0", "1"], ctx.buffer(call.outputs[0]!), "0");
  },
};
