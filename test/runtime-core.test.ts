/** The shared runtime as ordinary code: activations, linear algebra and input checks. */
import { describe, expect, it } from "vitest";
import * as rt from "../runtime/keras2ts-runtime.js";

describe("activations", () => {
  it("erf matches reference values to 1e-15", () => {
    // erf(x) from high-precision tables (Abramowitz & Stegun / mpmath).
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      [-0.7, -0.6778011938374184],
    ];
    for (const [x, want] of table) expect(Math.abs(rt.erf(x) - want), `erf(${x})`).toBeLessThan(1e-15);
    expect(rt.erf(NaN)).toBeNaN();
    expect(rt.erf(Infinity)).toBe(1);
  });

  it("hard_sigmoid differs between Keras 3 (x/6 + 0.5) and Keras 1/2 (0.2x + 0.5)", () => {
    expect(rt.hardSigmoid(1)).toBeCloseTo(1 / 6 + 0.5, 15);
    expect(rt.hardSigmoidKeras2(1)).toBeCloseTo(0.7, 15);
    expect(rt.hardSigmoid(2.7)).toBeCloseTo(0.95, 15);
    expect(rt.hardSigmoidKeras2(2.7)).toBe(1);
    expect(rt.hardSigmoid(-3)).toBe(0);
    expect(rt.hardSigmoidKeras2(-2.5)).toBe(0);
  });

  it("sigmoid and softplus are stable for large magnitudes", () => {
    expect(rt.sigmoid(-800)).toBe(0);
    expect(rt.sigmoid(800)).toBe(1);
    expect(rt.softplus(800)).toBe(800);
    expect(rt.softplus(-800)).toBe(0);
    expect(rt.sigmoid(0.3)).toBeCloseTo(1 / (1 + Math.exp(-0.3)), 15);
  });

  it.each([
    ["relu", rt.relu(-2), 0],
    ["relu6", rt.relu6(7), 6],
    ["leakyRelu", rt.leakyRelu(-2, 0.2), -0.4],
    ["elu", rt.elu(-1, 1), Math.exp(-1) - 1],
    ["selu", rt.selu(1), 1.0507009873554805],
    ["gelu", rt.gelu(1), 0.8413447460685429],
    ["geluTanh", rt.geluTanh(1), 0.8411919906082768],
    ["swish", rt.swish(1), 1 / (1 + Math.exp(-1))],
    ["mish", rt.mish(1), 0.8650983882673103],
    ["hardSwish", rt.hardSwish(1), 2 / 3],
    ["softsign", rt.softsign(-3), -0.75],
    ["reluLayer", rt.reluLayer(10, 0.1, 6, 0), 6],
    ["reluLayer below threshold", rt.reluLayer(0.5, 0.1, Infinity, 1), -0.05],
  ])("%s", (_name, got, want) => {
    expect(got).toBeCloseTo(want, 12);
  });

  it("propagates NaN through elementwise activations as Keras does", () => {
    for (const f of [rt.sigmoid, rt.tanh, rt.softplus, rt.gelu, rt.swish, rt.selu]) expect(f(NaN)).toBeNaN();
  });
});

describe("softmax and logSoftmax", () => {
  it("normalise each row, stably for large logits", () => {
    const buf = new Float64Array([1000, 1001, 1002, 0, 0, 0]);
    rt.softmax(buf, 0, 2, 3);
    const e = [Math.exp(-2), Math.exp(-1), 1];
    const s = e[0]! + e[1]! + e[2]!;
    expect(Array.from(buf.subarray(0, 3))).toEqual(e.map((v) => v / s));
    expect(Array.from(buf.subarray(3))).toEqual([1 / 3, 1 / 3, 1 / 3]);
    const log = new Float64Array([1, 2, 3]);
    rt.logSoftmax(log, 0, 1, 3);
    expect(log[2]!).toBeCloseTo(Math.log(1 / s), 14);
  });
});

