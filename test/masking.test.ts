/**
 * Masks (Masking, Embedding mask_zero, an explicit mask= input) through RNNs, Bidirectional,
 * Dropout, TimeDistributed and stacked RNNs, and Embedding lookups, against plain references of
 * Keras' semantics: masked steps keep the state and repeat h (zeros with zero_output_for_mask and in
 * Bidirectional sequences); a leading masked step keeps the zero state.
 */
import { afterAll, describe, expect, it } from "vitest";
import { asList } from "./helpers/cases.js";
import { bidirectionalRef, runRef, type Vec } from "./helpers/rnn-reference.js";
import { buildModule, expectClose, functionalArch, generatedModules, random, randomCell, steps, type LayerSpec } from "./helpers/rnn-models.js";
import { typecheck } from "./helpers/typecheck.js";

afterAll(() => {
  expect(typecheck(generatedModules())).toEqual([]);
}, 120_000);

const F = 3;
const T = 7;

/** Which steps of each test sample are masked: none, trailing, interior, leading, alternate, all. */
const PATTERNS: readonly (readonly number[])[] = [[], [5, 6], [2, 3], [0], [0, 2, 4, 6], [0, 1, 2, 3, 4, 5, 6]];

/** A (T, F) sample with the given steps set to `maskValue` (other features random, never equal to it). */
function sample(rnd: () => number, masked: readonly number[], maskValue = 0): number[] {
  return Array.from({ length: T * F }, (_, i) => (masked.includes(Math.floor(i / F)) ? maskValue : 0.25 + rnd() * 3));
}

const realSteps = (x: readonly number[], maskValue = 0): boolean[] => steps([...x], F).map((s) => s.some((v) => v !== maskValue));
const maskingRef = (x: readonly number[], maskValue = 0): Vec[] => steps([...x], F).map((s) => (s.some((v) => v !== maskValue) ? s : s.map(() => 0)));

