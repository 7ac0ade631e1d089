/** Layers that change nothing at inference (dropout and noise): their output shares the input buffer. */
import type { DocsGroup, LayerEmitter } from "./types.js";

const AT_INFERENCE = [
  "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout",
  "AlphaDropout", "ActivityRegularization",
];

export const identityLayers: LayerEmitter = {
  classNames: [...AT_INFERENCE, "Identity"],
  docs: Object.fromEntries([...AT_INFERENCE.map((c): [string, DocsGroup] => [c, "Identity at inference"]), ["Identity", "Core"]]),
  identity: true,
  mask: "pass",
  outputShapes: (_layer, inputs) => [inputs[0]!],
  weightSpecs: () => [],
  emit: () => {},
};
