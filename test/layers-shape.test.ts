/**
 * Normalization, rectifier, shape and merge layers through generated code, against references
 * written here from Keras' documented formulas (and tfjs for a few), over several axes and options.
 */
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { typecheck } from "./helpers/typecheck.js";
import { functional, generated, generatedPaths, maxDiff, random, randomArray, sequential, Tensor } from "./helpers/layer-models.js";
import { permute } from "./helpers/conv-reference.js";
import { tf, tfjsLayer } from "./helpers/tfjs-reference.js";

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);
const input = (shape: readonly number[], seed: number) => randomArray(size(shape), random(seed), 4);

/** For each index of `t`, the coordinates along `axes` (as a flat index into a parameter of those axes). */
function paramIndex(shape: readonly number[], axes: readonly number[], idx: readonly number[]): number {
  return axes.reduce((o, a) => o * shape[a]! + idx[a]!, 0);
}

/** Groups the flat indices of a tensor by their coordinates outside `axes` (one group per normalised slice). */
/** A 2-D padding/cropping config: one number, one per axis, or (before, after) per axis. */
type PadSpec = number | readonly (number | readonly number[])[];

/** A Keras `axis` config (a number or a list) as a list. */
function axisList(axis: number | readonly number[]): number[] {
  return typeof axis === "number" ? [axis] : [...axis];
}

function slices(t: Tensor, axes: readonly number[]): number[][] {
  const groups = new Map<string, number[]>();
  for (const idx of t.indices()) {
    const key = idx.filter((_, k) => !axes.includes(k)).join(",");
    const list = groups.get(key) ?? [];
    list.push(t.offset(idx));
    groups.set(key, list);
  }
  return [...groups.values()];
}

describe("BatchNormalization", () => {
  it.each([
    [[4, 3], -1, true, true],
    [[4, 3], 1, false, true],
    [[2, 3, 4], [2], true, false],
    [[2, 3, 4], 2, false, false],
    [[3, 2, 2], [1, 2], true, true],
  ] as const)("on %j, axis %j, center %s, scale %s", async (shape, axis, center, scale) => {
    const config = { name: "bn", axis, center, scale, epsilon: 0.01 };
    const { run, weights } = await generated(`layers/bn/${shape.join("x")}-${JSON.stringify(axis)}-${center}-${scale}`, sequential([...shape], [["BatchNormalization", config]]), 5);
    const ws = weights["bn"]!.map((w) => w.data);
    const gamma = scale ? ws.shift()! : null;
    const beta = center ? ws.shift()! : null;
    const [mean, variance] = ws as [number[], number[]];
    const axes = axisList(axis).map((a) => (a < 0 ? shape.length + 1 + a : a) - 1);
    const x = new Tensor([...shape], input(shape, 2));
    const want = new Tensor([...shape]);
    for (const idx of x.indices()) {
      const j = paramIndex(shape, axes, idx);
      want.set(idx, ((x.get(...idx) - mean[j]!) / Math.sqrt(variance[j]! + 0.01)) * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0));
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-5);
  });

  // tfjs only on the last axis: for other axes its inference path broadcasts the statistics along the last axis.
  it("agrees with tfjs on the last axis of a 3-D input", async () => {
    const { run, weights } = await generated("layers/bn/tfjs", sequential([3, 4], [["BatchNormalization", { name: "bn", axis: -1 }]]), 8);
    const x = input([3, 4], 3);
    const want = await tfjsLayer(tf.layers.batchNormalization({ axis: -1 }), [3, 4], weights["bn"]!, x);
    expect(maxDiff(run(x)[0]!, want)).toBeLessThan(1e-5);
  });
});

