/** Layers that change nothing at inference (dropout and noise): their output shares the input buffer. */
import type { LayerEmitter } from "./types.js";

export const identityLayers: LayerEmitter = {
  classNames: [
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
    "AlphaDropout", "ActivityRegularization", "Identity",
  ],
  identity: true,
  outputShapes: (_layer, inputs) => [inputs[0]!],
  weightSpecs: () => [],
  emit: () => {},
};
