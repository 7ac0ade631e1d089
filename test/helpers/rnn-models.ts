/** Building small recurrent test models straight from configs, with random cell weights and their reference cells. */
import { join } from "node:path";
import { expect } from "vitest";
import { runPasses } from "../../generator/passes/index.js";
import type { EmitOptions } from "../../generator/emit/module.js";
import { currentTestFile, GENERATED, type GeneratedModule } from "./cases.js";
import { importModel, modelFromConfig } from "./ir.js";
import { activationFn, gruRef, lstmRef, simpleRnnRef, type CellRef } from "./rnn-reference.js";

/** Seeded uniform numbers in [-0.5, 0.5). */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

export type TensorRefSpec = [string, number];
/** `[class, config, inbound tensors, call kwargs as Keras 2 writes them]`. */
export type LayerSpec = [string, Record<string, unknown>, TensorRefSpec[], Record<string, unknown>?];

/** A Functional architecture in the Keras 2 JSON form: any output index can be referenced. */
export function functionalArch(inputs: [string, (number | null)[], string?][], layers: LayerSpec[], outputs: TensorRefSpec[]): unknown {
  const ref = ([name, k]: TensorRefSpec) => [name, 0, k];
  return {
    class_name: "Functional",
    config: {
      name: "model",
      layers: [
        ...inputs.map(([name, shape, dtype]) => ({ class_name: "InputLayer", name, config: { name, batch_shape: [null, ...shape], dtype: dtype ?? "float32" }, inbound_nodes: [] })),
        ...layers.map(([class_name, config, inbound, kwargs]) => ({
          class_name,
          name: config["name"],
          config,
          inbound_nodes: [inbound.map((r, i) => [...ref(r), i === 0 ? (kwargs ?? {}) : {}])],
        })),
      ],
      input_layers: inputs.map(([name]) => [name, 0, 0]),
      output_layers: outputs.map(ref),
    },
  };
}

export type WeightList = { shape: number[]; data: Float32Array }[];

/** Per test file: test files share helper modules when Vitest runs them in one process (`isolate: false`). */
const pathsByFile = new Map<string, string[]>();
/** Every module this test file generated (for one type check at the end). */
export const generatedModules = (): readonly string[] => pathsByFile.get(currentTestFile()) ?? [];

/** Builds, runs the passes (masks), emits into test/.generated/<sub> and imports the module. */
export async function buildModule(sub: string, arch: unknown, weights: Record<string, WeightList>, version = "3.15.1", options: EmitOptions = {}): Promise<GeneratedModule> {
  const model = runPasses(modelFromConfig(arch, weights, version));
  const mod = await importModel(sub, model, options);
  const file = currentTestFile();
  pathsByFile.set(file, [...(pathsByFile.get(file) ?? []), join(GENERATED, sub, "model.ts")]);
  return mod;
}

export type CellClass = "LSTM" | "GRU" | "SimpleRNN";

export interface Cell {
  readonly weights: WeightList;
  readonly ref: CellRef;
}

/** Random weights for one cell in Keras' layout, and the reference cell using them. */
export function randomCell(cls: CellClass, config: Record<string, unknown>, features: number, rnd: () => number, kerasMajor = 3): Cell {
  const u = config["units"] as number;
  const gates = cls === "LSTM" ? 4 : cls === "GRU" ? 3 : 1;
  const useBias = config["use_bias"] !== false;
  const resetAfter = cls === "GRU" && (config["reset_after"] ?? kerasMajor >= 3) === true;
  const arr = (n: number, scale: number) => Float32Array.from({ length: n }, () => rnd() * scale);
  const W = arr(features * gates * u, 1.5);
  const U = arr(u * gates * u, 1.5);
  const b = useBias ? arr((resetAfter ? 2 : 1) * gates * u, 1) : null;
  const weights: WeightList = [
    { shape: [features, gates * u], data: W },
    { shape: [u, gates * u], data: U },
    ...(b ? [{ shape: resetAfter ? [2, gates * u] : [gates * u], data: b }] : []),
  ];
  const act = activationFn(String(config["activation"] ?? "tanh"), kerasMajor);
  const defaultRec = kerasMajor >= 3 ? "sigmoid" : "hard_sigmoid";
  const rec = activationFn(String(config["recurrent_activation"] ?? defaultRec), kerasMajor);
  const w = { W, U, b };
  const ref = cls === "LSTM" ? lstmRef(u, w, act, rec) : cls === "GRU" ? gruRef(u, w, resetAfter, act, rec) : simpleRnnRef(u, w, act);
  return { weights, ref };
}

/** Splits a flat (T, F) sample into T vectors. */
export function steps(x: readonly number[], features: number): number[][] {
  return Array.from({ length: x.length / features }, (_, t) => x.slice(t * features, (t + 1) * features));
}

/** |got − want| ≤ 1e-6 + 1e-6·|want| elementwise, with the index in the message. */
export function expectClose(got: ArrayLike<number>, want: readonly number[], what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  want.forEach((w, k) => expect(Math.abs(got[k]! - w), `${what}[${k}]: got ${got[k]} want ${w}`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(w)));
}
