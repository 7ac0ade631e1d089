/**
 * Keras masks (Keras 3.15 rules): Masking and Embedding(mask_zero=True) create a per-timestep mask,
 * layers that support masking pass it on, RNNs consume it (and pass it on with return_sequences),
 * and every other layer drops it. This pass attaches each mask to the values it travels with
 * (`Value.mask`, the id of a (timesteps,) value of 0/1 flags); emitters compute and read it.
 * Layers whose output would depend on a mask that keras2ts does not apply are refused.
 */
import { layerError } from "../errors.js";
import type { Call, Layer, Model, Shape, Value } from "../ir/types.js";
import type { Pass } from "./index.js";

const RNNS = new Set(["LSTM", "GRU", "SimpleRNN", "RNN"]);

/** supports_masking layers whose values do not depend on the mask: the mask passes through. */
const PASS_THROUGH = new Set([
  "Activation", "ELU", "LeakyReLU", "PReLU", "ReLU", "Dense", "EinsumDense", "Identity",
  "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
  "AlphaDropout", "ActivityRegularization", "BatchNormalization", "LayerNormalization", "UnitNormalization",
  "GroupNormalization", "Rescaling", "Normalization", "TimeDistributed",
]);

/** Merges: the OR of their inputs' masks, or none when any input has none. */
const MERGES = new Set(["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"]);

/** Non-recurrent layers whose emitters apply the mask travelling with their input. */
const MASK_READERS = new Set(["GlobalAveragePooling1D"]);

/** Layers whose values Keras changes according to a mask; keras2ts does not apply it there. */
const MASK_USERS = new Set([
  "Softmax", "Attention", "AdditiveAttention", "MultiHeadAttention",
  "GroupedQueryAttention", "Lambda", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
]);

export const attachMasks: Pass = {
  name: "attach-masks",
  run(model) {
    const values: Value[] = model.values.map((v) => ({ ...v }));
    const newMask = (shape: Shape): number => {
      values.push({ id: values.length, shape, dtype: "float32" });
      return values.length - 1;
    };
    for (const call of model.calls) {
      const outMasks = outputMasks(call, values, newMask);
      outMasks.forEach((m, k) => {
        const v = values[call.outputs[k]!];
        if (m !== undefined && v) v.mask = m;
      });
    }
    dropUnread(model.calls, values);
    return { ...model, values };
  },
};

/** Detaches masks that no RNN reads, so that no code computes them. */
function dropUnread(calls: readonly Call[], values: Value[]): void {
  const read = new Set<number>();
  for (const call of calls) {
    const mask = values[call.inputs[0]!]!.mask;
    if (mask !== undefined && call.maskInput === undefined && !call.ignoresInputMask && (consumesMask(call.layer) || MASK_READERS.has(call.layer.className))) read.add(mask);
  }
  for (const v of values) if (v.mask !== undefined && !read.has(v.mask)) delete v.mask;
}

const consumesMask = (layer: Layer) => RNNS.has(layer.className) || layer.className === "Bidirectional";

/** The mask of each output of one call (undefined: none). */
function outputMasks(call: Call, values: readonly Value[], newMask: (shape: Shape) => number): (number | undefined)[] {
  const layer = call.layer;
  const inputShape = values[call.inputs[0]!]!.shape;
  // An explicit mask= argument replaces the one travelling with the input.
  const mask = call.maskInput ?? values[call.inputs[0]!]!.mask;
  const cls = layer.className;
  if (cls === "Masking") return [newMask(inputShape.slice(0, -1))];
  if (cls === "Embedding") return [layer.config["mask_zero"] === true ? newMask(inputShape) : undefined];
  if (mask === undefined && !MERGES.has(cls)) return [];
  if (consumesMask(layer)) return recurrentMasks(call, values, mask!);
  if (cls === "TimeDistributed") checkTimeDistributed(layer);
  if (PASS_THROUGH.has(cls)) return [mask];
  if (MERGES.has(cls)) return [mergeMask(call, values)];
  if (MASK_USERS.has(cls) || layer.custom) {
    throw layerError(layer, "receives a mask (from Masking, Embedding mask_zero or mask=), which keras2ts does not apply for this layer");
  }
  return []; // Keras drops the mask at layers without masking support
}

/** RNNs consume a (timesteps,) mask; with return_sequences it travels on with the sequence output(s). */
function recurrentMasks(call: Call, values: readonly Value[], mask: number): (number | undefined)[] {
  const layer = call.layer;
  const rnn = layer.className === "Bidirectional" ? layer.inner["forward"] : layer;
  const timesteps = values[call.inputs[0]!]!.shape[0];
  const maskShape = values[mask]!.shape;
  if (maskShape.length !== 1 || maskShape[0] !== timesteps) {
    throw layerError(layer, `needs a mask of one flag per timestep, got a mask of shape (${maskShape.join(", ")})`);
  }
  if (rnn?.config["return_sequences"] !== true) return [];
  const twoOutputs = layer.className === "Bidirectional" && layer.config["merge_mode"] === null;
  return twoOutputs ? [mask, mask] : [mask];
}

function mergeMask(call: Call, values: readonly Value[]): number | undefined {
  const masks = call.inputs.map((v) => values[v]!.mask);
  if (masks.some((m) => m === undefined)) return undefined;
  if (new Set(masks).size > 1) throw layerError(call.layer, "merges inputs carrying different masks, which keras2ts does not support");
  const axis = call.layer.config["axis"];
  const rank = values[call.inputs[0]!]!.shape.length;
  if (call.layer.className === "Concatenate" && axis !== undefined && axis !== -1 && axis !== rank) {
    throw layerError(call.layer, "concatenates masked inputs along an axis other than the last, which keras2ts does not support");
  }
  return masks[0];
}

/** TimeDistributed passes the mask on, but hands the wrapped layer a mask only if it takes one. */
function checkTimeDistributed(layer: Layer): void {
  const inner = layer.inner["layer"];
  if (inner && (RNNS.has(inner.className) || inner.className === "Bidirectional" || MASK_USERS.has(inner.className))) {
    throw layerError(layer, `receives a mask, and masking inside TimeDistributed(${inner.className}) is not supported`);
  }
}