describe("Masking into recurrent layers", () => {
  it("LSTM without return_sequences: masked steps (leading, interior, trailing) skip the update", async () => {
    const rnd = random(5000);
    const lstm = randomCell("LSTM", { units: 4 }, F, rnd);
    const arch = functionalArch([["x", [T, F]]], [["Masking", { name: "m", mask_value: 0 }, [["x", 0]]], ["LSTM", { name: "lstm", units: 4 }, [["m", 0]]]], [["lstm", 0]]);
    const mod = await buildModule("masking/lstm", arch, { lstm: lstm.weights });
    for (const masked of PATTERNS) {
      const x = sample(rnd, masked);
      expectClose(mod.predict(x) as Float32Array, runRef(lstm.ref, maskingRef(x), { mask: realSteps(x) }).last, `masked ${masked}`);
    }
  });

  it("GRU with return_sequences (and go_backwards) repeats the previous output at masked steps", async () => {
    const rnd = random(5001);
    for (const backwards of [false, true]) {
      const gru = randomCell("GRU", { units: 3 }, F, rnd);
      const config = { name: "gru", units: 3, return_sequences: true, go_backwards: backwards };
      const arch = functionalArch([["x", [T, F]]], [["Masking", { name: "m" }, [["x", 0]]], ["GRU", config, [["m", 0]]]], [["gru", 0]]);
      const mod = await buildModule(`masking/gru${backwards ? "_back" : ""}`, arch, { gru: gru.weights });
      for (const masked of PATTERNS) {
        const x = sample(rnd, masked);
        const want = runRef(gru.ref, maskingRef(x), { mask: realSteps(x), backwards }).sequence.flat();
        expectClose(mod.predict(x) as Float32Array, want, `masked ${masked}`);
      }
    }
  });

  it("zero_output_for_mask=True outputs zeros at masked steps, also as the last output", async () => {
    const rnd = random(5002);
    for (const sequences of [false, true]) {
      const rnn = randomCell("SimpleRNN", { units: 3 }, F, rnd);
      const config = { name: "rnn", units: 3, zero_output_for_mask: true, return_sequences: sequences };
      const arch = functionalArch([["x", [T, F]]], [["Masking", { name: "m", mask_value: -1 }, [["x", 0]]], ["SimpleRNN", config, [["m", 0]]]], [["rnn", 0]]);
      const mod = await buildModule(`masking/zero_output${sequences ? "_seq" : ""}`, arch, { rnn: rnn.weights });
      for (const masked of PATTERNS) {
        const x = sample(rnd, masked, -1);
        const r = runRef(rnn.ref, maskingRef(x, -1), { mask: realSteps(x, -1), zeroOutput: true });
        expectClose(mod.predict(x) as Float32Array, sequences ? r.sequence.flat() : r.last, `masked ${masked}`);
      }
    }
  });

  it("Bidirectional outputs zeros at masked steps in both directions with return_sequences, the held states without", async () => {
    const rnd = random(5003);
    const cases = [
      { cls: "LSTM" as const, mode: "concat" as const, sequences: true },
      { cls: "GRU" as const, mode: "sum" as const, sequences: false },
      { cls: "SimpleRNN" as const, mode: null, sequences: true },
    ];
    for (const [i, c] of cases.entries()) {
      const cfg = { name: "f", units: 3, return_sequences: c.sequences };
      const fw = randomCell(c.cls, cfg, F, rnd);
      const bw = randomCell(c.cls, cfg, F, rnd);
      const bi = { name: "bi", merge_mode: c.mode, layer: { class_name: c.cls, config: cfg } };
      const outputs: [string, number][] = c.mode === null ? [["bi", 0], ["bi", 1]] : [["bi", 0]];
      const arch = functionalArch([["x", [T, F]]], [["Masking", { name: "m" }, [["x", 0]]], ["Bidirectional", bi, [["m", 0]]]], outputs);
      const mod = await buildModule(`masking/bi${i}`, arch, { bi: [...fw.weights, ...bw.weights] });
      for (const masked of PATTERNS) {
        const x = sample(rnd, masked);
        const xs = maskingRef(x);
        const mask = realSteps(x);
        const f = runRef(fw.ref, xs, { mask, zeroOutput: c.sequences });
        const b = runRef(bw.ref, xs, { mask, zeroOutput: c.sequences, backwards: true });
        const want = bidirectionalRef(f, b, c.sequences, c.mode, false);
        asList(mod.predict(x)).forEach((got, k) => expectClose(got, want[k]!, `${c.cls} masked ${masked} output ${k}`));
      }
    }
  });

  it("passes through Dropout and TimeDistributed(Dense) and on through a stacked RNN with return_sequences", async () => {
    const rnd = random(5004);
    const lstm = randomCell("LSTM", { units: 4 }, 5, rnd);
    const gru = randomCell("GRU", { units: 3 }, 4, rnd);
    const kernel = Float32Array.from({ length: F * 5 }, () => rnd());
    const bias = Float32Array.from({ length: 5 }, () => rnd());
    const layers: LayerSpec[] = [
      ["Masking", { name: "m" }, [["x", 0]]],
      ["Dropout", { name: "drop", rate: 0.5 }, [["m", 0]]],
      ["TimeDistributed", { name: "td", layer: { class_name: "Dense", config: { name: "d", units: 5, activation: "tanh" } } }, [["drop", 0]]],
      ["LSTM", { name: "lstm", units: 4, return_sequences: true }, [["td", 0]]],
      ["GRU", { name: "gru", units: 3 }, [["lstm", 0]]],
    ];
    const arch = functionalArch([["x", [T, F]]], layers, [["gru", 0]]);
    const weights = { td: [{ shape: [F, 5], data: kernel }, { shape: [5], data: bias }], lstm: lstm.weights, gru: gru.weights };
    const mod = await buildModule("masking/stacked", arch, weights);
    for (const masked of PATTERNS) {
      const x = sample(rnd, masked);
      const mask = realSteps(x);
      const dense = maskingRef(x).map((s) => Array.from({ length: 5 }, (_, j) => Math.tanh(s.reduce((a, v, i) => a + v * kernel[i * 5 + j]!, bias[j]!))));
      const seq = runRef(lstm.ref, dense, { mask }).sequence;
      expectClose(mod.predict(x) as Float32Array, runRef(gru.ref, seq, { mask }).last, `masked ${masked}`);
    }
  });

  it("Embedding(mask_zero=True) masks id 0 for a GRU going backwards", async () => {
    const rnd = random(5005);
    const table = Float32Array.from({ length: 20 * 4 }, () => rnd() * 2);
    const gru = randomCell("GRU", { units: 3 }, 4, rnd);
    const layers: LayerSpec[] = [
      ["Embedding", { name: "emb", input_dim: 20, output_dim: 4, mask_zero: true }, [["ids", 0]]],
      ["GRU", { name: "gru", units: 3, go_backwards: true }, [["emb", 0]]],
    ];
    const arch = functionalArch([["ids", [T], "int32"]], layers, [["gru", 0]]);
    const mod = await buildModule("masking/embedding", arch, { emb: [{ shape: [20, 4], data: table }], gru: gru.weights });
    for (const masked of PATTERNS) {
      const ids = Array.from({ length: T }, (_, t) => (masked.includes(t) ? 0 : 1 + Math.floor((rnd() + 0.5) * 19)));
      const xs = ids.map((id) => Array.from(table.subarray(id * 4, id * 4 + 4)));
      expectClose(mod.predict(ids) as Float32Array, runRef(gru.ref, xs, { mask: ids.map((id) => id !== 0), backwards: true }).last, `ids ${ids}`);
    }
  });

  it("an explicit mask= input drives an LSTM", async () => {
    const rnd = random(5006);
    const lstm = randomCell("LSTM", { units: 2 }, F, rnd);
    const layers: LayerSpec[] = [["LSTM", { name: "lstm", units: 2, return_sequences: true }, [["x", 0]], { mask: ["flags", 0, 0] }]];
    const arch = functionalArch([["x", [T, F]], ["flags", [T]]], layers, [["lstm", 0]]);
    const mod = await buildModule("masking/explicit", arch, { lstm: lstm.weights });
    for (const masked of PATTERNS) {
      const x = sample(rnd, []);
      const flags = Array.from({ length: T }, (_, t) => (masked.includes(t) ? 0 : 1));
      const want = runRef(lstm.ref, steps(x, F), { mask: flags.map((f) => f === 1) }).sequence.flat();
      expectClose(mod.predict(x, flags) as Float32Array, want, `masked ${masked}`);
    }
  });

  it("works with a variable sequence length (a loop, not unrolled)", async () => {
    const rnd = random(5007);
    const cfg = { name: "f", units: 2, return_sequences: true };
    const fw = randomCell("GRU", cfg, F, rnd);
    const bw = randomCell("GRU", cfg, F, rnd);
    const layers: LayerSpec[] = [["Masking", { name: "m" }, [["x", 0]]], ["Bidirectional", { name: "bi", layer: { class_name: "GRU", config: cfg } }, [["m", 0]]]];
    const arch = functionalArch([["x", [null, F]]], layers, [["bi", 0]]);
    const mod = await buildModule("masking/variable", arch, { bi: [...fw.weights, ...bw.weights] });
    for (const masked of PATTERNS) {
      const x = sample(rnd, masked).slice(0, (T - (masked.length % 3)) * F); // lengths vary
      const xs = maskingRef(x);
      const mask = realSteps(x);
      const want = bidirectionalRef(runRef(fw.ref, xs, { mask, zeroOutput: true }), runRef(bw.ref, xs, { mask, zeroOutput: true, backwards: true }), true, "concat", false);
      expectClose(mod.predict(x) as Float32Array, want[0]!, `masked ${masked}`);
    }
  });

  it("Masking's own output has the masked steps zeroed", async () => {
    const arch = functionalArch([["x", [T, F]]], [["Masking", { name: "m", mask_value: 0.1 }, [["x", 0]]]], [["m", 0]]);
    const mod = await buildModule("masking/output", arch, {});
    const x = sample(random(5008), [1, 4], 0.1);
    // Compared in float32, as Keras does: 0.1 in the input matches mask_value 0.1.
    expectClose(mod.predict(x) as Float32Array, maskingRef(x, 0.1).flat(), "masking");
  });
});

describe("Embedding", () => {
  const arch = functionalArch([["ids", [4], "int32"]], [["Embedding", { name: "emb", input_dim: 5, output_dim: 2 }, [["ids", 0]]]], [["emb", 0]]);
  const table = Float32Array.from({ length: 10 }, (_, i) => i / 8 - 0.5);

  it("looks up rows, truncating fractional ids as Keras' int32 cast does", async () => {
    const mod = await buildModule("embedding/lookup", arch, { emb: [{ shape: [5, 2], data: table }] });
    const want = [4, 0, 2, 3].flatMap((id) => [table[2 * id]!, table[2 * id + 1]!]);
    expectClose(mod.predict([4, 0, 2.9, 3.2]) as Float32Array, want, "rows");
  });

  it("throws a RangeError naming the input for an id outside [0, input_dim)", async () => {
    const mod = await buildModule("embedding/range", arch, { emb: [{ shape: [5, 2], data: table }] });
    expect(() => mod.predict([1, 5, 0, 0])).toThrow(/input "ids": token id 5 at position 1 is outside \[0, 5\)/);
    expect(() => mod.predict([1, 2, -1, 0])).toThrow(RangeError);
    expect(() => mod.predict([1, 2, 3, NaN])).toThrow(RangeError);
  });
});