describe("dense", () => {
  it("compute rows · kernel + bias with Keras' (in, out) row-major kernel", () => {
    const x = new Float64Array([9, 1, 2, 3, -1]); // rows start at offset 1: [1,2] and [3,-1]
    const w = new Float32Array([1, 2, 3, 4, 5, 6]); // (2, 3)
    const b = new Float32Array([0.5, 0, -1]);
    const out = new Float64Array(7);
    rt.dense(x, 1, 2, 2, w, b, out, 1, 3);
    expect(Array.from(out)).toEqual([0, 1 * 1 + 2 * 4 + 0.5, 1 * 2 + 2 * 5, 1 * 3 + 2 * 6 - 1, 3 - 4 + 0.5, 6 - 5, 9 - 6 - 1]);
    rt.dense(x, 1, 1, 2, w, null, out, 0, 3);
    expect(Array.from(out.subarray(0, 3))).toEqual([9, 12, 15]);
  });

  it("propagate NaN even where the input is zero-skipped", () => {
    const out = new Float64Array(1);
    rt.dense(new Float64Array([0, NaN]), 0, 1, 2, new Float32Array([1, 1]), null, out, 0, 1);
    expect(out[0]).toBeNaN();
  });
});

describe("denseT, addMatVecT and dot (kernels stored transposed)", () => {
  /** Keras layout (n, m) → transposed (m, n). */
  const transpose = (w: number[], n: number, m: number) => Float32Array.from({ length: n * m }, (_, k) => w[(k % n) * m + Math.floor(k / n)]!);

  it("equal dense() on the same kernel for odd sizes, offsets and several rows", () => {
    const n = 7;
    const m = 5;
    const w = Array.from({ length: n * m }, (_, k) => Math.sin(k) * 2);
    const bias = Float32Array.from({ length: m }, (_, j) => j - 2);
    const x = Float64Array.from({ length: 3 + 2 * n }, (_, k) => Math.cos(k * 1.7));
    const want = new Float64Array(1 + 2 * m);
    rt.dense(x, 3, 2, n, Float32Array.from(w), bias, want, 1, m);
    const got = new Float64Array(1 + 2 * m);
    rt.denseT(x, 3, 2, n, transpose(w, n, m), bias, got, 1, m);
    got.forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 12));
  });

  it("addMatVecT accumulates a block of output rows starting at a weight offset", () => {
    const wt = new Float32Array([1, 2, 3, 4, 5, 6]); // (3, 2): rows [1,2], [3,4], [5,6]
    const out = new Float64Array([10, 20]);
    rt.addMatVecT(new Float64Array([1, -1]), 0, 2, wt, 2, out, 0, 2); // rows 1 and 2
    expect(Array.from(out)).toEqual([10 - 1, 20 - 1]);
    expect(rt.dot(new Float64Array([0, 1, 2, 3, 4]), 0, new Float32Array([1, 1, 1, 1, 1]), 0, 5)).toBe(10);
  });
});

describe("input checks", () => {
  it("readInput copies and names the input on a wrong length", () => {
    const dst = new Float64Array(3);
    const x = { name: "x", shape: [3] };
    const tokens = { name: "tokens", shape: [3] };
    rt.readInput([1, 2, 3], x, 3, dst);
    expect(Array.from(dst)).toEqual([1, 2, 3]);
    rt.readInput(new Int8Array([4, -5, 6]), x, 3, dst);
    expect(Array.from(dst)).toEqual([4, -5, 6]);
    expect(() => rt.readInput([1, 2], tokens, 3, dst)).toThrow(new RangeError('input "tokens": expected 3 numbers, got 2'));
    expect(() => rt.readInput(new Float32Array(2), tokens, 3, dst)).toThrow(new RangeError('input "tokens": expected 3 numbers, got 2'));
    expect(() => rt.readInput(undefined, tokens, 3, dst)).toThrow(new TypeError('input "tokens": expected an array of 3 numbers, got undefined'));
  });

  it("sequenceLength accepts whole numbers of steps only", () => {
    const seq = { name: "seq", shape: [null, 4] };
    expect(rt.sequenceLength(new Float32Array(12), seq, 4)).toBe(3);
    expect(() => rt.sequenceLength([[1, 2, 3, 4]] as unknown as number[], seq, 4)).toThrow(new RangeError('input "seq": got a nested array; flatten it row-major into a positive multiple of 4 numbers (one sample of shape [timesteps, 4])'));
    expect(() => rt.sequenceLength(new Float32Array(10), seq, 4)).toThrow(/seq.*multiple of 4.*got 10/);
  });

  it("checkArgCount names the expected inputs", () => {
    expect(() => rt.checkArgCount(1, [{ name: "a" }, { name: "b" }])).toThrow(new RangeError("predict expects 2 input(s) (a, b), got 1"));
  });
});
