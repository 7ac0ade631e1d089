/**
 * TimeDistributed applies the wrapped layer to every timestep independently: Dense and activations
 * over all steps at once, recurrent (even Bidirectional) layers per step with fresh state, identity
 * layers as a copy. Checked against plain references, with a fixed and a variable step count.
 */
import { afterAll, describe, expect, it } from "vitest";
import { bidirectionalRef, runRef } from "./helpers/rnn-reference.js";
import { buildModule, expectClose, functionalArch, generatedModules, random, randomCell, steps } from "./helpers/rnn-models.js";
import { typecheck } from "./helpers/typecheck.js";

afterAll(() => {
  expect(typecheck(generatedModules())).toEqual([]);
}, 120_000);

const td = (name: string, className: string, config: Record<string, unknown>) => ({ name, layer: { class_name: className, config: { name: `${name}_inner`, ...config } } });

function softmax(v: number[]): number[] {
  const m = Math.max(...v);
  const e = v.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

describe("TimeDistributed", () => {
  it("Dense with softmax over (T, A, F): one row per step and position", async () => {
    const rnd = random(6000);
    const [T, A, Fin, units] = [4, 3, 5, 6];
    const kernel = Float32Array.from({ length: Fin * units }, () => rnd() * 2);
    const bias = Float32Array.from({ length: units }, () => rnd());
    const arch = functionalArch([["x", [T, A, Fin]]], [["TimeDistributed", td("td", "Dense", { units, activation: "softmax" }), [["x", 0]]]], [["td", 0]]);
    const mod = await buildModule("td/dense", arch, { td: [{ shape: [Fin, units], data: kernel }, { shape: [units], data: bias }] });
    const x = Array.from({ length: T * A * Fin }, () => rnd() * 4);
    const want = steps(x, Fin).flatMap((row) => softmax(Array.from({ length: units }, (_, j) => row.reduce((s, v, i) => s + v * kernel[i * units + j]!, bias[j]!))));
    expectClose(mod.predict(x) as Float32Array, want, "td dense");
  });

  it("LSTM per step with fresh state each step, the same on every call", async () => {
    const rnd = random(6001);
    const [T, T2, Fin] = [5, 4, 3];
    const lstm = randomCell("LSTM", { units: 2 }, Fin, rnd);
    const arch = functionalArch([["x", [T, T2, Fin]]], [["TimeDistributed", td("td", "LSTM", { units: 2 }), [["x", 0]]]], [["td", 0]]);
    const mod = await buildModule("td/lstm", arch, { td: lstm.weights });
    const x = Array.from({ length: T * T2 * Fin }, () => rnd() * 3);
    const want = steps(x, T2 * Fin).flatMap((step) => runRef(lstm.ref, steps(step, Fin)).last);
    expectClose(mod.predict(x) as Float32Array, want, "first call");
    expectClose(mod.predict(x) as Float32Array, want, "second call");
  });

  it("GRU with return_sequences per step, inner loop not unrolled, variable outer length", async () => {
    const rnd = random(6002);
    const [T2, Fin] = [6, 2];
    const gru = randomCell("GRU", { units: 3 }, Fin, rnd);
    const arch = functionalArch([["x", [null, T2, Fin]]], [["TimeDistributed", td("td", "GRU", { units: 3, return_sequences: true, go_backwards: true }), [["x", 0]]]], [["td", 0]]);
    const mod = await buildModule("td/gru", arch, { td: gru.weights }, "3.15.1", { unrollLimit: 2 });
    for (const T of [1, 3]) {
      const x = Array.from({ length: T * T2 * Fin }, () => rnd() * 3);
      const want = steps(x, T2 * Fin).flatMap((step) => runRef(gru.ref, steps(step, Fin), { backwards: true }).sequence.flat());
      expectClose(mod.predict(x) as Float32Array, want, `T=${T}`);
    }
  });

  it("Bidirectional inside TimeDistributed (weights redirected through both wrappers)", async () => {
    const rnd = random(6003);
    const [T, T2, Fin] = [3, 4, 2];
    const cfg = { name: "f", units: 2 };
    const fw = randomCell("SimpleRNN", cfg, Fin, rnd);
    const bw = randomCell("SimpleRNN", cfg, Fin, rnd);
    const bi = { name: "bi", merge_mode: "concat", layer: { class_name: "SimpleRNN", config: cfg } };
    const arch = functionalArch([["x", [T, T2, Fin]]], [["TimeDistributed", { name: "td", layer: { class_name: "Bidirectional", config: bi } }, [["x", 0]]]], [["td", 0]]);
    const mod = await buildModule("td/bidirectional", arch, { td: [...fw.weights, ...bw.weights] });
    const x = Array.from({ length: T * T2 * Fin }, () => rnd() * 3);
    const want = steps(x, T2 * Fin).flatMap((step) => {
      const xs = steps(step, Fin);
      return bidirectionalRef(runRef(fw.ref, xs), runRef(bw.ref, xs, { backwards: true }), false, "concat", false)[0]!;
    });
    expectClose(mod.predict(x) as Float32Array, want, "td bidirectional");
  });

  it("an identity layer (Dropout) copies its input", async () => {
    const arch = functionalArch([["x", [3, 2]]], [["TimeDistributed", td("td", "Dropout", { rate: 0.3 }), [["x", 0]]]], [["td", 0]]);
    const mod = await buildModule("td/dropout", arch, {});
    const x = [1, 2, 3, 4, 5, 6];
    expectClose(mod.predict(x) as Float32Array, x, "copy");
  });
});
