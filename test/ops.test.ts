/**
 * Keras 3 ops in functional graphs (`keras.src.ops.*` entries) against a float64 numpy reference
 * written in test/helpers/np-reference.ts, on random shapes, axes, keys and operand kinds. The
 * reference works on whole batches (batch axis first) so that the batch-axis rules are tested too.
 */
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { asList } from "./helpers/cases.js";
import { generated, generatedPaths, random } from "./helpers/layer-models.js";
import { typecheck } from "./helpers/typecheck.js";
import { Arr, broadcastN, concat, expandDims, getItem, indices, map, matmul, reduce, scalar, transpose, type Key } from "./helpers/np-reference.js";

const BATCH = 2;

type Json = Record<string, unknown>;
const kt = (name: string, index = 0) => ({ class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: [name, 0, index] } });
const sliceArg = (start: number | null, stop: number | null, step: number | null) => ({ class_name: "__slice__", config: { start, stop, step } });
const ellipsis = { class_name: "__ellipsis__", config: {} };

/** Nested lists of an array's values (the `value` of a `__tensor__`). */
function nested(a: Arr): unknown {
  const rec = (off: number, k: number): unknown => {
    if (k === a.shape.length) return a.data[off];
    const block = a.shape.slice(k + 1).reduce((p, d) => p * d, 1);
    return Array.from({ length: a.shape[k]! }, (_, i) => rec(off + i * block, k + 1));
  };
  return rec(0, 0);
}
const constant = (a: Arr) => ({ class_name: "__tensor__", config: { value: nested(a), dtype: "float32" } });

interface Node {
  readonly cls: string;
  readonly name: string;
  readonly config?: Json;
  readonly args: unknown[];
  readonly kwargs?: Json;
  readonly module?: string | null | undefined;
}

/** A Keras 3 functional config with op entries (module keras.src.ops.numpy unless given). */
function graph(inputs: [string, number[], string?][], nodes: Node[], outputs: [string, number][]): unknown {
  return {
    class_name: "Functional",
    config: {
      name: "ops",
      layers: [
        ...inputs.map(([name, shape, dtype]) => ({ module: "keras.layers", class_name: "InputLayer", name, config: { name, batch_shape: [null, ...shape], dtype: dtype ?? "float32" }, inbound_nodes: [] })),
        ...nodes.map((n) => ({
          ...(n.module === null ? {} : { module: n.module ?? "keras.src.ops.numpy" }),
          class_name: n.cls,
          name: n.name,
          config: { name: n.name, ...n.config },
          inbound_nodes: [{ args: n.args, kwargs: n.kwargs ?? {} }],
        })),
      ],
      input_layers: inputs.map(([name]) => [name, 0, 0]),
      output_layers: outputs.map(([name, k]) => [name, 0, k]),
    },
  };
}

/** Random whole-batch array with values in ±[lo, hi] (lo > 0 keeps divisors away from zero). */
function randomArr(shape: number[], rnd: () => number, lo = 0, hi = 2, positive = false): Arr {
  const n = shape.reduce((p, d) => p * d, 1);
  return new Arr(shape, Array.from({ length: n }, () => {
    const v = Math.fround(lo + Math.abs(rnd()) * 2 * (hi - lo));
    return positive || rnd() > 0 ? v : -v;
  }));
}

const randInt = (rnd: () => number, lo: number, hi: number) => lo + Math.floor((rnd() + 0.5) * (hi - lo + 1));
const randShape = (rnd: () => number, rank: number) => Array.from({ length: rank }, () => randInt(rnd, 1, 4));

