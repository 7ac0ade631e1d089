/**
 * LSTM on models we have no file for: random sizes, options and activations, against a plain
 * reference implementation of Keras' equations written here (gate blocks i, f, c, o).
 */
import { describe, expect, it } from "vitest";
import { importModel, modelFromConfig, sequential } from "./helpers/ir.js";

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

const ACT: Record<string, (x: number) => number> = {
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(0, x),
  linear: (x) => x,
  hard_sigmoid_k3: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
  hard_sigmoid_k2: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
};

interface Options {
  units: number;
  features: number;
  steps: number;
  activation: string;
  recurrent_activation: string;
  use_bias: boolean;
  go_backwards: boolean;
  return_sequences: boolean;
  version: string;
}

/** Keras' LSTM equations, one sample, float64. */
function referenceLstm(o: Options, x: number[], W: Float32Array, U: Float32Array, b: Float32Array | null): number[] {
  const u = o.units;
  const keras2 = o.version.startsWith("2");
  const act = ACT[o.activation === "hard_sigmoid" ? (keras2 ? "hard_sigmoid_k2" : "hard_sigmoid_k3") : o.activation]!;
  const rec = ACT[o.recurrent_activation === "hard_sigmoid" ? (keras2 ? "hard_sigmoid_k2" : "hard_sigmoid_k3") : o.recurrent_activation]!;
  let h = new Array<number>(u).fill(0);
  const c = new Array<number>(u).fill(0);
  const seq: number[] = [];
  for (let s = 0; s < o.steps; s++) {
    const t = o.go_backwards ? o.steps - 1 - s : s;
    const z = (j: number) => {
      let v = b ? b[j]! : 0;
      for (let i = 0; i < o.features; i++) v += x[t * o.features + i]! * W[i * 4 * u + j]!;
      for (let k = 0; k < u; k++) v += h[k]! * U[k * 4 * u + j]!;
      return v;
    };
    const next = new Array<number>(u);
    for (let j = 0; j < u; j++) {
      const ig = rec(z(j));
      const fg = rec(z(u + j));
      const g = act(z(2 * u + j));
      const og = rec(z(3 * u + j));
      c[j] = fg * c[j]! + ig * g;
      next[j] = og * act(c[j]!);
    }
    h = next;
    seq.push(...h);
  }
  return o.return_sequences ? seq : h;
}

const CASES: Options[] = [
  { units: 3, features: 2, steps: 1, activation: "tanh", recurrent_activation: "sigmoid", use_bias: true, go_backwards: false, return_sequences: false, version: "3.15.1" },
  { units: 7, features: 5, steps: 9, activation: "relu", recurrent_activation: "hard_sigmoid", use_bias: false, go_backwards: true, return_sequences: true, version: "3.15.1" },
  { units: 5, features: 3, steps: 6, activation: "tanh", recurrent_activation: "hard_sigmoid", use_bias: true, go_backwards: false, return_sequences: true, version: "2.2.4" },
  { units: 4, features: 6, steps: 40, activation: "linear", recurrent_activation: "sigmoid", use_bias: true, go_backwards: true, return_sequences: false, version: "3.15.1" },
  { units: 9, features: 1, steps: 33, activation: "sigmoid", recurrent_activation: "sigmoid", use_bias: true, go_backwards: false, return_sequences: true, version: "2.10.0" },
];

describe("LSTM against a reference implementation", () => {
  it.each(CASES.map((c, i) => [i, c] as const))("case %i: %o", async (i, o) => {
    const rand = random(1000 + i);
    const u = o.units;
    const W = Float32Array.from({ length: o.features * 4 * u }, () => rand() * 1.5);
    const U = Float32Array.from({ length: u * 4 * u }, () => rand() * 1.5);
    const b = o.use_bias ? Float32Array.from({ length: 4 * u }, () => rand()) : null;
    const { version, features, steps, ...config } = o;
    const weights = [{ shape: [features, 4 * u], data: W }, { shape: [u, 4 * u], data: U }, ...(b ? [{ shape: [4 * u], data: b }] : [])];
    const model = modelFromConfig(sequential([steps, features], [["LSTM", { name: "lstm", ...config }]]), { lstm: weights }, version);
    const mod = await importModel(`lstm/case${i}`, model);
    for (let trial = 0; trial < 3; trial++) {
      const x = Array.from({ length: steps * features }, () => rand() * 6);
      const want = referenceLstm(o, x, W, U, b);
      const got = mod.predict(x) as Float32Array;
      expect(got.length).toBe(want.length);
      want.forEach((w, k) => expect(Math.abs(got[k]! - w), `element ${k}`).toBeLessThanOrEqual(1e-6 + 1e-6 * Math.abs(w)));
    }
  });

  it("rejects weights whose shapes disagree with the config, naming the layer", () => {
    const model = () =>
      modelFromConfig(sequential([4, 3], [["LSTM", { name: "enc", units: 5 }]]), {
        enc: [{ shape: [3, 16], data: new Float32Array(48) }, { shape: [5, 20], data: new Float32Array(100) }, { shape: [20], data: new Float32Array(20) }],
      });
    expect(model).toThrow("weight kernel has shape [3, 16], expected [3, 20] from the config");
  });
});
