/**
 * Keras masks (Keras 3.15 rules): Masking and Embedding(mask_zero=True) create a per-timestep mask,
 * layers that support masking pass it on, RNNs consume it (and pass it on with return_sequences),
 * and every other layer drops it. This pass attaches each mask to the values it travels with
 * (`Value.mask`, the id of a (timesteps,) value of 0/1 flags); emitters compute and read it.
 * Layers whose output would depend on a mask that keras2ts does not apply are refused. What each
 * layer does is its descriptor's `mask` policy.
 */
import { layerError } from "../errors.js";
import type { Call, Model, Shape, Value } from "../ir/types.js";
import { maskPolicyOf } from "../emit/layers/registry.js";
import type { MaskPolicy } from "../emit/layers/types.js";
import type { Pass } from "./index.js";

/** Policies whose emitters read the mask arriving with their input, so that it must be computed. */
const READS: ReadonlySet<MaskPolicy> = new Set(["recurrent", "read", "attention"]);

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
    const policy = maskPolicyOf(call.layer);
    // Attention layers read every input's mask; the others the first input's.
    const inputs = policy === "attention" ? [...call.inputs, ...Object.values(call.namedInputs ?? {})] : call.inputs.slice(0, 1);
    for (const v of inputs) {
      const mask = values[v]!.mask;
      if (mask !== undefined && call.maskInput === undefined && !call.ignoresInputMask && READS.has(policy)) read.add(mask);
    }
  }
  for (const v of values) if (v.mask !== undefined && !read.has(v.mask)) delete v.mask;
}

/** The mask of each output of one call (undefined: none). */
function outputMasks(call: Call, values: readonly Value[], newMask: (shape: Shape) => number): (number | undefined)[] {
  const layer = call.layer;
  const policy = maskPolicyOf(layer);
  // A new mask: one flag per output position but the last axis (per timestep of a sequence).
  if (policy === "create") return [newMask(values[call.outputs[0]!]!.shape.slice(0, -1))];
  if (policy === "merge") return [mergeMask(call, values)];
  if (policy === "attention") return attentionMasks(call, values);
  // An explicit mask= argument replaces the one travelling with the input.
  const mask = call.maskInput ?? values[call.inputs[0]!]!.mask;
  if (mask === undefined) return [];
  switch (policy) {
    case "recurrent":
      return recurrentMasks(call, values, mask);
    case "wrapper":
      checkWrapped(call);
      return [mask];
    case "pass":
      return [mask];
    case "refuse":
      throw layerError(layer, "receives a mask (from Masking, Embedding mask_zero or mask=), which keras2ts does not apply for this layer");
    default:
      return []; // "drop" (Keras drops the mask at layers without masking support) and "read"
  }
}

/** RNNs consume a (timesteps,) mask; with return_sequences it travels on with the sequence output(s). */
function recurrentMasks(call: Call, values: readonly Value[], mask: number): (number | undefined)[] {
  const layer = call.layer;
  const rnn = layer.inner["forward"] ?? layer; // Bidirectional: its wrapped RNNs decide
  const timesteps = values[call.inputs[0]!]!.shape[0];
  const maskShape = values[mask]!.shape;
  if (maskShape.length !== 1 || maskShape[0] !== timesteps) {
    throw layerError(layer, `needs a mask of one flag per timestep, got a mask of shape (${maskShape.join(", ")})`);
  }
  if (rnn?.config["return_sequences"] !== true) return [];
  const twoOutputs = layer.inner["backward"] !== undefined && layer.config["merge_mode"] === null;
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
function checkWrapped(call: Call): void {
  const inner = call.layer.inner["layer"];
  const policy = inner ? maskPolicyOf(inner) : "drop";
  if (inner && (READS.has(policy) || policy === "refuse")) {
    throw layerError(call.layer, `receives a mask, and masking inside ${call.layer.className}(${inner.className}) is not supported`);
  }
}

/** Attention layers: Keras hands them each input's mask; the output carries the query's. */
function attentionMasks(call: Call, values: readonly Value[]): (number | undefined)[] {
  // Keras 3.15 records the masks it handed the layer as an explicit mask=[query, value] list: the
  // query's travelling mask is the same flags, and keeps merges with the query (residuals) consistent.
  if (call.maskInputs) return [values[call.inputs[0]!]!.mask ?? call.maskInputs[0]];
  if (call.maskInput !== undefined) throw layerError(call.layer, "an explicit mask= argument is not supported (masks travelling with the inputs are)");
  for (const v of [...call.inputs, ...Object.values(call.namedInputs ?? {})]) {
    const mask = values[v]!.mask;
    const shape = values[v]!.shape;
    if (mask !== undefined && (values[mask]!.shape.length !== 1 || values[mask]!.shape[0] !== shape[0])) {
      throw layerError(call.layer, `needs masks of one flag per timestep, got a mask of shape (${values[mask]!.shape.join(", ")})`);
    }
  }
  return [values[call.inputs[0]!]!.mask];
}