describe("LayerNormalization and UnitNormalization", () => {
  it.each([
    [[6], -1, true, true, false],
    [[3, 4], [-1], true, false, false],
    [[3, 4], 1, false, true, false],
    [[2, 3, 4], [2, 3], true, true, false],
    [[3, 4], -1, true, true, true],
    [[2, 3, 4], [1, 2], false, false, true],
  ] as const)("LayerNormalization on %j, axis %j, center %s, scale %s, rms_scaling %s", async (shape, axis, center, scale, rms) => {
    const config = { name: "ln", axis, center, scale, rms_scaling: rms, epsilon: 0.001 };
    const { run, weights } = await generated(`layers/ln/${shape.join("x")}-${JSON.stringify(axis)}-${center}-${scale}-${rms}`, sequential([...shape], [["LayerNormalization", config]]), 6);
    const ws = weights["ln"]!.map((w) => w.data);
    // rms_scaling keeps gamma and drops beta.
    const gamma = scale || rms ? ws.shift()! : null;
    const beta = center && !rms ? ws.shift()! : null;
    expect(ws).toEqual([]);
    const axes = axisList(axis).map((a) => (a < 0 ? shape.length + 1 + a : a) - 1);
    const x = new Tensor([...shape], input(shape, 4));
    const want = new Tensor([...shape]);
    for (const group of slices(x, axes)) {
      const vals = group.map((o) => x.data[o]!);
      const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
      const variance = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length;
      group.forEach((o, k) => {
        const j = k; // within a slice, offsets run over the normalised axes in row-major order
        const centered = rms ? vals[k]! : vals[k]! - mean;
        want.data[o] = (centered / Math.sqrt(variance + 0.001)) * (gamma ? gamma[j]! : 1) + (beta ? beta[j]! : 0);
      });
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-5);
  });

  it("LayerNormalization agrees with tfjs", async () => {
    const { run, weights } = await generated("layers/ln/tfjs", sequential([3, 5], [["LayerNormalization", { name: "ln", axis: -1, epsilon: 1e-3 }]]), 9);
    const x = input([3, 5], 5);
    const want = await tfjsLayer(tf.layers.layerNormalization({ axis: -1, epsilon: 1e-3 }), [3, 5], weights["ln"]!, x);
    expect(maxDiff(run(x)[0]!, want)).toBeLessThan(1e-5);
  });

  it.each([[-1], [[1, 2]], [1]])("UnitNormalization with axis %j", async (axis) => {
    const shape = [2, 3];
    const { run } = await generated(`layers/unit/${JSON.stringify(axis)}`, sequential(shape, [["UnitNormalization", { name: "u", axis }]]), 1);
    const x = new Tensor(shape, input(shape, 6));
    const axes = axisList(axis).map((a) => (a < 0 ? shape.length + 1 + a : a) - 1);
    const want = new Tensor(shape);
    for (const group of slices(x, axes)) {
      const norm = Math.sqrt(group.reduce((s, o) => s + x.data[o]! ** 2, 0));
      for (const o of group) want.data[o] = x.data[o]! / norm;
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-6);
  });
});


