/**
 * GRU, SimpleRNN and Bidirectional on models we have no file for: random sizes, options,
 * activations and Keras versions, against the plain reference implementation in
 * helpers/rnn-reference.ts. Also stateful runs, refused options, and tsc --strict on everything.
 */
import { afterAll, describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { asList } from "./helpers/cases.js";
import { bidirectionalRef, runRef, type MergeMode } from "./helpers/rnn-reference.js";
import { buildModule, expectClose, functionalArch, generatedModules, random, randomCell, steps, type CellClass } from "./helpers/rnn-models.js";
import { typecheck } from "./helpers/typecheck.js";

interface RnnCase {
  cls: CellClass;
  features: number;
  steps: number;
  config: Record<string, unknown>;
  version?: string;
  unrollLimit?: number;
}

const RNN_CASES: RnnCase[] = [
  { cls: "GRU", features: 2, steps: 1, config: { units: 3, activation: "tanh", recurrent_activation: "sigmoid", reset_after: true } },
  { cls: "GRU", features: 4, steps: 7, config: { units: 6, activation: "relu", recurrent_activation: "hard_sigmoid", use_bias: false, reset_after: false, go_backwards: true, return_sequences: true } },
  // Keras 2 file without recurrent_activation or reset_after: hard_sigmoid (0.2x + 0.5) and the reset-before form.
  { cls: "GRU", features: 3, steps: 6, config: { units: 5, return_sequences: true, return_state: true }, version: "2.2.4" },
  { cls: "GRU", features: 5, steps: 40, config: { units: 4, reset_after: true, go_backwards: true, return_state: true } },
  { cls: "GRU", features: 2, steps: 9, config: { units: 7, reset_after: true, use_bias: false, recurrent_activation: "hard_sigmoid", activation: "softsign" }, version: "2.10.0" },
  { cls: "GRU", features: 3, steps: 12, config: { units: 3, reset_after: false, return_sequences: true, go_backwards: true }, unrollLimit: 4 },
  { cls: "SimpleRNN", features: 2, steps: 5, config: { units: 3 } },
  { cls: "SimpleRNN", features: 3, steps: 35, config: { units: 8, activation: "relu", use_bias: false, go_backwards: true, return_sequences: true } },
  { cls: "SimpleRNN", features: 4, steps: 6, config: { units: 4, activation: "hard_sigmoid", return_state: true }, version: "2.4.3" },
  { cls: "SimpleRNN", features: 1, steps: 8, config: { units: 2, activation: "elu", return_sequences: true, return_state: true }, unrollLimit: 1 },
];

afterAll(() => {
  // One strict type check of every module generated in this file.
  expect(typecheck(generatedModules())).toEqual([]);
}, 120_000);

describe("GRU and SimpleRNN against a reference implementation", () => {
  it.each(RNN_CASES.map((c, i) => [i, c] as const))("case %i: %o", async (i, c) => {
    const rnd = random(2000 + i);
    const version = c.version ?? "3.15.1";
    const major = Number(version[0]);
    const config: Record<string, unknown> = { name: "rnn", ...c.config };
    const cell = randomCell(c.cls, config, c.features, rnd, major);
    const returnState = config["return_state"] === true;
    const outputs: [string, number][] = [["rnn", 0], ...(returnState ? [["rnn", 1] as [string, number]] : [])];
    const arch = functionalArch([["x", [c.steps, c.features]]], [[c.cls, config, [["x", 0]]]], outputs);
    const mod = await buildModule(`recurrent/rnn${i}`, arch, { rnn: cell.weights }, version, c.unrollLimit ? { unrollLimit: c.unrollLimit } : {});
    for (let trial = 0; trial < 3; trial++) {
      const x = Array.from({ length: c.steps * c.features }, () => rnd() * 6);
      const r = runRef(cell.ref, steps(x, c.features), { backwards: config["go_backwards"] === true });
      const main = config["return_sequences"] === true ? r.sequence.flat() : r.last;
      const want = [main, ...(returnState ? r.states : [])];
      asList(mod.predict(x)).forEach((got, k) => expectClose(got, want[k]!, `output ${k}`));
    }
  });
});

interface BiCase {
  cls: CellClass;
  mode: MergeMode;
  sequences: boolean;
  returnState: boolean;
  steps: number;
  /** Config of an explicit backward layer (merged over the forward one's). */
  backward?: Record<string, unknown>;
  /** The forward layer itself goes backwards (the backward layer then goes forwards). */
  swapped?: boolean;
}

const BI_CASES: BiCase[] = [
  { cls: "LSTM", mode: "concat", sequences: true, returnState: false, steps: 5 },
  { cls: "GRU", mode: "sum", sequences: false, returnState: true, steps: 6 },
  { cls: "SimpleRNN", mode: "mul", sequences: true, returnState: true, steps: 4 },
  { cls: "LSTM", mode: "ave", sequences: false, returnState: false, steps: 7 },
  { cls: "GRU", mode: null, sequences: true, returnState: true, steps: 5 },
  { cls: "LSTM", mode: null, sequences: false, returnState: false, steps: 3 },
  { cls: "LSTM", mode: "concat", sequences: true, returnState: true, steps: 6, backward: { units: 3, activation: "relu" } },
  { cls: "GRU", mode: "concat", sequences: true, returnState: false, steps: 5, swapped: true },
  { cls: "GRU", mode: "ave", sequences: true, returnState: false, steps: 40, backward: { reset_after: false } },
];

describe("Bidirectional against a reference implementation", () => {
  it.each(BI_CASES.map((c, i) => [i, c] as const))("case %i: %o", async (i, c) => {
    const rnd = random(3000 + i);
    const features = 3;
    const base = { units: 4, return_sequences: c.sequences, return_state: c.returnState };
    const fwConfig = { name: "fw", ...base, go_backwards: c.swapped === true };
    const bwConfig = { name: "bw", ...base, ...c.backward, go_backwards: c.swapped !== true };
    const fw = randomCell(c.cls, fwConfig, features, rnd);
    const bw = randomCell(c.cls, bwConfig, features, rnd);
    const bi = {
      name: "bi",
      merge_mode: c.mode,
      layer: { class_name: c.cls, config: fwConfig },
      ...(c.backward || c.swapped ? { backward_layer: { class_name: c.cls, config: bwConfig } } : {}),
    };
    const outputCount = (c.mode === null ? 2 : 1) + (c.returnState ? 2 * fw.ref.stateCount : 0);
    const outputs = Array.from({ length: outputCount }, (_, k) => ["bi", k] as [string, number]);
    const arch = functionalArch([["x", [c.steps, features]]], [["Bidirectional", bi, [["x", 0]]]], outputs);
    const mod = await buildModule(`recurrent/bi${i}`, arch, { bi: [...fw.weights, ...bw.weights] });
    for (let trial = 0; trial < 2; trial++) {
      const x = Array.from({ length: c.steps * features }, () => rnd() * 4);
      const xs = steps(x, features);
      const want = bidirectionalRef(runRef(fw.ref, xs, { backwards: c.swapped === true }), runRef(bw.ref, xs, { backwards: c.swapped !== true }), c.sequences, c.mode, c.returnState);
      const got = asList(mod.predict(x));
      expect(got.length).toBe(want.length);
      got.forEach((g, k) => expectClose(g, want[k]!, `output ${k}`));
    }
  });
});

describe("stateful recurrent layers", () => {
  it("carry GRU and Bidirectional(SimpleRNN) state across predict calls until resetStates", async () => {
    const rnd = random(4000);
    const gru = randomCell("GRU", { units: 3 }, 2, rnd);
    const fw = randomCell("SimpleRNN", { units: 2 }, 2, rnd);
    const bw = randomCell("SimpleRNN", { units: 2 }, 2, rnd);
    const arch = functionalArch(
      [["x", [4, 2]]],
      [
        ["GRU", { name: "gru", units: 3, stateful: true }, [["x", 0]]],
        ["Bidirectional", { name: "bi", layer: { class_name: "SimpleRNN", config: { name: "fw", units: 2, stateful: true } } }, [["x", 0]]],
      ],
      [["gru", 0], ["bi", 0]],
    );
    const mod = await buildModule("recurrent/stateful", arch, { gru: gru.weights, bi: [...fw.weights, ...bw.weights] });
    const xs = [0, 1, 2].map(() => Array.from({ length: 8 }, () => rnd() * 3));
    let g = runRef(gru.ref, steps(xs[0]!, 2));
    let f = runRef(fw.ref, steps(xs[0]!, 2));
    let b = runRef(bw.ref, steps(xs[0]!, 2), { backwards: true });
    const check = (got: Float32Array[]) => {
      expectClose(got[0]!, g.last, "gru");
      expectClose(got[1]!, [...f.last, ...b.last], "bidirectional");
    };
    check(asList(mod.predict(xs[0]!)));
    g = runRef(gru.ref, steps(xs[1]!, 2), { initial: g.states });
    f = runRef(fw.ref, steps(xs[1]!, 2), { initial: f.states });
    b = runRef(bw.ref, steps(xs[1]!, 2), { backwards: true, initial: b.states });
    check(asList(mod.predict(xs[1]!)));
    mod.resetStates!();
    g = runRef(gru.ref, steps(xs[2]!, 2));
    f = runRef(fw.ref, steps(xs[2]!, 2));
    b = runRef(bw.ref, steps(xs[2]!, 2), { backwards: true });
    check(asList(mod.predict(xs[2]!)));
  });
});

describe("initial_state", () => {
  it("starts a GRU and both directions of a Bidirectional(LSTM) from given states (forward half first)", async () => {
    const rnd = random(4500);
    const [T, Fin] = [5, 3];
    const gru = randomCell("GRU", { units: 3 }, Fin, rnd);
    const fw = randomCell("LSTM", { units: 2 }, Fin, rnd);
    const bw = randomCell("LSTM", { units: 2 }, Fin, rnd);
    const state = (name: string, n: number): [string, (number | null)[]] => [name, [n]];
    const arch = functionalArch(
      [["x", [T, Fin]], state("g0", 3), state("fh", 2), state("fc", 2), state("bh", 2), state("bc", 2)],
      [
        ["GRU", { name: "gru", units: 3, return_sequences: true }, [["x", 0], ["g0", 0]]],
        ["Bidirectional", { name: "bi", merge_mode: "concat", layer: { class_name: "LSTM", config: { name: "f", units: 2 } } }, [["x", 0], ["fh", 0], ["fc", 0], ["bh", 0], ["bc", 0]]],
      ],
      [["gru", 0], ["bi", 0]],
    );
    const mod = await buildModule("recurrent/initial_state", arch, { gru: gru.weights, bi: [...fw.weights, ...bw.weights] });
    const x = Array.from({ length: T * Fin }, () => rnd() * 3);
    const s = [3, 2, 2, 2, 2].map((n) => Array.from({ length: n }, () => rnd()));
    const xs = steps(x, Fin);
    const got = asList(mod.predict(x, ...s));
    expectClose(got[0]!, runRef(gru.ref, xs, { initial: [s[0]!] }).sequence.flat(), "gru");
    const f = runRef(fw.ref, xs, { initial: [s[1]!, s[2]!] });
    const b = runRef(bw.ref, xs, { initial: [s[3]!, s[4]!], backwards: true });
    expectClose(got[1]!, [...f.last, ...b.last], "bidirectional");
  });
});

describe("RNN(cell)", () => {
  const CELL_CASES: { cell: string; cls: CellClass; cell_config: Record<string, unknown>; rnn: Record<string, unknown> }[] = [
    { cell: "LSTMCell", cls: "LSTM", cell_config: { units: 3, recurrent_activation: "hard_sigmoid" }, rnn: { return_sequences: true } },
    { cell: "GRUCell", cls: "GRU", cell_config: { units: 4, reset_after: false, use_bias: false }, rnn: { go_backwards: true, return_state: true } },
    { cell: "SimpleRNNCell", cls: "SimpleRNN", cell_config: { units: 2, activation: "relu" }, rnn: { return_sequences: true, go_backwards: true } },
  ];
  it.each(CELL_CASES.map((c, i) => [i, c] as const))("case %i: computes what the matching layer computes", async (i, c) => {
    const rnd = random(4700 + i);
    const [T, Fin] = [6, 3];
    const cell = randomCell(c.cls, c.cell_config, Fin, rnd);
    const config = { name: "rnn", ...c.rnn, cell: { class_name: c.cell, config: { name: "cell", ...c.cell_config } } };
    const outputs: [string, number][] = [["rnn", 0], ...(c.rnn["return_state"] ? [["rnn", 1] as [string, number]] : [])];
    const mod = await buildModule(`recurrent/cell${i}`, functionalArch([["x", [T, Fin]]], [["RNN", config, [["x", 0]]]], outputs), { rnn: cell.weights });
    const x = Array.from({ length: T * Fin }, () => rnd() * 4);
    const r = runRef(cell.ref, steps(x, Fin), { backwards: c.rnn["go_backwards"] === true });
    const want = [c.rnn["return_sequences"] ? r.sequence.flat() : r.last, ...(c.rnn["return_state"] ? r.states : [])];
    asList(mod.predict(x)).forEach((got, k) => expectClose(got, want[k]!, `output ${k}`));
  });
});

describe("refused recurrent options", () => {
  const refused = async (layers: Parameters<typeof functionalArch>[1], message: string) => {
    const arch = functionalArch([["x", [3, 2]]], layers, [[layers[layers.length - 1]![1]["name"] as string, 0]]);
    const err = await buildModule("recurrent/refused", arch, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect(String((err as Error).message)).toContain(message);
  };

  it("a row-wise activation in a cell", () => refused([["GRU", { name: "g", units: 2, activation: "softmax" }, [["x", 0]]]], 'activation "softmax" is not elementwise'));
  it("a row-wise recurrent activation in an LSTM", () =>
    refused([["LSTM", { name: "l", units: 2, recurrent_activation: "log_softmax" }, [["x", 0]]]], 'recurrent_activation "log_softmax" is not elementwise'));
  it("time_major", () => refused([["SimpleRNN", { name: "s", units: 2, time_major: true }, [["x", 0]]]], "time_major"));
  it("a Bidirectional around a non-recurrent layer", () =>
    refused([["Bidirectional", { name: "b", layer: { class_name: "Dense", config: { name: "d", units: 2 } } }, [["x", 0]]]], "wraps Dense"));
  it("sum-merging directions of different widths", () =>
    refused(
      [["Bidirectional", { name: "b", merge_mode: "sum", layer: { class_name: "GRU", config: { name: "f", units: 2 } }, backward_layer: { class_name: "GRU", config: { name: "r", units: 3, go_backwards: true } } }, [["x", 0]]]],
      "needs the same units",
    ));
  it("forward and backward layers going the same way", () =>
    refused(
      [["Bidirectional", { name: "b", layer: { class_name: "GRU", config: { name: "f", units: 2 } }, backward_layer: { class_name: "GRU", config: { name: "r", units: 2 } } }, [["x", 0]]]],
      "different go_backwards",
    ));
});
