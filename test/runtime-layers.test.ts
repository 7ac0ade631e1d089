/** Runtime kernels of the convolution, pooling, normalization, merge and layout layers, called directly. */
import { describe, expect, it } from "vitest";
import * as rt from "../runtime/keras2ts-runtime.js";

const f64 = (xs: number[]) => Float64Array.from(xs);
const f32 = (xs: number[]) => Float32Array.from(xs);
const close = (got: ArrayLike<number>, want: number[], eps = 1e-12) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i]! - w), `index ${i}: got ${got[i]} want ${w}`).toBeLessThanOrEqual(eps));
};

describe("convolution", () => {
  it("conv1d: causal dilated taps read zeros before the start, at an input offset", () => {
    // x = [junk, 1, 2, 3, 4] (one channel, offset 1); kernel taps [a, b] = [10, 1], dilation 2, causal: pad 2.
    const x = f64([99, 1, 2, 3, 4]);
    const out = new Float64Array(4);
    rt.conv1d(x, 1, 4, 1, f32([10, 1]), f32([0.5]), out, 4, 1, 2, 1, 2, 2, 1);
    // y[t] = 10·x[t−2] + x[t] + 0.5
    close(out, [1.5, 2.5, 13.5, 24.5]);
  });

  it("conv1d: groups split channels into blocks and stride skips positions", () => {
    // 2 channels, 2 groups, 1 filter per group, kernel 1: y[t] = (w0·x[t,0], w1·x[t,1]).
    const x = f64([1, 2, 3, 4, 5, 6]);
    const out = new Float64Array(4);
    rt.conv1d(x, 0, 3, 2, f32([2, 3]), null, out, 2, 2, 1, 2, 1, 0, 2);
    close(out, [2, 6, 10, 18]);
  });

  it("conv2d: same padding (1 before) of a 3×3 box filter sums each neighbourhood", () => {
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = new Float64Array(9);
    rt.conv2d(x, 0, 3, 3, 1, f32(Array(9).fill(1)), null, out, 3, 3, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1);
    close(out, [12, 21, 16, 27, 45, 33, 24, 39, 28]);
  });

  it("depthwise: output channel c·m + j uses kernel[…, c, j]", () => {
    // 2 channels, multiplier 2, kernel 1: out = (x0·k00, x0·k01, x1·k10, x1·k11) + bias.
    const out = new Float64Array(4);
    rt.depthwiseConv1d(f64([3, 5]), 0, 1, 2, f32([1, 2, 3, 4]), 2, f32([0, 0, 0, 1]), out, 1, 1, 1, 1, 0);
    close(out, [3, 6, 15, 21]);
  });
});

describe("pooling", () => {
  it("max pooling ignores padding, even when every real value is negative", () => {
    const out = new Float64Array(2);
    rt.maxPool1d(f64([-3, -1, -2]), 0, 3, 1, out, 2, 2, 2, 0);
    close(out, [-1, -2]);
  });

  it("average pooling with same padding divides by the count of real elements", () => {
    // 3 steps, pool 2, stride 2, same: windows [0,1] and [2, pad].
    const out = new Float64Array(2);
    rt.avgPool1d(f64([1, 3, 5]), 0, 3, 1, out, 2, 2, 2, 0);
    close(out, [2, 5]);
    const out2 = new Float64Array(4);
    // 2×2 input, pool 3×3 stride 1 same (1 before): every window holds all 4 or fewer real values.
    rt.avgPool2d(f64([1, 2, 3, 4]), 0, 2, 2, 1, out2, 2, 2, 3, 3, 1, 1, 1, 1);
    close(out2, [2.5, 2.5, 2.5, 2.5]);
  });

  it("global pooling reduces over positions per channel", () => {
    const x = f64([1, -1, 3, -5, 2, 0]);
    const out = new Float64Array(2);
    rt.globalMaxPool(x, 3, 2, out);
    close(out, [3, 0]);
    rt.globalAvgPool(x, 3, 2, out);
    close(out, [2, -2]);
  });
});

