/** Layer class name → emitter. Adding a layer kind = one file in this folder + one line here. */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";
import type { LayerEmitter } from "./types.js";
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
import { concatenate } from "./concatenate.js";
import { conv } from "./conv.js";
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
import { compareOps } from "./compare.js";
import { customLayer } from "./custom.js";
import { identifierFrom } from "../names.js";

const EMITTERS: readonly LayerEmitter[] = [
  activationLayer, dense, identityLayers, lstm,
  // Recurrent family, its wrappers, embeddings and masking.
  gru, simpleRnn, rnnCell, bidirectional, timeDistributed, embedding, masking,
  // Convolution, pooling, normalization, shape and merge layers.
  conv, depthwise, pooling, globalPooling, zeroPadding, cropping, upSampling,
  batchNormalization, layerNormalization, unitNormalization, flatten, reshape, repeatVector, permute,
  prelu, reluLayer, thresholdedRelu, softmaxLayer, merge, concatenate, dot, convLstm, rescaling,
  // Keras 3 op layers.
  compareOps,
];

const BY_CLASS = new Map<string, LayerEmitter>();
for (const e of EMITTERS) for (const c of e.classNames) BY_CLASS.set(c, e);

/** The emitter of a layer: its custom implementation (`--custom`) if it has one, else by class. */
export function emitterFor(layer: Layer): LayerEmitter {
  if (layer.custom) return customLayer;
  const emitter = BY_CLASS.get(layer.className);
  if (!emitter) throw unsupported(layer);
  return emitter;
}

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
