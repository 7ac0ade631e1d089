/**
 * RNN over a list of cells (StackedRNNCells): random stacks of LSTM/GRU/SimpleRNN cells with random
 * sizes and options (return_sequences, return_state, go_backwards, initial_state, masks, stateful)
 * against a float64 reference: each step runs the cells in order, each on the previous cell's new h.
 */
import { describe, expect, it } from "vitest";
import { typecheck } from "./helpers/typecheck.js";
import { buildModule, expectClose, functionalArch, generatedModules, random, randomCell, steps, type CellClass, type LayerSpec, type WeightList } from "./helpers/rnn-models.js";
import type { CellRef, Vec } from "./helpers/rnn-reference.js";
import { asList } from "./helpers/cases.js";

interface Stack {
  readonly config: Record<string, unknown>;
  readonly weights: WeightList;
  readonly refs: CellRef[];
}

const CELL_CLASS: Record<CellClass, string> = { LSTM: "LSTMCell", GRU: "GRUCell", SimpleRNN: "SimpleRNNCell" };

function randomStack(seed: number, features: number): Stack {
  const rnd = random(seed);
  const count = 2 + Math.floor((rnd() + 0.5) * 2);
  const kinds: CellClass[] = ["LSTM", "GRU", "SimpleRNN"];
  let inputDim = features;
  const cells = Array.from({ length: count }, () => {
    const cls = kinds[Math.floor((rnd() + 0.5) * 3)]!;
    const config = { units: 2 + Math.floor((rnd() + 0.5) * 4), activation: rnd() > 0.3 ? "tanh" : "relu" };
    const cell = randomCell(cls, config, inputDim, rnd);
    inputDim = config.units;
    return { cls, config, cell };
  });
  return {
    config: { class_name: "StackedRNNCells", config: { name: "stacked_rnn_cells", cells: cells.map((c) => ({ class_name: CELL_CLASS[c.cls], config: c.config })) } },
    weights: cells.flatMap((c) => c.cell.weights),
    refs: cells.map((c) => c.cell.ref),
  };
}

/** The stack's timestep loop: states of every cell, in order; the output is the last cell's h. */
function runStack(refs: readonly CellRef[], xs: Vec[], o: { backwards?: boolean; mask?: boolean[]; initial?: Vec[][] } = {}) {
  let states = o.initial ?? refs.map((r) => Array.from({ length: r.stateCount }, () => new Array<number>(r.units).fill(0)));
  const sequence: Vec[] = [];
  for (let s = 0; s < xs.length; s++) {
    const t = o.backwards ? xs.length - 1 - s : s;
    if (!o.mask || o.mask[t]) {
      let input = xs[t]!;
      states = refs.map((r, k) => {
        const next = r.step(input, states[k]!);
        input = next[0]!;
        return next;
      });
    }
    sequence.push([...states[states.length - 1]![0]!]);
  }
  return { sequence, last: sequence[sequence.length - 1]!, states };
}

