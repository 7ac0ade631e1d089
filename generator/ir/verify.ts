/** Checks the IR before any code is written: every layer's weights match what its config implies. */
import { KerasError, layerError } from "../errors.js";
import { callShapes, type CallShapes, type Layer, type Model, type Shape } from "./types.js";

export interface ExpectedWeight {
  readonly name: string;
  readonly shape: readonly number[];
}

export type WeightSpecFn = (layer: Layer, inputs: readonly Shape[], call?: CallShapes) => readonly ExpectedWeight[];

export function verifyModel(model: Model, weightSpecs: WeightSpecFn): void {
  const checked = new Set<Layer>();
  for (const io of model.inputs) checkValueSize(model.values[io.value]!.shape, (reason) => new KerasError(`model input ${JSON.stringify(io.name)} ${reason}`));
  for (const call of model.calls) {
    // Every call, shared layers included: each computes its own outputs.
    for (const v of call.outputs) checkValueSize(model.values[v]!.shape, (reason) => layerError(call.layer, `computes an output that ${reason}`));
    if (checked.has(call.layer)) continue;
    checked.add(call.layer);
    const layer = call.layer;
    const expected = weightSpecs(layer, call.inputs.map((v) => model.values[v]!.shape), callShapes(call, model.values));
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

/**
 * The IR's structural invariants, checked after every named pass: value ids are their indices,
 * every value a call reads exists and is computed earlier (or is a model input), every mask is a
 * value, and the model's outputs are computed. A failure names the pass that broke the graph.
 */
export function verifyGraph(model: Model, after: string): void {
  const fail = (reason: string) => new KerasError(`internal error: the IR is inconsistent after pass "${after}": ${reason}`);
  const exists = (v: number) => Number.isInteger(v) && v >= 0 && v < model.values.length;
  model.values.forEach((v, i) => {
    if (v.id !== i) throw fail(`value ${i} has id ${v.id}`);
    if (v.mask !== undefined && !exists(v.mask)) throw fail(`value ${i} has a mask ${v.mask} that is no value`);
  });
  const ready = new Set(model.inputs.map((io) => io.value));
  for (const call of model.calls) {
    for (const v of [...call.inputs, ...call.initialState, ...(call.maskInput !== undefined ? [call.maskInput] : []), ...Object.values(call.namedInputs ?? {}), ...(call.maskInputs ?? []).filter((m) => m !== undefined)]) {
      if (!exists(v)) throw fail(`layer "${call.layer.name}" reads value ${v}, which does not exist`);
      if (!ready.has(v)) throw fail(`layer "${call.layer.name}" reads value ${v} before it is computed`);
    }
    for (const v of call.outputs) {
      if (!exists(v)) throw fail(`layer "${call.layer.name}" writes value ${v}, which does not exist`);
      if (ready.has(v)) throw fail(`value ${v} is computed twice`);
      ready.add(v);
    }
  }
  for (const io of model.outputs) if (!ready.has(io.value)) throw fail(`model output "${io.name}" is never computed`);
}