describe("shape layers", () => {
  it.each([
    [[2, 3, 4], [3, 1, 2]],
    [[2, 3, 4], [2, 1, 3]],
    [[2, 3, 4, 5], [4, 3, 2, 1]],
    [[2, 3, 4, 5, 2], [1, 3, 2, 5, 4]],
    [[2, 3, 2, 3, 2, 2], [6, 3, 1, 4, 2, 5]],
    [[4, 1, 3], [3, 2, 1]],
  ])("Permute %j by %j", async (shape, dims) => {
    const { run, mod } = await generated(`layers/permute/${shape.join("x")}-${dims.join("")}`, sequential(shape, [["Permute", { name: "p", dims }]]), 1);
    const x = new Tensor(shape, input(shape, 7));
    const want = permute(x, dims.map((d) => d - 1));
    expect(mod.outputs[0]!.shape).toEqual(want.shape);
    expect(run(Array.from(x.data))[0]).toEqual(Array.from(Float32Array.from(want.data)));
  });

  it("Flatten keeps the order for channels_last and moves channels last for channels_first", async () => {
    const shape = [2, 3, 4];
    const x = new Tensor(shape, input(shape, 8));
    const last = await generated("layers/flatten/last", sequential(shape, [["Flatten", { name: "f" }]]), 1);
    expect(last.run(Array.from(x.data))[0]).toEqual(Array.from(Float32Array.from(x.data)));
    const first = await generated("layers/flatten/first", sequential(shape, [["Flatten", { name: "f", data_format: "channels_first" }]]), 1);
    expect(first.run(Array.from(x.data))[0]).toEqual(Array.from(Float32Array.from(permute(x, [1, 2, 0]).data)));
  });

  it("Reshape with -1, then Dense on the new last axis", async () => {
    const arch = sequential([12], [["Reshape", { name: "r", target_shape: [-1, 4] }], ["Dense", { name: "d", units: 2 }]]);
    const { run, mod, weights } = await generated("layers/reshape", arch, 2);
    expect(mod.outputs[0]!.shape).toEqual([3, 2]);
    const x = input([12], 9);
    const [k, b] = weights["d"]!.map((w) => w.data) as [number[], number[]];
    const want = [0, 1, 2].flatMap((r) => [0, 1].map((j) => b[j]! + [0, 1, 2, 3].reduce((s, i) => s + x[r * 4 + i]! * k[i * 2 + j]!, 0)));
    expect(maxDiff(run(x)[0]!, want)).toBeLessThan(1e-5);
  });

  it("Reshape refuses sizes that do not divide", async () => {
    const err = await generated("layers/reshape-bad", sequential([12], [["Reshape", { name: "r", target_shape: [-1, 5] }]]), 1).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/cannot reshape 12 values/);
  });

  it("RepeatVector, ZeroPadding1D, Cropping1D, UpSampling1D", async () => {
    const arch = sequential([2], [
      ["RepeatVector", { name: "rep", n: 3 }], // (3, 2)
      ["ZeroPadding1D", { name: "pad", padding: [1, 2] }], // (6, 2)
      ["UpSampling1D", { name: "up", size: 2 }], // (12, 2)
      ["Cropping1D", { name: "crop", cropping: [3, 4] }], // (5, 2)
    ]);
    const { run } = await generated("layers/sequence-ops", arch, 1);
    const [a, b] = [1.5, -2];
    const padded = [[0, 0], [a, b], [a, b], [a, b], [0, 0], [0, 0]];
    const up = padded.flatMap((r) => [r, r]);
    expect(run([a, b])[0]).toEqual(up.slice(3, 8).flat());
  });
});