describe("normalization", () => {
  it("batchNorm over the middle axis of (2, 2, 2), without gamma", () => {
    const x = f64([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = new Float64Array(8);
    rt.batchNorm(x, 2, 2, 2, f32([1, 2]), f32([3, 0]), null, f32([10, 20]), 1, out);
    // axis index 0: (x − 1)/2 + 10; axis index 1: (x − 2)/1 + 20
    close(out, [10, 10.5, 21, 22, 12, 12.5, 25, 26]);
  });

  it("layerNorm normalises each slice; rms keeps the mean", () => {
    const x = f64([1, 3, 10, 20]);
    const out = new Float64Array(4);
    rt.layerNorm(x, 2, 2, 1, f32([1, 2]), f32([0, 1]), 0, false, out);
    close(out, [-1, 3, -1, 3]);
    rt.layerNorm(x, 1, 2, 2, null, null, 0, false, out); // along the first axis of (2, 2)
    close(out, [-1, -1, 1, 1]);
    rt.layerNorm(x, 2, 2, 1, f32([1, 1]), null, 0, true, out); // x / std
    close(out, [1, 3, 2, 4]);
  });

  it("l2Normalize caps the inverse norm (zero vectors stay zero)", () => {
    const out = new Float64Array(4);
    rt.l2Normalize(f64([3, 4, 0, 0]), 2, 2, 1, 1e12, out);
    close(out, [0.6, 0.8, 0, 0]);
    rt.l2Normalize(f64([3e-9, 4e-9, 1, 1]), 2, 2, 1, 1e7, out);
    close(out, [3e-2, 4e-2, Math.SQRT1_2, Math.SQRT1_2], 1e-15);
  });

  it("softmaxAxis over a non-last axis, stable for large values", () => {
    const buf = f64([1000, 0, 1000, 0]);
    rt.softmaxAxis(buf, 1, 2, 2);
    close(buf, [0.5, 0.5, 0.5, 0.5]);
  });
});

describe("rectifiers", () => {
  it("prelu indexes alpha along n", () => {
    const out = new Float64Array(4);
    rt.prelu(f64([-1, -1, 2, -2]), 2, 2, 1, f32([0.5, 0.25]), out);
    close(out, [-0.5, -0.25, 2, -0.5]);
  });

  it("reluLayer follows Keras' computation, including its corner cases", () => {
    const inf = Infinity;
    const cases: [number, number, number, number, number][] = [
      // x, slope, max, threshold → Keras
      [-2, 0, inf, 0, 0],
      [3, 0, 2, 0, 2],
      [-2, 0.1, inf, 0, -0.2],
      [0.5, 0.1, inf, 1, -0.05],
      [1, 0.1, inf, 1, 0], // x equal to the threshold gives 0, not the threshold
      [-0.5, 0, inf, -1, -0.5], // a negative threshold lets small negatives through…
      [-0.5, 0, 6, -1, 0], // …unless max_value clips them to [0, max]
      [7, 0.2, 6, 0, 6],
    ];
    for (const [x, s, m, t, want] of cases) expect(rt.reluLayer(x, s, m, t), `${x} ${s} ${m} ${t}`).toBeCloseTo(want, 15);
  });
});

describe("merges and layout", () => {
  it("batchDot contracts one axis, x's free axes first", () => {
    // x (2, 3) contracted on its last axis with y (3, 2) on its first: a matrix product.
    const out = new Float64Array(4);
    rt.batchDot(f64([1, 2, 3, 4, 5, 6]), 2, 3, 1, f64([1, 0, 0, 1, 1, 1]), 1, 2, out);
    close(out, [4, 5, 10, 11]);
  });

  it("copyStrided transposes and repeats", () => {
    const x = f64([1, 2, 3, 4, 5, 6]); // (2, 3)
    const out = new Float64Array(6);
    rt.copyStrided(x, 0, 1, 1, 3, 2, 0, 0, 1, 3, out, 0);
    close(out, [1, 4, 2, 5, 3, 6]);
    const rep = new Float64Array(6);
    rt.copyStrided(x, 1, 1, 1, 3, 2, 0, 0, 0, 1, rep, 0); // (2,) at offset 1, repeated 3 times
    close(rep, [2, 3, 2, 3, 2, 3]);
    const dst = new Float64Array(5);
    rt.copy(x, 2, dst, 1, 3);
    close(dst, [0, 3, 4, 5, 0]);
  });
});

describe("attention", () => {
  it("attentionScores: two heads of (t, heads, d) rows, scaled", () => {
    // q: t=1, heads=2, d=2 → head 0 [1, 2], head 1 [3, 4]; keys s=2: [[1, 0 | 0, 1], [0, 1 | 1, 0]].
    const out = new Float64Array(4);
    rt.attentionScores(f64([1, 2, 3, 4]), f64([1, 0, 0, 1, 0, 1, 1, 0]), 1, 2, 2, 2, 0.5, out);
    close(out, [0.5 * 1, 0.5 * 2, 0.5 * 4, 0.5 * 3]);
  });

  it("additiveScores: weight · Σ w_k tanh(inner · (q + k))", () => {
    const out = new Float64Array(1);
    rt.additiveScores(f64([0.1, 0.2]), f64([0.3, -0.4]), 1, 1, 2, f32([2, 3]), 1.5, 0.5, out);
    close(out, [0.5 * (2 * Math.tanh(1.5 * 0.4) + 3 * Math.tanh(1.5 * -0.2))], 1e-7);
  });

  it("attentionMask ANDs query, value, key, given and causal masks", () => {
    const out = new Float64Array(6);
    rt.attentionMask(f64([1, 1]), f64([1, 1, 0]), f64([0, 1, 1]), f64([1, 1, 1, 0, 1, 1]), true, 2, 3, out);
    // query 0 may attend key 0 only (causal), but key 0's key-mask is 0; query 1: keys 0, 1 (causal), key 1 ok, key 0 given 0.
    close(out, [0, 0, 0, 0, 1, 0]);
  });

  it("maskedSoftmax: the fused path gives masked keys 0 and fully masked rows equal weights", () => {
    const s = f64([1, 2, 3, 4, 5, 6]);
    rt.maskedSoftmax(s, 1, 2, 3, f64([1, 0, 1, 0, 0, 0]), false);
    const e = [Math.exp(1 - 3), Math.exp(0)];
    close(s, [e[0]! / (e[0]! + e[1]!), 0, e[1]! / (e[0]! + e[1]!), 1 / 3, 1 / 3, 1 / 3], 1e-15);
  });

  it("maskedSoftmax: the explicit path adds -1e9 in float32, so a fully masked row keeps its order when scores are large", () => {
    const s = f64([0.5, 100, -100, 0.5, 0.25, 0.75]);
    rt.maskedSoftmax(s, 1, 2, 3, f64([0, 0, 0, 1, 0, 1]), true);
    // float32(100 − 1e9) = −999999872 and float32(±0.5 − 1e9) = −1e9: the 100 key takes all the weight.
    close(s.subarray(0, 3), [0, 1, 0]);
    const e = [Math.exp(0.5 - 0.75), 0, 1];
    close(s.subarray(3), e.map((v) => v / (e[0]! + 1)), 1e-15);
  });

  it("attentionCombine sums values per head; zeroMaskedRows clears masked queries", () => {
    const out = new Float64Array(4);
    // t=1, s=2, heads=2, dv=2; p: head 0 [0.25, 0.75], head 1 [1, 0]; v rows (s, heads, dv).
    rt.attentionCombine(f64([0.25, 0.75, 1, 0]), f64([1, 2, 3, 4, 5, 6, 7, 8]), 1, 2, 2, 2, out);
    close(out, [0.25 * 1 + 0.75 * 5, 0.25 * 2 + 0.75 * 6, 3, 4]);
    const x = f64([1, 2, 3, 4]);
    rt.zeroMaskedRows(x, 2, 2, f64([0, 1]));
    close(x, [0, 0, 3, 4]);
  });
});
