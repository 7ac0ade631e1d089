/**
 * Legacy Keras 2 files with CuDNNLSTM / CuDNNGRU, written as real .h5 files, against a float64
 * reference written here in cuDNN's own terms: each gate's stored input-kernel block read
 * row-major is the (units, in) matrix W, each stored recurrent block is the (units, units) matrix
 * R, and the input and recurrent biases are added separately. That is what Keras 2 computed on CPU
 * after converting such weights into LSTM / GRU(reset_after=True).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, loadModel } from "../generator/index.js";
import { asList, GENERATED, type GeneratedModule } from "./helpers/cases.js";
import { random } from "./helpers/layer-models.js";
import { legacyH5, type TensorSpec } from "./helpers/write-model.js";

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

interface CudnnWeights {
  readonly kernel: Float32Array; // (in, G·u)
  readonly recurrent: Float32Array; // (u, G·u)
  readonly bias: Float32Array; // (2·G·u): input biases, then recurrent biases
}

/** Gate pre-activations in cuDNN's terms: W_g·x + bW_g and R_g·h + bR_g, per gate. */
function gateTerms(w: CudnnWeights, x: number[], h: number[], gates: number, u: number): { input: number[][]; recurrent: number[][] } {
  const n = x.length;
  const block = (g: number, p: number) => w.kernel[Math.floor(p / u) * gates * u + g * u + (p % u)]!; // row-major values of gate g's block
  const input = Array.from({ length: gates }, (_, g) => Array.from({ length: u }, (_, j) => x.reduce((s, xi, i) => s + block(g, j * n + i) * xi, w.bias[g * u + j]!)));
  const recurrent = Array.from({ length: gates }, (_, g) =>
    Array.from({ length: u }, (_, j) => h.reduce((s, hk, k) => s + w.recurrent[j * gates * u + g * u + k]! * hk, w.bias[gates * u + g * u + j]!)),
  );
  return { input, recurrent };
}

function runLstm(w: CudnnWeights, xs: number[][], u: number): number[][] {
  let h = new Array<number>(u).fill(0);
  let c = new Array<number>(u).fill(0);
  return xs.map((x) => {
    const { input, recurrent } = gateTerms(w, x, h, 4, u);
    const z = input.map((row, g) => row.map((v, j) => v + recurrent[g]![j]!));
    c = c.map((cj, j) => sigmoid(z[1]![j]!) * cj + sigmoid(z[0]![j]!) * Math.tanh(z[2]![j]!));
    h = c.map((cj, j) => sigmoid(z[3]![j]!) * Math.tanh(cj));
    return h;
  });
}

function runGru(w: CudnnWeights, xs: number[][], u: number): number[][] {
  let h = new Array<number>(u).fill(0);
  return xs.map((x) => {
    const { input, recurrent } = gateTerms(w, x, h, 3, u);
    const z = input[0]!.map((v, j) => sigmoid(v + recurrent[0]![j]!));
    const r = input[1]!.map((v, j) => sigmoid(v + recurrent[1]![j]!));
    const hh = input[2]!.map((v, j) => Math.tanh(v + r[j]! * recurrent[2]![j]!));
    h = h.map((hj, j) => z[j]! * hj + (1 - z[j]!) * hh[j]!);
    return h;
  });
}

function randomWeights(rnd: () => number, n: number, u: number, gates: number): CudnnWeights {
  const arr = (k: number) => Float32Array.from({ length: k }, () => rnd() * 1.6);
  return { kernel: arr(n * gates * u), recurrent: arr(u * gates * u), bias: arr(2 * gates * u) };
}

const specs = (prefix: string, w: CudnnWeights, n: number, u: number, gates: number): TensorSpec[] => [
  { name: `${prefix}/kernel:0`, shape: [n, gates * u], data: w.kernel },
  { name: `${prefix}/recurrent_kernel:0`, shape: [u, gates * u], data: w.recurrent },
  { name: `${prefix}/bias:0`, shape: [2 * gates * u], data: w.bias },
];

async function moduleFrom(sub: string, bytes: Uint8Array): Promise<GeneratedModule> {
  const dir = join(GENERATED, "cudnn", sub);
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, "model.ts", { sourceName: `${sub}.h5` })) writeFileSync(join(dir, f.name), f.text);
  return (await import(join(dir, "model.ts"))) as GeneratedModule;
}

const close = (got: ArrayLike<number>, want: number[]) => want.forEach((v, i) => expect(Math.abs(got[i]! - v), `[${i}] got ${got[i]} want ${v}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(v)));

describe("CuDNNLSTM / CuDNNGRU (Keras 2 .h5)", () => {
  it.each([
    ["CuDNNLSTM", 3, 4, 5, true],
    ["CuDNNLSTM", 5, 3, 4, false],
    ["CuDNNGRU", 3, 4, 5, true],
    ["CuDNNGRU", 4, 4, 3, false],
  ] as const)("%s over %i features, %i units, %i steps, return_sequences %s", async (cls, n, u, T, sequences) => {
    const gates = cls === "CuDNNLSTM" ? 4 : 3;
    const rnd = random(n * 31 + u * 7 + T + gates);
    const w = randomWeights(rnd, n, u, gates);
    const name = cls === "CuDNNLSTM" ? "cu_dnnlstm_1" : "cu_dnngru_1";
    const config = { class_name: "Sequential", config: { name: "s", layers: [{ class_name: cls, config: { name, units: u, return_sequences: sequences, batch_input_shape: [null, T, n] } }] } };
    const mod = await moduleFrom(`${cls}-${n}-${u}-${T}`, await legacyH5({ [name]: specs(name, w, n, u, gates) }, config, "2.2.4"));
    for (let s = 0; s < 3; s++) {
      const xs = Array.from({ length: T }, () => Array.from({ length: n }, () => rnd() * 3));
      const hs = cls === "CuDNNLSTM" ? runLstm(w, xs, u) : runGru(w, xs, u);
      close(asList(mod.predict(xs.flat()))[0]!, sequences ? hs.flat() : hs[T - 1]!);
    }
  });

  it("inside Bidirectional, and inspect notes the conversion", async () => {
    const [n, u, T] = [3, 2, 4];
    const rnd = random(17);
    const fw = randomWeights(rnd, n, u, 4);
    const bw = randomWeights(rnd, n, u, 4);
    const config = {
      class_name: "Sequential",
      config: { name: "s", layers: [{ class_name: "Bidirectional", config: { name: "bidirectional_1", merge_mode: "concat", batch_input_shape: [null, T, n], layer: { class_name: "CuDNNLSTM", config: { name: "cu_dnnlstm_1", units: u } } } }] },
    };
    const weights = { bidirectional_1: [...specs("bidirectional_1/forward_cu_dnnlstm_1", fw, n, u, 4), ...specs("bidirectional_1/backward_cu_dnnlstm_1", bw, n, u, 4)] };
    const bytes = await legacyH5(weights, config, "2.2.4");
    const mod = await moduleFrom("bidirectional", bytes);
    const xs = Array.from({ length: T }, () => Array.from({ length: n }, () => rnd() * 3));
    const forward = runLstm(fw, xs, u)[T - 1]!;
    const backward = runLstm(bw, [...xs].reverse(), u)[T - 1]!;
    close(asList(mod.predict(xs.flat()))[0]!, [...forward, ...backward]);
    const model = await loadModel(bytes, { sourceName: "m.h5" });
    expect(model.notes.join("\n")).toContain('CuDNNLSTM "cu_dnnlstm_1" read as LSTM');
  });
});