describe("2-D padding, cropping and up-sampling", () => {
  /** Per spatial axis (before, after) as the layer reads its config. */
  const pairs = (v: PadSpec) => (typeof v === "number" ? [[v, v], [v, v]] : v.map((p) => (typeof p === "number" ? [p, p] : p))) as [number, number][];
  const cases = [
    ["ZeroPadding2D", { padding: 1 }, false],
    ["ZeroPadding2D", { padding: [2, 0] }, false],
    ["ZeroPadding2D", { padding: [[1, 0], [0, 2]] }, true],
    ["Cropping2D", { cropping: [[1, 0], [0, 2]] }, false],
    ["Cropping2D", { cropping: 1 }, true],
    ["UpSampling2D", { size: [2, 3] }, false],
    ["UpSampling2D", { size: 2 }, true],
  ] as const;
  it.each(cases)("%s %j (channels_first %s)", async (cls, config, first) => {
    const shape = first ? [2, 3, 4] : [3, 4, 2];
    const arch = sequential(shape, [[cls, { name: "l", ...config, data_format: first ? "channels_first" : "channels_last" }]]);
    const { run } = await generated(`layers/spatial2d/${cls}-${JSON.stringify(config).replace(/\W+/g, "")}-${first}`, arch, 1);
    const x = new Tensor(shape, input(shape, 60));
    const sp = first ? [1, 2] : [0, 1];
    const out = [...shape];
    let source: (o: number[]) => number[] | null;
    const c = config as { size?: number | readonly number[]; padding?: PadSpec; cropping?: PadSpec };
    if (cls === "UpSampling2D") {
      const size = typeof c.size === "number" ? [c.size, c.size] : c.size!;
      sp.forEach((a, k) => (out[a] = shape[a]! * size[k]!));
      source = (o) => o.map((i, a) => (sp.includes(a) ? Math.floor(i / size[sp.indexOf(a)]!) : i));
    } else {
      const p = pairs((c.padding ?? c.cropping)!);
      const sign = cls === "ZeroPadding2D" ? 1 : -1;
      sp.forEach((a, k) => (out[a] = shape[a]! + sign * (p[k]![0] + p[k]![1])));
      source = (o) => {
        const src = o.map((i, a) => (sp.includes(a) ? i - sign * p[sp.indexOf(a)]![0] : i));
        return src.every((i, a) => i >= 0 && i < shape[a]!) ? src : null;
      };
    }
    const want = new Tensor(out);
    for (const idx of want.indices()) {
      const src = source(idx);
      want.set(idx, src ? x.get(...src) : 0);
    }
    expect(run(Array.from(x.data))[0]).toEqual(Array.from(Float32Array.from(want.data)));
  });

  it.each([
    ["zeroPadding2d", "ZeroPadding2D", { padding: [[1, 2], [0, 1]] }, () => tf.layers.zeroPadding2d({ padding: [[1, 2], [0, 1]] })],
    ["cropping2D", "Cropping2D", { cropping: [[1, 0], [1, 1]] }, () => tf.layers.cropping2D({ cropping: [[1, 0], [1, 1]] })],
    ["upSampling2d", "UpSampling2D", { size: [3, 2] }, () => tf.layers.upSampling2d({ size: [3, 2] })],
  ] as const)("agrees with tfjs %s", async (label, cls, config, make) => {
    const shape = [3, 4, 2];
    const { run } = await generated(`layers/spatial2d/tfjs-${label}`, sequential(shape, [[cls, { name: "l", ...config }]]), 1);
    const x = input(shape, 61);
    expect(maxDiff(run(x)[0]!, await tfjsLayer(make(), shape, [], x))).toBeLessThan(1e-6);
  });

  it("refuses bilinear up-sampling", async () => {
    const err = await generated("layers/spatial2d/bilinear", sequential([2, 2, 1], [["UpSampling2D", { name: "l", interpolation: "bilinear" }]]), 1).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/interpolation/);
  });
});

