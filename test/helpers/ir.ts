/** Builds IR models straight from a config object and weight arrays, for tests of models we have no file for. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { emitterFor, layerKinds } from "../../generator/emit/layers/registry.js";
import { emitModule, type EmitOptions } from "../../generator/emit/module.js";
import { RUNTIME_FILE_BASE, runtimeSource } from "../../generator/emit/runtime-source.js";
import { buildModel } from "../../generator/ir/build.js";
import type { Model, Weight } from "../../generator/ir/types.js";
import { verifyModel } from "../../generator/ir/verify.js";
import { readArchitecture } from "../../generator/load/architecture.js";
import { parseKerasVersion } from "../../generator/load/version.js";
import { GENERATED, type GeneratedModule } from "./cases.js";

/** `{ class_name, config }` as Keras writes it; weights as plain arrays keyed by layer name. */
export function modelFromConfig(architecture: unknown, weights: Record<string, { shape: number[]; data: ArrayLike<number> }[]> = {}, kerasVersion = "3.15.1"): Model {
  const version = parseKerasVersion(kerasVersion);
  const arch = readArchitecture(architecture, version, layerKinds);
  const byLayer = new Map<string, Weight[]>(
    Object.entries(weights).map(([name, ws]) => [name, ws.map((w, i) => ({ name: `w${i}`, shape: w.shape, data: Float32Array.from(w.data) }))]),
  );
  const info = { version };
  const model = buildModel({ architecture: arch, weights: byLayer, kerasVersion: version, sourceName: "test" }, (layer, inputs, call) =>
    layer.className === "InputLayer" ? [inputs[0]!] : emitterFor(layer).outputShapes(layer, inputs, { ...info, call }),
  );
  verifyModel(model, (layer, inputs, call) => emitterFor(layer).weightSpecs(layer, inputs, { ...info, ...(call ? { call } : {}) }));
  return model;
}

/** A Sequential config from an input shape (without batch) and `[class_name, config]` layers. */
export function sequential(inputShape: (number | null)[], layers: [string, Record<string, unknown>][], inputDtype = "float32"): unknown {
  return {
    class_name: "Sequential",
    config: {
      name: "sequential",
      layers: [
        { class_name: "InputLayer", config: { name: "input_layer", batch_shape: [null, ...inputShape], dtype: inputDtype } },
        ...layers.map(([class_name, config]) => ({ class_name, config })),
      ],
    },
  };
}

/** Emits a model into test/.generated/<sub>/model.ts (with the runtime) and imports it. */
export async function importModel(sub: string, model: Model, options: EmitOptions = {}): Promise<GeneratedModule> {
  const dir = join(GENERATED, sub);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${RUNTIME_FILE_BASE}.ts`), runtimeSource());
  writeFileSync(join(dir, "model.ts"), emitModule(model, options));
  return (await import(join(dir, "model.ts"))) as GeneratedModule;
}
