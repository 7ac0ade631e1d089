/**
 * Layer class name → descriptor. Adding a layer kind = one file in this folder + one entry here;
 * everything else (masks, TimeDistributed, loading, the README table) asks the descriptor.
 */
import { layerError } from "../../errors.js";
import type { Config, KerasVersion, Layer } from "../../ir/types.js";
import type { LayerKinds } from "../../load/layer-kinds.js";
import type { DocsGroup, LayerEmitter, MaskPolicy } from "./types.js";
import { DOCS_GROUPS } from "./docs-groups.js";
import { activationLayer } from "./activation.js";
import { dense } from "./dense.js";
import { identityLayers } from "./identity.js";
import { lstm } from "./lstm.js";
import { gru } from "./gru.js";
import { simpleRnn } from "./simple-rnn.js";
import { bidirectional } from "./bidirectional.js";
import { embedding } from "./embedding.js";
import { masking } from "./masking.js";
import { timeDistributed } from "./time-distributed.js";
import { rnnCell } from "./rnn-cell.js";
import { batchNormalization, layerNormalization, unitNormalization } from "./normalization.js";
import { groupNormalization } from "./group-normalization.js";
import { categoryEncoding, discretization, normalization } from "./preprocessing.js";
import { concatenate } from "./concatenate.js";
import { conv } from "./conv.js";
import { convTranspose } from "./conv-transpose.js";
import { convLstm } from "./conv-lstm.js";
import { depthwise } from "./depthwise.js";
import { dot } from "./dot.js";
import { globalPooling } from "./global-pooling.js";
import { merge } from "./merge.js";
import { pooling } from "./pooling.js";
import { prelu, reluLayer, thresholdedRelu } from "./rectifiers.js";
import { flatten, permute, repeatVector, reshape } from "./reshape.js";
import { rescaling } from "./rescaling.js";
import { cropping, upSampling, zeroPadding } from "./spatial-ops.js";
import { softmaxLayer } from "./softmax.js";
import { isOpModule, OP_NAMES, opsFamily } from "./ops/index.js";
import { multiHeadAttention } from "./multi-head-attention.js";
import { attention } from "./attention.js";
import { einsumDense } from "./einsum-dense.js";
import { customLayer } from "./custom.js";
import { identifierFrom } from "../names.js";

/** In README order within each group. */
const EMITTERS: readonly LayerEmitter[] = [
  // Recurrent family, its wrappers, embeddings and masking.
  lstm, gru, simpleRnn, rnnCell, bidirectional, timeDistributed, convLstm,
  dense, embedding, activationLayer, masking, identityLayers, rescaling,
  reluLayer, prelu, thresholdedRelu, softmaxLayer,
  // Convolution, pooling, normalization, shape and merge layers.
  conv, convTranspose, depthwise, pooling, globalPooling,
  batchNormalization, layerNormalization, unitNormalization, groupNormalization,
  flatten, reshape, repeatVector, permute, zeroPadding, cropping, upSampling,
  merge, concatenate, dot,
  multiHeadAttention, attention, einsumDense,
  normalization, discretization, categoryEncoding,
];

const BY_CLASS = new Map<string, LayerEmitter>();
for (const e of EMITTERS) for (const c of e.classNames) BY_CLASS.set(c, e);

/**
 * The emitter of a layer: its custom implementation (`--custom`) if it has one, the op family for
 * Keras 3 ops (told from same-named layers such as Add by their recorded module), else by class.
 */
export function emitterFor(layer: Layer): LayerEmitter {
  if (layer.custom) return customLayer;
  if (isOpModule(layer.module)) return opsFamily;
  const emitter = BY_CLASS.get(layer.className);
  if (emitter) return emitter;
  // Legacy HDF5 files written by Keras 3 record no module: a class only an op has is that op.
  if (layer.module === undefined && OP_NAMES.includes(layer.className)) return opsFamily;
  throw unsupported(layer);
}

/** What a layer does with an incoming mask (see MaskPolicy). */
export function maskPolicyOf(layer: Layer): MaskPolicy {
  const policy = emitterFor(layer).mask ?? "drop";
  return typeof policy === "function" ? policy(layer) : policy;
}

/** The loaders' view of the registry. */
export const layerKinds: LayerKinds = {
  takesInitialState: (className) => BY_CLASS.get(className)?.takesInitialState === true,
  normalizeConfig(className: string, name: string, config: Config, version: KerasVersion, notes: string[]) {
    BY_CLASS.get(className)?.normalizeConfig?.(config, { className, name, version, notes });
  },
};

/** What to tell the user: Lambda and user-defined classes need their implementation supplied. */
function unsupported(layer: Layer): Error {
  const hint = (name: string) => `--custom ${name}=./${identifierFrom(name)}.ts`;
  if (layer.className === "Lambda") {
    return layerError(layer, `Lambda layer (Python code keras2ts cannot translate): supply its TypeScript implementation with ${hint(layer.name)}`);
  }
  const shortClass = layer.className.slice(layer.className.lastIndexOf(">") + 1);
  if (layer.userDefined) return layerError(layer, `custom layer: supply its TypeScript implementation with ${hint(shortClass)}`);
  // One short line: the full list lives in the README ("Supported layers"), not in every error.
  return layerError(layer, `unsupported layer class "${layer.className}": see "Supported layers" in the keras2ts README, or implement it with ${hint(shortClass)}`);
}

export function supportedClasses(): string[] {
  return [...BY_CLASS.keys()].sort();
}

/** The README table's rows: each group's classes (in registry order) and options. */
export function supportedLayerGroups(): { group: DocsGroup; classes: string[]; options: string }[] {
  const groupOf = (e: LayerEmitter, cls: string): DocsGroup | undefined => (typeof e.docs === "string" ? e.docs : e.docs?.[cls]);
  const undocumented = EMITTERS.flatMap((e) => e.classNames.filter((c) => groupOf(e, c) === undefined));
  if (undocumented.length > 0) throw new Error(`layer classes without a docs group: ${undocumented.join(", ")}`);
  return DOCS_GROUPS.map(({ group, options }) => ({
    group,
    // Keras 3 ops are one family (ops/index.ts), listed by op class.
    classes: group === "Keras 3 ops" ? [...OP_NAMES] : EMITTERS.flatMap((e) => e.classNames.filter((c) => groupOf(e, c) === group)),
    options,
  }));
}