describe("rectifiers and softmax", () => {
  it.each([
    [[4, 3], null],
    [[4, 3], [1]],
    [[2, 3, 4], [1, 2]],
    [[2, 3, 4], [2]],
    [[2, 3, 4], 3],
  ] as const)("PReLU on %j sharing axes %j", async (shape, shared) => {
    const { run, weights } = await generated(`layers/prelu/${shape.join("x")}-${JSON.stringify(shared)}`, sequential([...shape], [["PReLU", { name: "p", shared_axes: shared }]]), 3);
    const alpha = new Tensor(weights["p"]![0]!.shape, weights["p"]![0]!.data);
    const x = new Tensor([...shape], input(shape, 10));
    const want = new Tensor([...shape]);
    for (const idx of x.indices()) {
      const v = x.get(...idx);
      want.set(idx, v >= 0 ? v : alpha.get(...idx.map((i, k) => (alpha.shape[k] === 1 ? 0 : i))) * v);
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-6);
    const tfjs = await tfjsLayer(tf.layers.prelu(shared === null ? {} : { sharedAxes: shared as unknown as number[] }), [...shape], weights["p"]!, Array.from(x.data));
    expect(maxDiff(run(Array.from(x.data))[0]!, tfjs)).toBeLessThan(1e-6);
  });

  it.each([
    [{}, (x: number) => Math.max(x, 0)],
    [{ max_value: 1.5 }, (x: number) => Math.min(Math.max(x, 0), 1.5)],
    [{ negative_slope: 0.1 }, (x: number) => (x >= 0 ? x : 0.1 * x)],
    [{ threshold: 0.5, negative_slope: 0.2, max_value: 6 }, (x: number) => (x > 0.5 ? Math.min(x, 6) : 0.2 * (x - 0.5))],
  ] as const)("ReLU %j", async (config, f) => {
    const { run } = await generated(`layers/relu/${JSON.stringify(config).replace(/\W+/g, "")}`, sequential([10], [["ReLU", { name: "r", ...config }]]), 1);
    const x = input([10], 11).map((v) => v * 3);
    expect(maxDiff(run(x)[0]!, x.map(f))).toBeLessThan(1e-6);
  });

  it.each([
    [{ scale: 1 / 255 }, (x: number) => x / 255],
    [{ scale: 2, offset: -1 }, (x: number) => 2 * x - 1],
    [{ scale: [1, 2, 3], offset: [0.5] }, (x: number, i: number) => x * [1, 2, 3][i % 3]! + 0.5],
  ] as const)("Rescaling %j", async (config, f) => {
    const { run } = await generated(`layers/rescaling/${JSON.stringify(config).replace(/\W+/g, "")}`, sequential([2, 3], [["Rescaling", { name: "r", ...config }]]), 1);
    const x = input([2, 3], 70);
    expect(maxDiff(run(x)[0]!, x.map(f))).toBeLessThan(1e-6);
  });

  it("ThresholdedReLU keeps values above theta", async () => {
    const { run } = await generated("layers/thresholded-relu", sequential([6], [["ThresholdedReLU", { name: "t", theta: 0.5 }]]), 1, "2.4.0");
    expect(run([-1, 0.5, 0.25, 0.75, 2, -3])[0]).toEqual([0, 0, 0, 0.75, 2, 0]);
  });

  it("UnitNormalization caps the inverse norm at 1e12 (Keras 3) or 1e6 (tf.keras 2)", async () => {
    for (const [version, cap] of [["3.15.1", 1e12], ["2.15.0", 1e6]] as const) {
      const { run } = await generated(`layers/unit-cap/${version}`, sequential([2], [["UnitNormalization", { name: "u" }]]), 1, version);
      const x = [3e-8, 4e-8];
      expect(maxDiff(run(x)[0]!, x.map((v) => v * Math.min(cap, 1 / 5e-8)))).toBeLessThan(1e-6);
    }
  });

  it.each([[-1], [1], [[1, 2]], [2]])("Softmax over axis %j", async (axis) => {
    const shape = [3, 4];
    const { run } = await generated(`layers/softmax/${JSON.stringify(axis)}`, sequential(shape, [["Softmax", { name: "s", axis }]]), 1);
    const x = new Tensor(shape, input(shape, 12));
    const axes = axisList(axis).map((a) => (a < 0 ? shape.length + 1 + a : a) - 1);
    const want = new Tensor(shape);
    for (const group of slices(x, axes)) {
      const sum = group.reduce((s, o) => s + Math.exp(x.data[o]!), 0);
      for (const o of group) want.data[o] = Math.exp(x.data[o]!) / sum;
    }
    expect(maxDiff(run(Array.from(x.data))[0]!, want.data)).toBeLessThan(1e-6);
  });
});

