/** Checks the IR before any code is written: every layer's weights match what its config implies. */
import { KerasError, layerError } from "../errors.js";
import type { Layer, Model, Shape } from "./types.js";

export interface ExpectedWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

export type WeightSpecFn = (layer: Layer, inputs: readonly Shape[]) => readonly ExpectedWeight[];

export function verifyModel(model: Model, weightSpecs: WeightSpecFn): void {
  const checked = new Set<Layer>();
  for (const io of model.inputs) checkValueSize(model.values[io.value]!.shape, (reason) => new KerasError(`model input ${JSON.stringify(io.name)} ${reason}`));
  for (const call of model.calls) {
    // Every call, shared layers included: each computes its own outputs.
    for (const v of call.outputs) checkValueSize(model.values[v]!.shape, (reason) => layerError(call.layer, `computes an output that ${reason}`));
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
  }
}

/** Values a generated module may hold in one buffer (float64: 2 GiB); more cannot be allocated in practice. */
export const MAX_BUFFER_VALUES = 2 ** 28;

/** Refuses impossible dimensions and buffers no generated module could allocate, before any code is written. */
function checkValueSize(shape: Shape, error: (reason: string) => KerasError): void {
  if (shape.some((d) => typeof d === "number" && (!Number.isInteger(d) || d <= 0))) throw error(`has an impossible shape (${shape.join(", ")})`);
  const values = shape.reduce<number>((n, d) => n * (typeof d === "number" ? d : 1), 1);
  if (!(values <= MAX_BUFFER_VALUES)) throw error(`holds ${values} values per sample (shape (${shape.join(", ")})), over the ${MAX_BUFFER_VALUES} a generated module can allocate`);
}
