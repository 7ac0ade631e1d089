/**
 * Conv1DTranspose and Conv2DTranspose against a float64 reference written from Keras 3's
 * definition (JAX's conv_transpose): dilate the input by the stride, pad each axis by Keras'
 * (left, right) rule, correlate with the spatially flipped kernel. The generator computes the
 * same thing as a scatter, so the two formulations check each other.
 */
import { describe, expect, it } from "vitest";
import { typecheck } from "./helpers/typecheck.js";
import { generated, generatedPaths, maxDiff, random, randomArray, sequential } from "./helpers/layer-models.js";

/** Keras' (left, right) padding of the dilated input (keras/src/backend/common/backend_utils.py). */
function pads(k: number, s: number, d: number, padding: string, outputPadding: number | null): [number, number] {
  const kEff = (k - 1) * d + 1;
  if (padding === "valid") return [kEff - 1, kEff - 1 + (outputPadding ?? Math.max(kEff, s) - kEff)];
  const total = outputPadding === null ? s + kEff - 2 : kEff + (kEff % 2) - 2 + outputPadding;
  const left = Math.min(Math.ceil(total / 2), kEff - 1);
  return [left, total - left];
}

interface Case {
  readonly spatial: number[];
  readonly cin: number;
  readonly filters: number;
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilation: number[];
  readonly padding: "valid" | "same";
  readonly outputPadding: (number | null)[];
}

/** channels_last reference over any number of spatial axes; kernel (…k, filters, cin). */
function reference(c: Case, x: number[], kernel: number[], bias: number[] | null): { shape: number[]; data: number[] } {
  const r = c.spatial.length;
  const geo = c.spatial.map((n, a) => {
    const [left, right] = pads(c.kernel[a]!, c.strides[a]!, c.dilation[a]!, c.padding, c.outputPadding[a]!);
    const kEff = (c.kernel[a]! - 1) * c.dilation[a]! + 1;
    const padded = (n - 1) * c.strides[a]! + 1 + left + right;
    return { left, out: padded - kEff + 1 };
  });
  const outShape = geo.map((g) => g.out);
  const size = (s: number[]) => s.reduce((p, v) => p * v, 1);
  const data = new Array<number>(size(outShape) * c.filters).fill(0);
  const unflat = (flat: number, shape: number[]) => shape.map((_, a) => Math.floor(flat / size(shape.slice(a + 1))) % shape[a]!);
  for (let o = 0; o < size(outShape); o++) {
    const pos = unflat(o, outShape);
    for (let t = 0; t < size(c.kernel); t++) {
      const tap = unflat(t, c.kernel);
      // Padded-and-dilated coordinate of this tap, then back to an input index when it hits one.
      const idx: number[] = [];
      let hit = true;
      for (let a = 0; a < r; a++) {
        const p = pos[a]! + tap[a]! * c.dilation[a]! - geo[a]!.left;
        if (p < 0 || p % c.strides[a]! !== 0 || p / c.strides[a]! >= c.spatial[a]!) hit = false;
        idx.push(p / c.strides[a]!);
      }
      if (!hit) continue;
      const flipped = tap.map((v, a) => c.kernel[a]! - 1 - v);
      const xo = idx.reduce((acc, v, a) => acc * c.spatial[a]! + v, 0) * c.cin;
      const ko = flipped.reduce((acc, v, a) => acc * c.kernel[a]! + v, 0) * c.filters * c.cin;
      for (let f = 0; f < c.filters; f++) for (let e = 0; e < c.cin; e++) data[o * c.filters + f]! += x[xo + e]! * kernel[ko + f * c.cin + e]!;
    }
    if (bias) for (let f = 0; f < c.filters; f++) data[o * c.filters + f]! += bias[f]!;
  }
  return { shape: outShape, data };
}