describe("merge layers", () => {
  const shape = [2, 3];
  const xs = [input(shape, 20), input(shape, 21), input(shape, 22)];
  it.each([
    ["Add", 3, (v: number[]) => v[0]! + v[1]! + v[2]!],
    ["Subtract", 2, (v: number[]) => v[0]! - v[1]!],
    ["Multiply", 3, (v: number[]) => v[0]! * v[1]! * v[2]!],
    ["Average", 3, (v: number[]) => (v[0]! + v[1]! + v[2]!) / 3],
    ["Maximum", 3, (v: number[]) => Math.max(...v)],
    ["Minimum", 2, (v: number[]) => Math.min(...v)],
  ] as const)("%s of %i inputs", async (cls, n, f) => {
    const names = ["a", "b", "c"].slice(0, n);
    const arch = functional(names.map((nm) => [nm, shape] as [string, number[]]), [[cls, { name: "m" }, names]], ["m"]);
    const { run } = await generated(`layers/merge/${cls}`, arch, 1);
    const want = xs[0]!.map((_, i) => f(xs.slice(0, n).map((x) => x[i]!)));
    expect(maxDiff(run(...xs.slice(0, n))[0]!, want)).toBeLessThan(1e-5);
  });

  it.each([
    ["Add", [[2, 3], [1, 3]]],
    ["Multiply", [[4, 3], [4, 1]]],
    ["Maximum", [[2, 3, 4], [4], [3, 1]]],
    ["Subtract", [[3], [2, 1]]],
  ] as const)("%s broadcasts %j", async (cls, shapes) => {
    const names = shapes.map((_, k) => `in${k}`);
    const arch = functional(shapes.map((sh, k) => [names[k]!, [...sh]] as [string, number[]]), [[cls, { name: "m" }, names]], ["m"]);
    const { run, mod } = await generated(`layers/merge/broadcast-${cls}`, arch, 1);
    const rank = Math.max(...shapes.map((sh) => sh.length));
    const out = Array.from({ length: rank }, (_, k) => Math.max(...shapes.map((sh) => sh[sh.length - rank + k] ?? 1)));
    expect(mod.outputs[0]!.shape).toEqual(out);
    const tensors = shapes.map((sh, k) => new Tensor([...sh], input(sh, 50 + k)));
    const want = new Tensor(out);
    for (const idx of want.indices()) {
      const v = tensors.map((t) => t.get(...idx.slice(rank - t.shape.length).map((i, k) => (t.shape[k] === 1 ? 0 : i))));
      want.set(idx, cls === "Add" ? v[0]! + v[1]! : cls === "Multiply" ? v[0]! * v[1]! : cls === "Subtract" ? v[0]! - v[1]! : Math.max(...v));
    }
    expect(maxDiff(run(...tensors.map((t) => Array.from(t.data)))[0]!, want.data)).toBeLessThan(1e-5);
  });

  it("refuses shapes that do not broadcast", async () => {
    const arch = functional([["a", [2, 3]], ["b", [2, 2]]], [["Add", { name: "m" }, ["a", "b"]]], ["m"]);
    const err = await generated("layers/merge/no-broadcast", arch, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as Error).message).toMatch(/do not broadcast/);
  });

  it.each([
    [-1, [[2, 3, 1], [2, 3, 2]]],
    [3, [[2, 3, 1], [2, 3, 4]]],
    [1, [[1, 3, 2], [2, 3, 2], [3, 3, 2]]],
    [-2, [[2, 1, 2], [2, 2, 2]]],
  ] as const)("Concatenate along axis %i of %j", async (axis, shapes) => {
    const names = shapes.map((_, k) => `in${k}`);
    const arch = functional(shapes.map((s, k) => [names[k]!, [...s]] as [string, number[]]), [["Concatenate", { name: "cat", axis }, names]], ["cat"]);
    const { run, mod } = await generated(`layers/concat/${axis}-${shapes.length}`, arch, 1);
    const tensors = shapes.map((s, k) => new Tensor([...s], input(s, 30 + k)));
    const a = (axis < 0 ? 4 + axis : axis) - 1;
    const outShape: number[] = [...shapes[0]!];
    outShape[a] = shapes.reduce((p: number, s) => p + s[a]!, 0);
    expect(mod.outputs[0]!.shape).toEqual(outShape);
    const want = new Tensor(outShape);
    for (const idx of want.indices()) {
      let i = idx[a]!;
      let k = 0;
      while (i >= shapes[k]![a]!) i -= shapes[k++]![a]!;
      want.set(idx, tensors[k]!.get(...idx.map((v, d) => (d === a ? i : v))));
    }
    expect(run(...tensors.map((t) => Array.from(t.data)))[0]).toEqual(Array.from(Float32Array.from(want.data)));
  });

  it.each([
    [[4], [4], 1, false],
    [[4], [4], -1, true],
    [[3, 4], [5, 4], [2, 2], false],
    [[3, 4], [3, 5], [1, 1], true],
    [[2, 3, 4], [4, 5], [3, 1], false],
    [[4], [4, 3], [1, 1], false],
  ] as const)("Dot of %j and %j on axes %j (normalize %s)", async (s1, s2, axes, normalize) => {
    const arch = functional([["x", [...s1]], ["y", [...s2]]], [["Dot", { name: "dot", axes, normalize }, ["x", "y"]]], ["dot"]);
    const { run } = await generated(`layers/dot/${s1.join("x")}-${s2.join("x")}-${JSON.stringify(axes)}-${normalize}`, arch, 1);
    const [ax, ay] = (typeof axes === "number" ? [axes, axes] : axes).map((a, k) => (a < 0 ? [s1, s2][k]!.length + 1 + a : a) - 1) as [number, number];
    let x = new Tensor([...s1], input(s1, 40));
    let y = new Tensor([...s2], input(s2, 41));
    const unit = (t: Tensor, axis: number) => {
      const out = new Tensor(t.shape);
      for (const g of slices(t, [axis])) {
        const norm = Math.sqrt(g.reduce((s, o) => s + t.data[o]! ** 2, 0));
        for (const o of g) out.data[o] = t.data[o]! / norm;
      }
      return out;
    };
    const raw = [Array.from(x.data), Array.from(y.data)];
    if (normalize) [x, y] = [unit(x, ax), unit(y, ay)];
    const restX = s1.filter((_, k) => k !== ax);
    const restY = s2.filter((_, k) => k !== ay);
    const want: number[] = [];
    for (const i of new Tensor(restX.length ? restX : [1]).indices()) {
      for (const j of new Tensor(restY.length ? restY : [1]).indices()) {
        let sum = 0;
        for (let k = 0; k < s1[ax]!; k++) {
          const xi = [...i.slice(0, ax), k, ...i.slice(ax)].slice(0, s1.length);
          const yi = [...j.slice(0, ay), k, ...j.slice(ay)].slice(0, s2.length);
          sum += x.get(...xi) * y.get(...yi);
        }
        want.push(sum);
      }
    }
    expect(maxDiff(run(...raw)[0]!, want)).toBeLessThan(1e-5);
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});

describe("GlobalAveragePooling1D with a mask", () => {
  it("averages only the steps Embedding(mask_zero) keeps", async () => {
    const arch = sequential([6], [["Embedding", { name: "emb", input_dim: 5, output_dim: 3, mask_zero: true }], ["GlobalAveragePooling1D", { name: "gap" }]], "int32");
    const { run, weights } = await generated("layers/gap-mask/embedding", arch, 4);
    const table = weights["emb"]![0]!.data;
    const ids = [0, 3, 1, 0, 4, 0];
    const kept = ids.filter((id) => id !== 0);
    const want = [0, 1, 2].map((j) => kept.reduce((s, id) => s + table[id * 3 + j]!, 0) / kept.length);
    expect(maxDiff(run(ids)[0]!, want)).toBeLessThan(1e-6);
  });

  it("averages only the steps Masking keeps (channels_first input)", async () => {
    const arch = sequential([4, 2], [["Masking", { name: "mask", mask_value: 0 }], ["GlobalAveragePooling1D", { name: "gap" }]]);
    const { run } = await generated("layers/gap-mask/masking", arch, 1);
    const x = [1, 2, 0, 0, 3, -4, 0, 0];
    expect(run(x)[0]).toEqual([2, -1]);
  });
});
