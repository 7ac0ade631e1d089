/** Checks the IR before any code is written: every layer's weights match what its config implies. */
import { layerError } from "../errors.js";
import type { Layer, Model, Shape } from "./types.js";

export interface ExpectedWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

export type WeightSpecFn = (layer: Layer, inputs: readonly Shape[]) => readonly ExpectedWeight[];

export function verifyModel(model: Model, weightSpecs: WeightSpecFn): void {
  const checked = new Set<Layer>();
  for (const call of model.calls) {
    if (checked.has(call.layer)) continue;
    checked.add(call.layer);
    const layer = call.layer;
    const expected = weightSpecs(layer, call.inputs.map((v) => model.values[v]!.shape));
    if (expected.length !== layer.weights.length) {
      throw layerError(layer, `expected ${expected.length} weight tensor(s) (${expected.map((w) => w.name).join(", ") || "none"}), the file has ${layer.weights.length}`);
    }
    expected.forEach((spec, i) => {
      const got = layer.weights[i]!;
      const same = got.shape.length === spec.shape.length && got.shape.every((d, k) => d === spec.shape[k]);
      if (!same) {
        throw layerError(layer, `weight ${spec.name} has shape [${got.shape.join(", ")}], expected [${spec.shape.join(", ")}] from the config`);
      }
    });
    for (const v of call.outputs) {
      const shape = model.values[v]!.shape;
      if (shape.some((d) => typeof d === "number" && (!Number.isInteger(d) || d <= 0))) {
        throw layerError(layer, `computes an output of impossible shape (${shape.join(", ")})`);
      }
    }
  }
}
