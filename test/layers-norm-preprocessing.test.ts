/**
 * GroupNormalization and the numeric preprocessing layers (Normalization, Discretization,
 * CategoryEncoding) through generated code, against float64 references written here from Keras'
 * formulas, over random shapes, group counts, axes and modes.
 */
import { describe, expect, it } from "vitest";
import { typecheck } from "./helpers/typecheck.js";
import { generated, generatedPaths, maxDiff, random, randomArray, sequential, Tensor } from "./helpers/layer-models.js";

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const f32 = (xs: readonly number[]) => xs.map(Math.fround);

describe("GroupNormalization", () => {
  it.each([
    [[6, 8], 4, -1, true, true],
    [[6, 8], -1, -1, true, false],
    [[5, 6], 1, -1, false, true],
    [[3, 4, 6], 3, -1, true, true],
    [[6, 3, 4], 2, 1, true, true],
    [[4, 4, 2], 2, 2, false, false],
  ] as const)("on %j, groups %i, axis %i, center %s, scale %s", async (shape, groups, axis, center, scale) => {
    const config = { name: "gn", groups, axis, epsilon: 0.01, center, scale };
    const { run, weights } = await generated(`layers/gn/${shape.join("x")}-${groups}-${axis}-${center}-${scale}`, sequential([...shape], [["GroupNormalization", config]]), 3);
    const ws = weights["gn"]!.map((w) => f32(w.data));
    const gamma = scale ? ws.shift()! : null;
    const beta = center ? ws.shift()! : null;
    const a = axis < 0 ? shape.length + axis : axis - 1;
    const channels = shape[a]!;
    const g = groups === -1 ? channels : groups;
    const x = new Tensor([...shape], randomArray(size(shape), random(9), 4));
    // Statistics per group over every value whose channel is in the group.
    const groupOf = (idx: number[]) => Math.floor(idx[a]! / (channels / g));
    const stats = Array.from({ length: g }, (_, k) => {
      const vs = [...x.indices()].filter((idx) => groupOf(idx) === k).map((idx) => x.get(...idx));
      const mean = vs.reduce((p, v) => p + v, 0) / vs.length;
      return { mean, variance: vs.reduce((p, v) => p + (v - mean) ** 2, 0) / vs.length };
    });
    const want = new Tensor([...shape]);
    for (const idx of x.indices()) {
      const { mean, variance } = stats[groupOf(idx)]!;
      const c = idx[a]!;
      want.set(idx, ((x.get(...idx) - mean) / Math.sqrt(variance + 0.01)) * (gamma ? gamma[c]! : 1) + (beta ? beta[c]! : 0));
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-5);
  });

  it("refuses a group count that does not divide the channels", async () => {
    await expect(generated("layers/gn/bad", sequential([4, 6], [["GroupNormalization", { name: "gn", groups: 4 }]]), 1)).rejects.toThrow("6 channels cannot be cut into 4 groups");
  });
});

describe("Normalization", () => {
  it.each([
    [[5], -1, false],
    [[5], -1, true],
    [[3, 4], -1, false],
    [[3, 4], 1, true],
    [[3, 4], [1, 2], false],
    [[3, 4], null, false],
  ] as const)("adapted statistics on %j, axis %j, invert %s", async (shape, axis, invert) => {
    const config = { name: "norm", axis, invert };
    const { run, weights } = await generated(`layers/norm/${shape.join("x")}-${JSON.stringify(axis)}-${invert}`, sequential([...shape], [["Normalization", config]]), 4);
    const [mean, variance] = weights["norm"]!.map((w) => f32(w.data));
    const axes: readonly number[] = axis === null ? [] : typeof axis === "number" ? [axis] : axis;
    const kept = axes.map((k) => (k < 0 ? shape.length + 1 + k : k) - 1);
    const x = new Tensor([...shape], randomArray(size(shape), random(8), 6));
    const want = new Tensor([...shape]);
    for (const idx of x.indices()) {
      const j = kept.reduce((o, k) => o * shape[k]! + idx[k]!, 0);
      const d = Math.max(Math.sqrt(variance![j]!), 1e-7);
      want.set(idx, invert ? mean![j]! + x.get(...idx) * d : (x.get(...idx) - mean![j]!) / d);
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-5);
  });

  it("mean and variance given in the config (no weights), a zero variance clamped to 1e-7", async () => {
    const config = { name: "norm", axis: -1, mean: [1, -2, 0.5], variance: [4, 0, 0.25] };
    const { run } = await generated("layers/norm/given", sequential([2, 3], [["Normalization", config]]), 1);
    const x = [1, 2, 3, -1, -2, -3];
    const want = x.map((v, i) => (v - config.mean[i % 3]!) / Math.max(Math.sqrt(config.variance[i % 3]!), 1e-7));
    expect(maxDiff(run(x)[0]!, want.map(Math.fround))).toBeLessThan(1e-4);
  });
});

