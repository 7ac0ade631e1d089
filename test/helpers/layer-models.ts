/**
 * Test models for single layers and small graphs, with seeded random weights shaped by the layer's
 * own weight specs, plus a tiny row-major tensor type for the naive references tests compare to.
 */
import { emitterFor, layerKinds } from "../../generator/emit/layers/registry.js";
import { buildModel } from "../../generator/ir/build.js";
import { runPasses } from "../../generator/passes/index.js";
import { callShapes, type Model } from "../../generator/ir/types.js";
import { readArchitecture } from "../../generator/load/architecture.js";
import { parseKerasVersion } from "../../generator/load/version.js";
import { join } from "node:path";
import { asList, currentTestFile, GENERATED } from "./cases.js";
export { sequential } from "./ir.js";
import { importModel, modelFromConfig } from "./ir.js";

/** Seeded uniform numbers in [-0.5, 0.5). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export function randomArray(n: number, rnd: () => number, scale = 2): number[] {
  return Array.from({ length: n }, () => rnd() * scale);
}

/** A Functional config: inputs `[name, shape]`, layers `[class, config, inbound layer names]`. */
export function functional(inputs: [string, (number | null)[]][], layers: [string, Record<string, unknown>, string[]][], outputs: string[]): unknown {
  return {
    class_name: "Functional",
    config: {
      name: "model",
      layers: [
        ...inputs.map(([name, shape]) => ({ class_name: "InputLayer", name, config: { name, batch_shape: [null, ...shape] }, inbound_nodes: [] })),
        ...layers.map(([class_name, config, inbound]) => ({
          class_name,
          name: config["name"],
          config,
          inbound_nodes: [inbound.map((n) => [n, 0, 0, {}])],
        })),
      ],
      input_layers: inputs.map(([name]) => [name, 0, 0]),
      output_layers: outputs.map((name) => [name, 0, 0]),
    },
  };
}

export type Weights = Record<string, { shape: number[]; data: number[] }[]>;

/** Random weights for every layer of an architecture, shaped by its emitter's weight specs. */
export function randomWeights(architecture: unknown, seed: number, kerasVersion = "3.15.1"): Weights {
  const version = parseKerasVersion(kerasVersion);
  const info = { version };
  const model = buildModel({ architecture: readArchitecture(architecture, version, layerKinds), weights: new Map(), kerasVersion: version, sourceName: "test" }, (layer, inputs, call) =>
    layer.className === "InputLayer" ? [inputs[0]!] : emitterFor(layer).outputShapes(layer, inputs, { ...info, call }),
  );
  const rnd = random(seed);
  const weights: Weights = {};
  for (const call of model.calls) {
    const specs = emitterFor(call.layer).weightSpecs(call.layer, call.inputs.map((v) => model.values[v]!.shape), { ...info, call: callShapes(call, model.values) });
    weights[call.layer.name] = specs.map((s) => {
      const n = s.shape.reduce((p, d) => p * d, 1);
      // Variances must be positive.
      const data = s.name.includes("variance") ? randomArray(n, rnd).map((v) => v + 1.1) : randomArray(n, rnd);
      return { shape: [...s.shape], data };
    });
  }
  return weights;
}

/**
 * Every module `generated` wrote in this test file, for one type-check at the end. Kept per test file:
 * test files share helper modules when Vitest runs them in one process (`isolate: false`).
 */
const pathsByFile = new Map<string, string[]>();
export const generatedPaths = (): string[] => [...(pathsByFile.get(currentTestFile()) ?? [])];

/** Builds the model (random weights unless given), emits it into test/.generated/<sub>, imports it. */
export async function generated(sub: string, architecture: unknown, seed: number, kerasVersion = "3.15.1", given?: Weights) {
  const weights = given ?? randomWeights(architecture, seed, kerasVersion);
  // The passes attach masks, as loadModel does.
  const model: Model = runPasses(modelFromConfig(architecture, weights, kerasVersion));
  const mod = await importModel(sub, model);
  const run = (...xs: number[][]) => asList(mod.predict(...xs)).map((a) => Array.from(a));
  const file = currentTestFile();
  pathsByFile.set(file, [...(pathsByFile.get(file) ?? []), join(GENERATED, sub, "model.ts")]);
  return { mod, model, weights, run };
}

/** Row-major tensor for references: get/set by multi-index. */
export class Tensor {
  readonly data: Float64Array;
  constructor(readonly shape: number[], data?: ArrayLike<number>) {
    this.data = data ? Float64Array.from(data) : new Float64Array(shape.reduce((p, d) => p * d, 1));
  }
  offset(idx: readonly number[]): number {
    return idx.reduce((o, i, k) => o * this.shape[k]! + i, 0);
  }
  get(...idx: number[]): number {
    return this.data[this.offset(idx)]!;
  }
  set(idx: readonly number[], v: number): void {
    this.data[this.offset(idx)] = v;
  }
  /** Every multi-index, in row-major order. */
  *indices(): Generator<number[]> {
    const n = this.data.length;
    for (let flat = 0; flat < n; flat++) {
      const idx: number[] = [];
      let rest = flat;
      for (let k = this.shape.length - 1; k >= 0; k--) {
        idx.unshift(rest % this.shape[k]!);
        rest = Math.floor(rest / this.shape[k]!);
      }
      yield idx;
    }
  }
}

/** Largest |a − b| over two equally long arrays (Infinity when lengths differ). */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return Number.isNaN(m) ? Infinity : m;
}
