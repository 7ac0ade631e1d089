/**
 * A nested model in a legacy HDF5 file keeps all its layers' weights in one group, ordered as
 * Keras' legacy writer did: every trainable weight (layer by layer), then every non-trainable one.
 * Splitting that list needs each inner layer's weight count, known once shapes are inferred.
 */
import { KerasError } from "../errors.js";
import type { WeightGroup } from "../load/architecture.js";
import type { WeightsByLayer } from "../load/weights.js";
import type { ExpectedWeight } from "./verify.js";
import type { Layer, Model, Shape } from "./types.js";

type SpecFn = (layer: Layer, inputs: readonly Shape[]) => readonly ExpectedWeight[];

/** Weights Keras never trains: they go after every trainable one in the legacy order. */
const NON_TRAINABLE = /^moving_(mean|variance)$/;

export function assignGroupedWeights(model: Model, groups: readonly WeightGroup[], weights: WeightsByLayer, specs: SpecFn): void {
  const firstCall = new Map<string, Model["calls"][number]>();
  for (const call of model.calls) if (!firstCall.has(call.layer.name)) firstCall.set(call.layer.name, call);
  for (const group of groups) {
    const stored = weights.get(group.key);
    const members = group.layers.map((m) => ({ ...m, call: firstCall.get(m.name) }));
    // Keras 3 files (and models never called) need nothing here.
    if (!stored || stored.length === 0 || members.some((m) => m.call?.layer.weights.length)) continue;
    const slots: { layer: Layer; index: number; trainable: boolean }[] = [];
    for (const m of members) {
      if (!m.call) continue;
      const layer = m.call.layer;
      const expected = specs(layer, m.call.inputs.map((v) => model.values[v]!.shape));
      expected.forEach((spec, index) => slots.push({ layer, index, trainable: m.trainable && !NON_TRAINABLE.test(spec.name) }));
    }
    const ordered = [...slots.filter((s) => s.trainable), ...slots.filter((s) => !s.trainable)];
    if (ordered.length !== stored.length) {
      throw new KerasError(`nested model "${group.key}": the file has ${stored.length} weight tensor(s), its layers expect ${ordered.length}`);
    }
    ordered.forEach((slot, k) => {
      slot.layer.weights[slot.index] = stored[k]!;
    });
  }
}
