/**
 * The weights a file holds → the weights of each layer of the normalised architecture, keyed by
 * layer name: Keras 3 path keys mapped to names, Keras 1 per-gate tensors fused.
 */
import type { Architecture } from "./architecture.js";
import { fuseKeras1Weights } from "./keras1.js";
import type { WeightsByLayer } from "./weights.js";

export interface FileWeights {
  readonly weights: WeightsByLayer;
  /** True when the weights are keyed by Keras 3 class-counter paths rather than layer names. */
  readonly keyedByPath?: boolean;
}

export function layerWeights(arch: Architecture, file: FileWeights): WeightsByLayer {
  const byName = file.keyedByPath ? rekeyByPath(arch, file.weights) : file.weights;
  return fuseKeras1Weights(arch.layers, byName, arch.notes);
}

/** Older Keras 3 files name no layers: each layer's weights sit at its class-counter path. */
function rekeyByPath(arch: Architecture, weights: WeightsByLayer): WeightsByLayer {
  const out: WeightsByLayer = new Map();
  for (const layer of arch.layers) {
    const found = layer.weightPath === undefined ? undefined : weights.get(layer.weightPath);
    if (found) out.set(layer.name, found);
  }
  return out;
}