/** Random cases (seeded) over rank, strides, dilation, padding and output_padding. */
function randomCase(seed: number): Case {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor((rnd() + 0.5) * xs.length)]!;
  const r = pick([1, 2]);
  const strides = Array.from({ length: r }, () => pick([1, 2, 3]));
  const dilation = strides.map((s) => (s === 1 ? pick([1, 2]) : 1));
  const kernel = Array.from({ length: r }, () => pick([1, 2, 3]));
  const padding = pick(["valid", "same"] as const);
  const outputPadding = strides.map((s) => (rnd() > 0 ? null : Math.floor((rnd() + 0.5) * s)));
  return { spatial: Array.from({ length: r }, () => pick([2, 3, 4])), cin: pick([1, 2, 3]), filters: pick([1, 2, 3]), kernel, strides, dilation, padding, outputPadding };
}

describe("Conv1DTranspose / Conv2DTranspose", () => {
  it.each(Array.from({ length: 24 }, (_, s) => s))("random case %i (channels_last, then channels_first)", async (seed) => {
    const c = randomCase(40 + seed);
    const r = c.spatial.length;
    const useBias = seed % 3 !== 0;
    const cls = r === 1 ? "Conv1DTranspose" : "Conv2DTranspose";
    const config = (dataFormat: string) => ({
      name: "ct", filters: c.filters, kernel_size: c.kernel, strides: c.strides, dilation_rate: c.dilation, padding: c.padding,
      output_padding: c.outputPadding.every((p) => p === null) ? null : c.outputPadding.map((p) => p ?? 0), use_bias: useBias, data_format: dataFormat,
    });
    const caseNow: Case = { ...c, outputPadding: c.outputPadding.every((p) => p === null) ? c.outputPadding : c.outputPadding.map((p) => p ?? 0) };
    const last = await generated(`layers/conv-transpose/${seed}-last`, sequential([...c.spatial, c.cin], [[cls, config("channels_last")]]), seed);
    const [kernel, bias] = last.weights["ct"]!.map((w) => w.data.map(Math.fround));
    const x = randomArray(c.spatial.reduce((p, v) => p * v, 1) * c.cin, random(seed + 99), 2);
    const want = reference(caseNow, x, kernel!, useBias ? bias! : null);
    expect(maxDiff(last.run(x)[0]!, want.data), JSON.stringify(caseNow)).toBeLessThan(1e-5);
    // channels_first: the same numbers with channels moved first on both sides.
    const first = await generated(`layers/conv-transpose/${seed}-first`, sequential([c.cin, ...c.spatial], [[cls, config("channels_first")]]), seed, "3.15.1", last.weights);
    const positions = c.spatial.reduce((p, v) => p * v, 1);
    const xFirst = Array.from({ length: x.length }, (_, i) => x[(i % positions) * c.cin + Math.floor(i / positions)]!);
    const outPositions = want.shape.reduce((p, v) => p * v, 1);
    const wantFirst = Array.from({ length: want.data.length }, (_, i) => want.data[(i % outPositions) * c.filters + Math.floor(i / outPositions)]!);
    expect(maxDiff(first.run(xFirst)[0]!, wantFirst)).toBeLessThan(1e-5);
  });

  it("with an activation, applied after the bias", async () => {
    const config = { name: "ct", filters: 2, kernel_size: 3, strides: 2, padding: "same", activation: "relu" };
    const { run, weights } = await generated("layers/conv-transpose/relu", sequential([3, 2], [["Conv1DTranspose", config]]), 5);
    const [kernel, bias] = weights["ct"]!.map((w) => w.data.map(Math.fround));
    const x = randomArray(6, random(1), 2);
    const c: Case = { spatial: [3], cin: 2, filters: 2, kernel: [3], strides: [2], dilation: [1], padding: "same", outputPadding: [null] };
    expect(maxDiff(run(x)[0]!, reference(c, x, kernel!, bias!).data.map((v) => Math.max(v, 0)))).toBeLessThan(1e-5);
  });

  it("refuses a variable length", async () => {
    await expect(generated("layers/conv-transpose/variable", sequential([null, 2], [["Conv1DTranspose", { name: "ct", filters: 1, kernel_size: 2 }]]), 1)).rejects.toThrow("--timesteps");
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", { timeout: 120_000 }, () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});