describe("RNN over stacked cells", () => {
  it.each(Array.from({ length: 12 }, (_, s) => s))("random stack %i", async (seed) => {
    const [T, F] = [4, 3];
    const stack = randomStack(60 + seed, F);
    const opts = { return_sequences: seed % 2 === 0, return_state: seed % 3 === 0, go_backwards: seed % 4 === 1 };
    const rnn: LayerSpec = ["RNN", { name: "rnn", cell: stack.config, ...opts }, [["x", 0]]];
    const stateCount = stack.refs.reduce((n, r) => n + r.stateCount, 0);
    const outputs: [string, number][] = [["rnn", 0], ...(opts.return_state ? Array.from({ length: stateCount }, (_, k) => ["rnn", k + 1] as [string, number]) : [])];
    const mod = await buildModule(`stacked/${seed}`, functionalArch([["x", [T, F]]], [rnn], outputs), { rnn: stack.weights });
    const rnd = random(seed + 500);
    for (let s = 0; s < 2; s++) {
      const x = Array.from({ length: T * F }, () => rnd() * 3);
      const ref = runStack(stack.refs, steps(x, F), { backwards: opts.go_backwards });
      const got = asList(mod.predict(x));
      expectClose(got[0]!, opts.return_sequences ? ref.sequence.flat() : ref.last, "output");
      if (opts.return_state) ref.states.flat().forEach((st, k) => expectClose(got[k + 1]!, st, `state ${k}`));
    }
  });

  it("takes initial states for every cell, in the order of the cells' states", async () => {
    const [T, F] = [5, 2];
    const stack = randomStack(77, F);
    const sizes = stack.refs.flatMap((r) => Array.from({ length: r.stateCount }, () => r.units));
    const inputs: [string, number[]][] = [["x", [T, F]], ...sizes.map((n, k) => [`s${k}`, [n]] as [string, number[]])];
    const layers: LayerSpec[] = [["RNN", { name: "rnn", cell: stack.config, return_sequences: true }, [["x", 0], ...sizes.map((_, k) => [`s${k}`, 0] as [string, number])]]];
    const mod = await buildModule("stacked/initial", functionalArch(inputs, layers, [["rnn", 0]]), { rnn: stack.weights });
    const rnd = random(3);
    const x = Array.from({ length: T * F }, () => rnd() * 2);
    const initial = sizes.map((n) => Array.from({ length: n }, () => rnd()));
    let k = 0;
    const nested = stack.refs.map((r) => Array.from({ length: r.stateCount }, () => initial[k++]!));
    expectClose(asList(mod.predict(x, ...initial))[0]!, runStack(stack.refs, steps(x, F), { initial: nested }).sequence.flat(), "sequence");
  });

  it("follows a mask from Masking: masked steps keep every cell's state", async () => {
    const [T, F] = [5, 2];
    const stack = randomStack(78, F);
    const layers: LayerSpec[] = [
      ["Masking", { name: "masking", mask_value: 0 }, [["x", 0]]],
      ["RNN", { name: "rnn", cell: stack.config, return_sequences: true }, [["masking", 0]]],
    ];
    const mod = await buildModule("stacked/mask", functionalArch([["x", [T, F]]], layers, [["rnn", 0]]), { rnn: stack.weights });
    const rnd = random(5);
    const x = Array.from({ length: T * F }, () => rnd() * 2);
    x.fill(0, 2 * F, 3 * F); // step 2 masked
    const ref = runStack(stack.refs, steps(x, F), { mask: steps(x, F).map((v) => v.some((e) => e !== 0)) });
    expectClose(asList(mod.predict(x))[0]!, ref.sequence.flat(), "sequence");
  });

  it("stateful: carries every cell's state across predict calls until resetStates()", async () => {
    const [T, F] = [3, 2];
    const stack = randomStack(91, F);
    const rnn: LayerSpec = ["RNN", { name: "rnn", cell: stack.config, stateful: true }, [["x", 0]]];
    const mod = await buildModule("stacked/stateful", functionalArch([["x", [T, F]]], [rnn], [["rnn", 0]]), { rnn: stack.weights });
    const rnd = random(4);
    const xs = [0, 1, 2].map(() => Array.from({ length: T * F }, () => rnd() * 2));
    let states: Vec[][] | undefined;
    for (const x of xs) {
      const ref = runStack(stack.refs, steps(x, F), states ? { initial: states } : {});
      expectClose(asList(mod.predict(x))[0]!, ref.last, "carried");
      states = ref.states;
    }
    mod.resetStates!();
    expectClose(asList(mod.predict(xs[0]!))[0]!, runStack(stack.refs, steps(xs[0]!, F)).last, "after reset");
  });

  it("refuses a stack holding an unsupported cell", async () => {
    const config = { class_name: "StackedRNNCells", config: { cells: [{ class_name: "LSTMCell", config: { units: 2 } }, { class_name: "PeepholeLSTMCell", config: { units: 2 } }] } };
    await expect(buildModule("stacked/bad", functionalArch([["x", [3, 2]]], [["RNN", { name: "rnn", cell: config }, [["x", 0]]]], [["rnn", 0]]), {})).rejects.toThrow('cell 1 of the stack ("PeepholeLSTMCell") is not supported');
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", { timeout: 120_000 }, () => {
    expect(generatedModules().length).toBeGreaterThan(0);
    expect(typecheck([...generatedModules()])).toEqual([]);
  });
});