/** Runs the model sample by sample and compares every output with the reference's sample. */
async function expectMatches(sub: string, config: unknown, inputs: Arr[], want: Arr[], seed = 1, tol = 1e-5): Promise<void> {
  const { run } = await generated(`ops/${sub}`, config, seed);
  for (let b = 0; b < BATCH; b++) {
    const got = run(...inputs.map((x) => x.sample(b)));
    expect(got.length).toBe(want.length);
    got.forEach((g, k) => {
      const w = want[k]!.sample(b);
      expect(g.length, `${sub} output ${k} length`).toBe(w.length);
      g.forEach((v, i) => {
        if (Number.isNaN(w[i]!)) expect(v, `${sub} output ${k}[${i}]`).toBeNaN();
        else expect(Math.abs(v - w[i]!), `${sub} output ${k}[${i}]: got ${v} want ${w[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(w[i]!)));
      });
    });
  }
}

const BINARY: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Subtract: (a, b) => a - b,
  Multiply: (a, b) => a * b,
  Divide: (a, b) => a / b,
  TrueDivide: (a, b) => a / b,
  Maximum: (a, b) => Math.max(a, b),
  Minimum: (a, b) => Math.min(a, b),
  Mod: (a, b) => ((a % b) + b) % b,
  FloorDivide: (a, b) => Math.floor(a / b),
  Power: (a, b) => Math.pow(Math.abs(a), b),
  Greater: (a, b) => Number(a > b),
  LessEqual: (a, b) => Number(a <= b),
  Arctan2: (a, b) => Math.atan2(a, b),
  LogicalAnd: (a, b) => Number(a !== 0 && b !== 0),
};

describe("elementwise binary ops broadcast like numpy, batch axis included", () => {
  const names = Object.keys(BINARY);
  it.each(Array.from({ length: 28 }, (_, s) => s))("seed %i", async (seed) => {
    const rnd = random(100 + seed);
    const op = names[seed % names.length]!;
    const shape = randShape(rnd, randInt(rnd, 1, 3));
    const x = randomArr([BATCH, ...shape], rnd, 0.5, 2);
    const nodes: Node[] = [];
    const inputs: [string, number[]][] = [["x", shape]];
    let base = "x";
    let xs = x;
    if (op === "Power") {
      // numpy's power of a negative base to a fractional exponent is NaN: make the base positive first.
      nodes.push({ cls: "Absolute", name: "abs", args: [kt("x")] });
      base = "abs";
      xs = map(x, Math.abs);
    }
    const kind = ["tensor", "scalar", "scalarLeft", "constant"][seed % 4]!;
    let other: Arr;
    let args: unknown[];
    const feeds = [x];
    if (kind === "tensor") {
      const yShape = shape.map((d) => (rnd() > 0.2 ? d : 1));
      other = randomArr([BATCH, ...yShape], rnd, 0.5, 2);
      inputs.push(["y", yShape]);
      feeds.push(other);
      args = [kt(base), kt("y")];
    } else if (kind === "constant") {
      const rank = randInt(rnd, 1, shape.length + 1);
      const cShape = [...(rank > shape.length ? [1] : []), ...shape.slice(shape.length - Math.min(rank, shape.length)).map((d) => (rnd() > 0.3 ? d : 1))];
      other = randomArr(cShape, rnd, 0.5, 2);
      args = [kt(base), constant(other)];
    } else {
      other = scalar(Math.fround([2, -1.5, 0.75, 3][seed % 4]!));
      args = kind === "scalar" ? [kt(base), other.data[0]] : [other.data[0], kt(base)];
    }
    nodes.push({ cls: op, name: "op", args });
    const f = BINARY[op]!;
    const want = kind === "scalarLeft" ? broadcastN([other, xs], ([a, b]) => f(a!, b!)) : broadcastN([xs, other], ([a, b]) => f(a!, b!));
    await expectMatches(`binary-${seed}`, graph(inputs, nodes, [["op", 0]]), feeds, [want], seed);
  });
});

const UNARY: Record<string, [(v: number) => number, boolean]> = {
  // [reference, needs a positive argument]
  Absolute: [Math.abs, false],
  Negative: [(v) => -v, false],
  Square: [(v) => v * v, false],
  Sqrt: [Math.sqrt, true],
  Exp: [Math.exp, false],
  Log: [Math.log, true],
  Tanh: [Math.tanh, false],
  Sigmoid: [(v) => 1 / (1 + Math.exp(-v)), false],
  Reciprocal: [(v) => 1 / v, false],
  Floor: [Math.floor, false],
  Sign: [Math.sign, false],
  Sin: [Math.sin, false],
  Relu: [(v) => Math.max(v, 0), false],
  Softplus: [(v) => Math.log1p(Math.exp(v)), false],
  Log1p: [Math.log1p, true],
  Rsqrt: [(v) => 1 / Math.sqrt(v), true],
  Silu: [(v) => v / (1 + Math.exp(-v)), false],
};

describe("elementwise unary ops", () => {
  it.each(Object.keys(UNARY))("%s", async (op) => {
    const rnd = random(op.length * 31);
    const shape = randShape(rnd, 2);
    const [f, positive] = UNARY[op]!;
    const x = randomArr([BATCH, ...shape], rnd, 0.1, 2, positive);
    const nodes = [{ cls: op, name: "op", args: [kt("x")], module: op === "Sigmoid" || op === "Relu" || op === "Softplus" || op === "Silu" ? "keras.src.ops.nn" : undefined }];
    await expectMatches(`unary-${op}`, graph([["x", shape]], nodes, [["op", 0]]), [x], [map(x, f)]);
  });

  it("Clip, Cast to int, ops.where and ZerosLike/OnesLike/FullLike", async () => {
    const rnd = random(5);
    const x = randomArr([BATCH, 3, 4], rnd, 0, 3);
    const nodes: Node[] = [
      { cls: "Clip", name: "clip", config: { x_min: -1, x_max: 1.5 }, args: [kt("x")] },
      { cls: "Cast", name: "cast", config: { dtype: "int32" }, args: [kt("x")], module: "keras.src.ops.core" },
      { cls: "Greater", name: "gt", args: [kt("x"), 0] },
      { cls: "Where", name: "where", args: [kt("gt"), kt("x"), -2] },
      { cls: "OnesLike", name: "ones", args: [kt("x")] },
      { cls: "FullLike", name: "full", args: [kt("x"), 0.25] },
    ];
    const want = [map(x, (v) => Math.min(Math.max(v, -1), 1.5)), map(x, Math.trunc), map(x, (v) => (v > 0 ? v : -2)), map(x, () => 1), map(x, () => 0.25)];
    await expectMatches("misc-unary", graph([["x", [3, 4]]], nodes, [["clip", 0], ["cast", 0], ["where", 0], ["ones", 0], ["full", 0]]), [x], want);
  });
});

const REDUCTIONS: Record<string, (vs: number[]) => number> = {
  Sum: (vs) => vs.reduce((p, v) => p + v, 0),
  Mean: (vs) => vs.reduce((p, v) => p + v, 0) / vs.length,
  Max: (vs) => Math.max(...vs),
  Min: (vs) => Math.min(...vs),
  Prod: (vs) => vs.reduce((p, v) => p * v, 1),
  Any: (vs) => Number(vs.some((v) => v !== 0)),
  All: (vs) => Number(vs.every((v) => v !== 0)),
  Var: (vs) => {
    const m = vs.reduce((p, v) => p + v, 0) / vs.length;
    return vs.reduce((p, v) => p + (v - m) ** 2, 0) / vs.length;
  },
  Std: (vs) => Math.sqrt(REDUCTIONS["Var"]!(vs)),
  Logsumexp: (vs) => Math.log(vs.reduce((p, v) => p + Math.exp(v), 0)),
  Argmax: (vs) => vs.indexOf(Math.max(...vs)),
  Argmin: (vs) => vs.indexOf(Math.min(...vs)),
};

describe("reductions over random axes (negative axes, keepdims)", () => {
  const names = Object.keys(REDUCTIONS);
  it.each(Array.from({ length: 24 }, (_, s) => s))("seed %i", async (seed) => {
    const rnd = random(300 + seed);
    const op = names[seed % names.length]!;
    const rank = randInt(rnd, 1, 3);
    const shape = randShape(rnd, rank).map((d) => d + 1);
    const x = op === "Any" || op === "All" ? new Arr([BATCH, ...shape], Array.from({ length: BATCH * shape.reduce((p, d) => p * d, 1) }, () => (rnd() > 0.3 ? 1 : 0))) : randomArr([BATCH, ...shape], rnd, 0, 1);
    const single = op === "Argmax" || op === "Argmin";
    let axes = shape.map((_, k) => k + 1).filter(() => rnd() > 0.4);
    if (axes.length === 0 || single) axes = [randInt(rnd, 1, rank)];
    const spelled = axes.map((a) => (rnd() > 0.5 ? a - (rank + 1) : a)); // negative axes count from the end
    const keepdims = !single && rnd() > 0.5;
    const axis = spelled.length === 1 && rnd() > 0.5 ? spelled[0] : spelled;
    const nodes = [{ cls: op, name: "op", config: { axis, keepdims }, args: [kt("x")], module: op === "Logsumexp" ? "keras.src.ops.math" : undefined }];
    const want = reduce(x, axes, keepdims, REDUCTIONS[op]!);
    await expectMatches(`reduce-${seed}`, graph([["x", shape]], nodes, [["op", 0]]), [x], [want]);
  });
});

/** A random numpy key over a rank-r per-sample tensor (batch kept whole). */
function randomKey(rnd: () => number, shape: number[]): { key: Key[]; json: unknown[] } {
  const key: Key[] = [];
  const useEllipsis = rnd() > 0.5;
  key.push(useEllipsis && rnd() > 0.5 ? "..." : {});
  const rest = shape.slice(0, randInt(rnd, 1, shape.length));
  for (const n of rest) {
    const r = rnd() + 0.5;
    if (r < 0.3) key.push(randInt(rnd, -n, n - 1));
    else if (r < 0.4) key.push(null);
    else {
      const step = [1, 1, 2, -1, -2, 3][randInt(rnd, 0, 5)]!;
      const start = rnd() > 0.5 ? null : randInt(rnd, -n - 1, n);
      const stop = rnd() > 0.5 ? null : randInt(rnd, -n - 1, n);
      key.push({ start, stop, step: step === 1 && rnd() > 0.5 ? null : step });
    }
  }
  const json = key.map((k) => (k === "..." ? ellipsis : k === null || typeof k === "number" ? k : sliceArg(k.start ?? null, k.stop ?? null, k.step ?? null)));
  return { key, json };
}

describe("GetItem: ints, negative and strided slices, ellipsis, None", () => {
  it.each(Array.from({ length: 30 }, (_, s) => s))("seed %i", async (seed) => {
    const rnd = random(500 + seed);
    const shape = randShape(rnd, randInt(rnd, 1, 3)).map((d) => d + 2);
    const x = randomArr([BATCH, ...shape], rnd);
    let { key, json } = randomKey(rnd, shape);
    let want = getItem(x, key);
    for (let tries = 0; want.data.length === 0 && tries < 20; tries++) {
      ({ key, json } = randomKey(rnd, shape));
      want = getItem(x, key);
    }
    if (want.data.length === 0) return; // an empty selection is refused (tested below)
    const nodes = [{ cls: "GetItem", name: "op", args: [kt("x"), json.length === 1 && key[0] !== "..." ? json[0] : json] }];
    await expectMatches(`getitem-${seed}`, graph([["x", shape]], nodes, [["op", 0]]), [x], [want]);
  });
});

describe("structural ops", () => {
  it.each(Array.from({ length: 8 }, (_, s) => s))("Transpose, ExpandDims, Squeeze, Reshape, Concatenate, Stack (seed %i)", async (seed) => {
    const rnd = random(700 + seed);
    const shape = randShape(rnd, 3).map((d) => d + 1);
    const x = randomArr([BATCH, ...shape], rnd);
    const y = randomArr([BATCH, ...shape], rnd);
    const perm = [1, 2, 3].sort(() => rnd());
    const catAxis = randInt(rnd, 1, 3);
    const stackAxis = randInt(rnd, 1, 4);
    const expandAxis = randInt(rnd, 1, 4);
    const nodes: Node[] = [
      { cls: "Transpose", name: "t", config: { axes: [0, ...perm] }, args: [kt("x")] },
      { cls: "ExpandDims", name: "e", config: { axis: rnd() > 0.5 ? expandAxis : expandAxis - 5 }, args: [kt("x")] },
      { cls: "Squeeze", name: "s", config: { axis: expandAxis }, args: [kt("e")] },
      { cls: "Reshape", name: "r", config: { newshape: [-1, shape[2]!, -1] }, args: [kt("s")] },
      { cls: "Concatenate", name: "c", config: { axis: rnd() > 0.5 ? catAxis : catAxis - 4 }, args: [[kt("x"), kt("y"), kt("x")]] },
      { cls: "Stack", name: "k", config: { axis: stackAxis }, args: [[kt("x"), kt("y")]] },
    ];
    const want = [
      transpose(x, [0, ...perm]),
      new Arr([BATCH, shape[2]!, shape[0]! * shape[1]!], x.data),
      concat([x, y, x], catAxis),
      concat([expandDims(x, stackAxis), expandDims(y, stackAxis)], stackAxis),
    ];
    await expectMatches(`structure-${seed}`, graph([["x", shape], ["y", shape]], nodes, [["t", 0], ["r", 0], ["c", 0], ["k", 0]]), [x, y], want);
  });

  it.each([
    ["sections", 3, 2],
    ["indices", [1, -2], 1],
    ["indices on the last axis", [1, 2], 3],
  ] as const)("Split by %s with every piece an output (multi-output references)", async (_label, spec, axis) => {
    const rnd = random(900);
    const shape = [4, 6, 3];
    const x = randomArr([BATCH, ...shape], rnd);
    const n = shape[axis - 1]!;
    const cuts = typeof spec === "number" ? Array.from({ length: spec - 1 }, (_, k) => ((k + 1) * n) / spec) : spec.map((c) => Math.min(c < 0 ? c + n : c, n));
    const bounds = [0, ...cuts, n];
    const pieces = bounds.slice(0, -1).map((s, k) => getItem(x, [{}, ...Array(axis - 1).fill({}), { start: s, stop: bounds[k + 1]! }]));
    const nodes = [{ cls: "Split", name: "sp", config: { indices_or_sections: spec, axis }, args: [kt("x")] }];
    await expectMatches(`split-${axis}-${pieces.length}`, graph([["x", shape]], nodes, pieces.map((_, k) => ["sp", k] as [string, number])), [x], pieces);
  });

  it("Unstack gives one output per index along the axis", async () => {
    const rnd = random(901);
    const x = randomArr([BATCH, 3, 2], rnd);
    const nodes = [{ cls: "Unstack", name: "u", config: { num: 3, axis: 1 }, args: [kt("x")], module: "keras.src.ops.core" }];
    const want = [0, 1, 2].map((i) => getItem(x, [{}, i]));
    await expectMatches("unstack", graph([["x", [3, 2]]], nodes, [["u", 0], ["u", 1], ["u", 2]]), [x], want);
  });
});

describe("Round and Flip", () => {
  it("Round halves to even, as numpy does (with decimals too)", async () => {
    const values = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, 2.51, -3.7, 7];
    const x = new Arr([BATCH, values.length], [...values, ...values.map((v) => Math.fround(v / 10))]);
    const nodes: Node[] = [
      { cls: "Round", name: "r0", config: { decimals: 0 }, args: [kt("x")] },
      { cls: "Round", name: "r1", config: { decimals: 1 }, args: [kt("x")] },
    ];
    const half = (v: number) => {
      const r = Math.round(v);
      return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    const want0 = map(x, half);
    const want1 = map(x, (v) => half(Math.fround(v * 10)) / 10); // numpy scales in float32
    await expectMatches("round", graph([["x", [values.length]]], nodes, [["r0", 0], ["r1", 0]]), [x], [want0, want1]);
  });

  it.each([[[1]], [[2, -1]], [[-2]], [[1, 2, 3]]] as const)("Flip along axes %j", async (axes) => {
    const x = randomArr([BATCH, 3, 4, 2], random(1500 + axes.length));
    const full = axes.map((a) => (a < 0 ? a + 4 : a));
    const key: Key[] = [{}, ...[1, 2, 3].map((a) => (full.includes(a) ? { step: -1 } : {}))];
    await expectMatches(`flip-${axes.join("_")}`, graph([["x", [3, 4, 2]]], [{ cls: "Flip", name: "f", config: { axis: axes.length === 1 ? axes[0] : axes }, args: [kt("x")] }], [["f", 0]]), [x], [getItem(x, key)]);
  });
});

describe("Tile and Repeat", () => {
  /** numpy tile/repeat by index mapping: output index → input index along each axis. */
  const remap = (x: Arr, shape: number[], source: (idx: number[]) => number[]) => {
    const out = new Arr(shape);
    let k = 0;
    for (const idx of indices(shape)) out.data[k++] = x.at(source(idx));
    return out;
  };
  it.each([[[2]], [[1, 3, 1]], [[2, 2]], [[1, 1, 2, 3]]] as const)("Tile with repeats %j", async (repeats) => {
    const x = randomArr([BATCH, 2, 3, 2], random(1600 + repeats.length));
    const full = [...Array(4 - repeats.length).fill(1), ...repeats] as number[];
    const shape = x.shape.map((d, k) => d * full[k]!);
    const want = remap(x, shape, (idx) => idx.map((i, k) => i % x.shape[k]!));
    await expectMatches(`tile-${repeats.join("_")}`, graph([["x", [2, 3, 2]]], [{ cls: "Tile", name: "t", config: { repeats }, args: [kt("x")] }], [["t", 0]]), [x], [want]);
  });
  it.each([[2, 1], [3, -1], [2, 2]] as const)("Repeat %i times along axis %i", async (repeats, axis) => {
    const x = randomArr([BATCH, 3, 2], random(1700 + repeats));
    const a = axis < 0 ? axis + 3 : axis;
    const shape = x.shape.map((d, k) => (k === a ? d * repeats : d));
    const want = remap(x, shape, (idx) => idx.map((i, k) => (k === a ? Math.floor(i / repeats) : i)));
    await expectMatches(`repeat-${repeats}-${a}`, graph([["x", [3, 2]]], [{ cls: "Repeat", name: "r", config: { repeats, axis }, args: [kt("x")] }], [["r", 0]]), [x], [want]);
  });
});

describe("Matmul, Cumsum, Softmax", () => {
  it.each(Array.from({ length: 6 }, (_, s) => s))("tensor @ tensor with broadcast leading axes, tensor @ constant, vector @ constant (seed %i)", async (seed) => {
    const rnd = random(1000 + seed);
    const [l, n, k, m] = [randInt(rnd, 1, 3), randInt(rnd, 1, 4), randInt(rnd, 1, 4), randInt(rnd, 1, 4)];
    const a = randomArr([BATCH, l, n, k], rnd);
    const b = randomArr([BATCH, 1, k, m], rnd);
    const w = randomArr([k, m], rnd);
    const v = randomArr([BATCH, k], rnd);
    const nodes: Node[] = [
      { cls: "Matmul", name: "ab", args: [kt("a"), kt("b")] },
      { cls: "Matmul", name: "aw", args: [kt("a"), constant(w)] },
      { cls: "Matmul", name: "vw", args: [kt("v"), constant(w)] },
      { cls: "Matmul", name: "wa", args: [constant(transpose(w, [1, 0])), kt("a", 0)] },
    ];
    const want = [matmul(a, b), matmul(a, w), matmul(v, w), matmul(transpose(w, [1, 0]), a)];
    // wa needs (m, k) @ (…, n, k): only valid when n === k.
    const outputs: [string, number][] = [["ab", 0], ["aw", 0], ["vw", 0]];
    if (n === k) outputs.push(["wa", 0]);
    const used = nodes.filter((node) => node.name !== "wa" || n === k);
    await expectMatches(`matmul-${seed}`, graph([["a", [l, n, k]], ["b", [1, k, m]], ["v", [k]]], used, outputs), [a, b, v], want.slice(0, outputs.length));
  });

  it.each([1, 2, -1])("Cumsum, Cumprod and Softmax along axis %i", async (axis) => {
    const rnd = random(1100 + axis);
    const x = randomArr([BATCH, 3, 4], rnd, 0.5, 1.5);
    const full = axis < 0 ? axis + 3 : axis;
    const scan = (f: (acc: number, v: number) => number) => {
      const out = new Arr(x.shape);
      for (let b = 0; b < BATCH; b++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
        const idx = [b, i, j];
        const prev = idx[full]! === 0 ? undefined : out.at(idx.map((v, k) => (k === full ? v - 1 : v)));
        out.data[(b * 3 + i) * 4 + j] = prev === undefined ? x.at(idx) : f(prev, x.at(idx));
      }
      return out;
    };
    const sums = reduce(map(x, Math.exp), [full], true, (vs) => vs.reduce((p, v) => p + v, 0));
    const softmax = broadcastN([map(x, Math.exp), sums], ([e, s]) => e! / s!);
    const nodes: Node[] = [
      { cls: "Cumsum", name: "cs", config: { axis }, args: [kt("x")] },
      { cls: "Cumprod", name: "cp", config: { axis }, args: [kt("x")] },
      { cls: "Softmax", name: "sm", config: { axis }, args: [kt("x")], module: "keras.src.ops.nn" },
    ];
    await expectMatches(`scan-${axis}`, graph([["x", [3, 4]]], nodes, [["cs", 0], ["cp", 0], ["sm", 0]]), [x], [scan((p, v) => p + v), scan((p, v) => p * v), softmax]);
  });
});

describe("ops mixed with layers", () => {
  it("a positional embedding from ops: Embedding(ids) + a baked ops.arange-based constant, strided slice, mean, Dense", async () => {
    const [T, V, D] = [6, 9, 4];
    const rnd = random(1200);
    const ids = new Arr([BATCH, T], Array.from({ length: BATCH * T }, () => randInt(rnd, 0, V - 1)));
    // sin(position · frequency): what `ops.sin(ops.arange(T)[:, None] * freqs)` evaluates to eagerly.
    const pos = new Arr([1, T, D], Array.from({ length: T * D }, (_, i) => Math.fround(Math.sin(Math.floor(i / D) * 0.5 ** (i % D)))));
    const config = graph(
      [["ids", [T], "int32"]],
      [
        { cls: "Embedding", name: "emb", module: "keras.layers", config: { input_dim: V, output_dim: D }, args: [kt("ids")] },
        { cls: "Add", name: "add_pos", args: [kt("emb"), constant(pos)] },
        { cls: "GetItem", name: "every_other", args: [kt("add_pos"), [sliceArg(null, null, null), sliceArg(-1, null, -2)]] },
        { cls: "Mean", name: "mean", config: { axis: 1, keepdims: false }, args: [kt("every_other")] },
        { cls: "Dense", name: "dense", module: "keras.layers", config: { units: 3, activation: "linear" }, args: [kt("mean")] },
      ],
      [["dense", 0], ["every_other", 0]],
    );
    const { weights } = await generated("ops/positional-weights", config, 7);
    const table = new Arr([V, D], weights["emb"]![0]!.data.map(Math.fround));
    const emb = new Arr([BATCH, T, D], Array.from({ length: BATCH * T * D }, (_, i) => table.at([ids.data[Math.floor(i / D)]!, i % D])));
    const sliced = getItem(broadcastN([emb, pos], ([a, b]) => a! + b!), [{}, { start: -1, step: -2 }]);
    const mean = reduce(sliced, [1], false, (vs) => vs.reduce((p, v) => p + v, 0) / vs.length);
    const [kernel, bias] = weights["dense"]!.map((w) => new Arr(w.shape, w.data.map(Math.fround)));
    const dense = broadcastN([matmul(new Arr([BATCH, 1, D], mean.data), kernel!), bias!], ([a, b]) => a! + b!);
    await expectMatches("positional", config, [ids], [new Arr([BATCH, 3], dense.data), sliced], 7);
  });

  it("positions computed in the graph (cumsum of ones_like(ids) − 1) feed a second Embedding", async () => {
    const [T, V, D] = [5, 7, 3];
    const rnd = random(1250);
    const ids = new Arr([BATCH, T], Array.from({ length: BATCH * T }, () => randInt(rnd, 0, V - 1)));
    const config = graph(
      [["ids", [T], "int32"]],
      [
        { cls: "Embedding", name: "tokens", module: "keras.layers", config: { input_dim: V, output_dim: D }, args: [kt("ids")] },
        { cls: "OnesLike", name: "ones", args: [kt("ids")] },
        { cls: "Cumsum", name: "count", config: { axis: 1 }, args: [kt("ones")] },
        { cls: "Subtract", name: "positions", args: [kt("count"), 1] },
        { cls: "Embedding", name: "pos", module: "keras.layers", config: { input_dim: T, output_dim: D }, args: [kt("positions")] },
        { cls: "Add", name: "sum", args: [kt("tokens"), kt("pos")] },
      ],
      [["sum", 0]],
    );
    const { weights } = await generated("ops/positions-weights", config, 8);
    const table = (name: string) => new Arr(weights[name]![0]!.shape, weights[name]![0]!.data.map(Math.fround));
    const [tok, pos] = [table("tokens"), table("pos")];
    const want = new Arr([BATCH, T, D], Array.from({ length: BATCH * T * D }, (_, i) => {
      const t = Math.floor(i / D) % T;
      return tok.at([ids.data[Math.floor(i / D)]!, i % D]) + pos.at([t, i % D]);
    }));
    await expectMatches("positions", config, [ids], [want], 8);
  });

  it("tells the Add/Multiply/Concatenate ops from the layers of the same name by module", async () => {
    const rnd = random(1300);
    const x = randomArr([BATCH, 4], rnd);
    const y = randomArr([BATCH, 4], rnd);
    const config = graph(
      [["x", [4]], ["y", [4]]],
      [
        { cls: "Add", name: "layer_add", module: "keras.layers", args: [[kt("x"), kt("y")]] },
        { cls: "Add", name: "op_add", args: [kt("layer_add"), 3] },
        { cls: "Multiply", name: "op_mul", args: [kt("op_add"), kt("x")] },
        { cls: "Concatenate", name: "layer_cat", module: "keras.layers", config: { axis: -1 }, args: [[kt("op_mul"), kt("y")]] },
        { cls: "Concatenate", name: "op_cat", config: { axis: 1 }, args: [[kt("layer_cat"), kt("x")]] },
      ],
      [["op_cat", 0]],
    );
    const mul = broadcastN([x, y], ([a, b]) => (a! + b! + 3) * a!);
    await expectMatches("same-names", config, [x, y], [concat([mul, y, x], 1)]);
  });

  it("ops inside a nested functional model called twice", async () => {
    const inner = graph([["v", [4]]], [
      { cls: "Multiply", name: "twice", args: [kt("v"), 2] },
      { cls: "GetItem", name: "tail", args: [kt("twice"), [sliceArg(null, null, null), sliceArg(1, null, null)]] },
    ], [["tail", 0]]) as { class_name: string; config: Record<string, unknown> };
    const outer = {
      class_name: "Functional",
      config: {
        name: "outer",
        layers: [
          { module: "keras.layers", class_name: "InputLayer", name: "a", config: { name: "a", batch_shape: [null, 4] }, inbound_nodes: [] },
          { module: "keras.layers", class_name: "InputLayer", name: "b", config: { name: "b", batch_shape: [null, 4] }, inbound_nodes: [] },
          { module: "keras.src.models.functional", class_name: "Functional", name: "block", config: { ...inner.config, name: "block" }, inbound_nodes: [{ args: [kt("a")], kwargs: {} }, { args: [kt("b")], kwargs: {} }] },
          { module: "keras.src.ops.numpy", class_name: "Subtract", name: "diff", config: { name: "diff" }, inbound_nodes: [{ args: [{ class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: ["block", 0, 0] } }, { class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: ["block", 1, 0] } }], kwargs: {} }] },
        ],
        input_layers: [["a", 0, 0], ["b", 0, 0]],
        output_layers: [["diff", 0, 0]],
      },
    };
    const rnd = random(1450);
    const [a, b] = [randomArr([BATCH, 4], rnd), randomArr([BATCH, 4], rnd)];
    const want = getItem(broadcastN([a, b], ([x, y]) => 2 * x! - 2 * y!), [{}, { start: 1 }]);
    await expectMatches("nested-twice", outer, [a, b], [want]);
  });

  it("reads ops from legacy HDF5 configs, which record no module (a class only an op has)", async () => {
    const x = randomArr([BATCH, 5, 3], random(1400));
    const nodes = [
      { cls: "GetItem", name: "last", module: null, args: [kt("x"), [sliceArg(null, null, null), -1]] },
      { cls: "Mean", name: "mean", module: null, config: { axis: -1, keepdims: true }, args: [kt("x")] },
    ];
    await expectMatches("no-module", graph([["x", [5, 3]]], nodes, [["last", 0], ["mean", 0]]), [x], [getItem(x, [{}, -1]), reduce(x, [2], true, (vs) => vs.reduce((p, v) => p + v, 0) / 3)]);
  });
});

describe("a variable sequence length", () => {
  it("x[:, -1], x[:, 1], a mean and a broadcast product over time work for any number of steps", async () => {
    const config = graph(
      [["x", [null as unknown as number, 3]]],
      [
        { cls: "GetItem", name: "last", args: [kt("x"), [sliceArg(null, null, null), -1]] },
        { cls: "GetItem", name: "second", args: [kt("x"), [sliceArg(null, null, null), 1, sliceArg(null, null, -1)]] },
        { cls: "Mean", name: "mean", config: { axis: 1, keepdims: true }, args: [kt("x")] },
        { cls: "Multiply", name: "scaled", args: [kt("x"), kt("mean")] },
      ],
      [["last", 0], ["second", 0], ["scaled", 0]],
    );
    const { mod } = await generated("ops/variable", config, 1);
    for (const T of [2, 5]) {
      const x = randomArr([BATCH, T, 3], random(T));
      const mean = reduce(x, [1], true, (vs) => vs.reduce((p, v) => p + v, 0) / vs.length);
      const want = [getItem(x, [{}, -1]), getItem(x, [{}, 1, { step: -1 }]), broadcastN([x, mean], ([a, m]) => a! * m!)];
      for (let b = 0; b < BATCH; b++) {
        const got = asList(mod.predict(x.sample(b)));
        want.forEach((w, k) => w.sample(b).forEach((v, i) => expect(Math.abs(got[k]![i]! - v)).toBeLessThan(1e-5)));
      }
    }
    expect(() => mod.predict([1, 2, 3])).toThrow(RangeError); // one step: x[:, 1] needs two
  });
});

describe("refusals are one clean error naming the op", () => {
  const refuse = async (nodes: Node[], message: string) => {
    const err = await generated("ops/refused", graph([["x", [4, 3]]], nodes, [[nodes[nodes.length - 1]!.name, 0]]), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).not.toContain("\n");
  };
  it("an op outside the family", () => refuse([{ cls: "Sort", name: "sort", config: { axis: -1 }, args: [kt("x")] }], 'unsupported Keras op "Sort"'));
  it("a reduction over the batch axis", () => refuse([{ cls: "Mean", name: "m", config: { axis: 0 }, args: [kt("x")] }], "batch axis"));
  it("a reduction over every axis (axis=None)", () => refuse([{ cls: "Sum", name: "m", config: { axis: null }, args: [kt("x")] }], "axis=None"));
  it("indexing the batch axis", () => refuse([{ cls: "GetItem", name: "g", args: [kt("x"), 0] }], "batch axis"));
  it("an empty slice", () => refuse([{ cls: "GetItem", name: "g", args: [kt("x"), [sliceArg(null, null, null), sliceArg(3, 1, null)]] }], "selects no elements"));
  it("a transpose moving the batch axis", () => refuse([{ cls: "Transpose", name: "t", config: { axes: [1, 0, 2] }, args: [kt("x")] }], "batch axis"));
  it("a constant that would broadcast over the batch", () => refuse([{ cls: "Add", name: "a", args: [kt("x"), constant(new Arr([2, 4, 3]))] }], "batch axis"));
});

describe("generated op code", () => {
  it("compiles under the strictest options", { timeout: 120_000 }, () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});