describe("Discretization and CategoryEncoding", () => {
  const boundaries = [-1, -0.25, 0.5, 1.5];
  const bin = (v: number) => boundaries.filter((b) => b <= v).length;

  it.each(["int", "one_hot", "multi_hot", "count"] as const)("Discretization with %s output (a value on a boundary goes up)", async (mode) => {
    const { run } = await generated(`layers/disc/${mode}`, sequential([5], [["Discretization", { name: "d", bin_boundaries: boundaries, output_mode: mode }]]), 1);
    for (const x of [[-1, -0.25, 0.5, 1.5, 3], [-7, -0.5, 0, 1, 1.49], [0.5, 0.5, -2, 9, -0.25]]) {
      const bins = x.map(bin);
      let want: number[];
      if (mode === "int") want = bins;
      else if (mode === "one_hot") want = bins.flatMap((b) => Array.from({ length: 5 }, (_, c) => Number(c === b)));
      else want = Array.from({ length: 5 }, (_, c) => (mode === "count" ? bins.filter((b) => b === c).length : Number(bins.includes(c))));
      expect(run(x)[0]).toEqual(want);
    }
  });

  it.each([
    ["one_hot", [1]],
    ["one_hot", [3]],
    ["multi_hot", [4]],
    ["count", [2, 3]],
  ] as const)("CategoryEncoding %s on ids of shape %j (out-of-range ids encode to nothing)", async (mode, shape) => {
    const n = 6;
    const { run } = await generated(`layers/cat/${mode}-${shape.join("x")}`, sequential([...shape], [["CategoryEncoding", { name: "c", num_tokens: n, output_mode: mode }]], "int32"), 1);
    const rnd = random(shape.length * 7 + mode.length);
    for (let s = 0; s < 3; s++) {
      const ids = Array.from({ length: size(shape) }, () => Math.floor((rnd() + 0.5) * (n + 1))); // n is out of range
      const rows = mode === "one_hot" ? ids.map((id) => [id]) : Array.from({ length: size(shape) / shape[shape.length - 1]! }, (_, r) => ids.slice(r * shape[shape.length - 1]!, (r + 1) * shape[shape.length - 1]!));
      const want = rows.flatMap((row) => Array.from({ length: n }, (_, c) => (mode === "count" ? row.filter((id) => id === c).length : Number(row.includes(c)))));
      expect(run(ids)[0]).toEqual(want);
    }
  });

  it("preprocessing feeding an LSTM: Normalization → LSTM and Discretization → Embedding run end to end", async () => {
    const seqModel = sequential([4, 3], [["Normalization", { name: "norm", axis: -1 }], ["LSTM", { name: "lstm", units: 5 }]]);
    const { run } = await generated("layers/norm-lstm", seqModel, 11);
    const x = randomArray(12, random(3), 4);
    const out = run(x)[0]!;
    expect(out.length).toBe(5);
    expect(out.every((v) => Number.isFinite(v) && Math.abs(v) < 1)).toBe(true);
    const disc = sequential([6], [["Discretization", { name: "d", bin_boundaries: [0, 1] }], ["Embedding", { name: "emb", input_dim: 3, output_dim: 2 }], ["LSTM", { name: "lstm", units: 3 }]]);
    const { run: runDisc, weights } = await generated("layers/disc-emb-lstm", disc, 12);
    const viaIds = sequential([6], [["Embedding", { name: "emb", input_dim: 3, output_dim: 2 }], ["LSTM", { name: "lstm", units: 3 }]], "int32");
    const { run: runIds } = await generated("layers/emb-lstm", viaIds, 12, "3.15.1", { emb: weights["emb"]!, lstm: weights["lstm"]! });
    const values = [-1, 0, 0.5, 1, 2, -0.1];
    expect(runDisc(values)[0]).toEqual(runIds(values.map((v) => [0, 1].filter((b) => b <= v).length))[0]);
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", { timeout: 120_000 }, () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});
