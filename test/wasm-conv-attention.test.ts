/**
 * The convolution and attention wasm kernels (scripts/kernels/conv-kernels.ts, attention-kernels.ts):
 * `conv2d`/`conv1d`, `depthwiseConv2d`, `convTranspose2d`, `attentionScores` and `attentionCombine` return exactly the JS path's bits on
 * odd channel counts, kernel sizes 1…7, strides, dilations, valid/same/causal padding, groups, tiny
 * and large sizes, with zeros, signed zeros, NaN and infinities among the values.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import * as rt from "../runtime/keras2ts-runtime.js";
import { geometry, type Padding } from "./helpers/conv-reference.js";

/** Seeded values; with `special`, zeros, −0, NaN and ±Infinity sprinkled in. */
function values(n: number, seed: number, special: boolean): number[] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  return Array.from({ length: n }, () => {
    const u = next();
    if (special && u < 0.04) return [0, -0, NaN, Infinity, -Infinity][Math.floor(next() * 5)]!;
    return u < 0.2 ? 0 : next() * 4 - 2;
  });
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])));
}

/** The output of `product` under each kernel choice ([js, wasm]), from an output prefilled with 0.5. */
function bothPaths(size: number, product: (out: Float64Array) => void): [Float64Array, Float64Array] {
  const [js, wasm] = (["js", "wasm"] as const).map((choice) => {
    rt.setKernels(choice);
    const out = new Float64Array(size).fill(0.5);
    product(out);
    return out;
  });
  return [js!, wasm!];
}

interface ConvCase {
  readonly h: number;
  readonly w: number;
  readonly cin: number;
  readonly cout: number;
  readonly kh: number;
  readonly kw: number;
  readonly stride: [number, number];
  readonly dilation: [number, number];
  readonly padding: Padding;
  readonly groups: number;
}

/** 1-D cases (h = kh = 1) over kernel sizes 1…7 and every padding, then 2-D ones, then groups. */
function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  const paddings: Padding[] = ["valid", "same", "causal"];
  for (let k = 1; k <= 7; k++) {
    for (const padding of paddings) {
      const stride = 1 + (k % 3);
      const dilation = k % 2 === 0 ? 2 : 1;
      cases.push({ h: 1, w: 9 + 2 * k, cin: 1 + (k % 4) * 2, cout: 2 * k + 1, kh: 1, kw: k, stride: [1, stride], dilation: [1, dilation], padding, groups: 1 });
    }
  }
  cases.push({ h: 1, w: 64, cin: 6, cout: 32, kh: 1, kw: 5, stride: [1, 1], dilation: [1, 1], padding: "valid", groups: 1 }); // the bench front end
  cases.push({ h: 1, w: 1, cin: 1, cout: 1, kh: 1, kw: 1, stride: [1, 1], dilation: [1, 1], padding: "valid", groups: 1 });
  cases.push({ h: 7, w: 6, cin: 3, cout: 5, kh: 3, kw: 3, stride: [1, 1], dilation: [1, 1], padding: "same", groups: 1 });
  cases.push({ h: 9, w: 8, cin: 5, cout: 11, kh: 3, kw: 2, stride: [2, 3], dilation: [1, 1], padding: "same", groups: 1 });
  cases.push({ h: 10, w: 11, cin: 4, cout: 9, kh: 2, kw: 3, stride: [1, 1], dilation: [2, 3], padding: "valid", groups: 1 });
  cases.push({ h: 8, w: 8, cin: 6, cout: 12, kh: 3, kw: 3, stride: [1, 1], dilation: [1, 1], padding: "same", groups: 3 });
  cases.push({ h: 5, w: 7, cin: 4, cout: 6, kh: 1, kw: 3, stride: [1, 2], dilation: [1, 1], padding: "same", groups: 2 });
  cases.push({ h: 16, w: 16, cin: 33, cout: 67, kh: 3, kw: 3, stride: [1, 1], dilation: [1, 1], padding: "same", groups: 1 }); // large
  return cases;
}

function runConv(c: ConvCase, special: boolean, withBias: boolean, seed: number): [Float64Array, Float64Array] {
  const gh = geometry(c.h, c.kh, c.stride[0], c.dilation[0], c.padding === "causal" && c.h === 1 ? "valid" : c.padding);
  const gw = geometry(c.w, c.kw, c.stride[1], c.dilation[1], c.padding);
  const x = new Float64Array([0.25, 0.75, ...values(c.h * c.w * c.cin, seed, special)]); // offset xo = 2
  const kernel = new Float32Array(values(c.kh * c.kw * (c.cin / c.groups) * c.cout, seed + 1, special));
  const bias = withBias ? new Float32Array(values(c.cout, seed + 2, special)) : null;
  return bothPaths(gh.out * gw.out * c.cout + 3, (out) =>
    rt.conv2d(x, 2, c.h, c.w, c.cin, kernel, bias, out, gh.out, gw.out, c.cout, c.kh, c.kw, c.stride[0], c.stride[1],
      c.dilation[0], c.dilation[1], gh.before, gw.before, c.groups));
}

describe("wasm convolution and attention kernels", () => {
  afterEach(() => {
    rt.setKernels("auto");
    vi.unstubAllEnvs();
  });

  it("under auto, a convolution or attention below 1,024 multiply-adds stays in JS and a larger one goes to wasm", async () => {
    vi.stubEnv("KERAS2TS_KERNELS", "");
    vi.resetModules();
    const fresh = (await import("../runtime/keras2ts-runtime.js")) as typeof rt;
    const conv = (steps: number) => fresh.conv1d(new Float64Array(steps * 4).fill(1), 0, steps, 4, new Float32Array(3 * 4 * 8).fill(0.5), null, new Float64Array(steps * 8), steps - 2, 8, 3, 1, 1, 0, 1);
    conv(10); // 8 · 3 · 4 · 8 = 768 multiply-adds
    fresh.attentionScores(new Float64Array(32), new Float64Array(32), 4, 4, 2, 4, 0.5, new Float64Array(32)); // 128
    expect(fresh.wasmMemoryBytes()).toBe(0);
    conv(12); // 10 · 96 = 960
    expect(fresh.wasmMemoryBytes()).toBe(0);
    conv(13); // 11 · 96 = 1,056
    expect(fresh.wasmMemoryBytes()).toBeGreaterThan(0);
  });

  it("conv2d and conv1d give the JS bits on every geometry", () => {
    const failures: string[] = [];
    convCases().forEach((c, n) => {
      for (const special of [false, true]) {
        for (const withBias of [true, false]) {
          const [js, wasm] = runConv(c, special, withBias, 100 + n);
          if (!sameBits(js, wasm)) failures.push(`${JSON.stringify(c)} special=${special} bias=${withBias}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("depthwiseConv2d (multiplier 1 in wasm, 2 in JS either way) gives the JS bits on every geometry", () => {
    const failures: string[] = [];
    convCases().forEach((c, n) => {
      for (const m of [1, 2]) {
        for (const special of [false, true]) {
          const gh = geometry(c.h, c.kh, c.stride[0], c.dilation[0], c.h === 1 ? "valid" : c.padding);
          const gw = geometry(c.w, c.kw, c.stride[1], c.dilation[1], c.padding);
          const x = new Float64Array([0.25, ...values(c.h * c.w * c.cin, 300 + n, special)]); // offset xo = 1
          const kernel = new Float32Array(values(c.kh * c.kw * c.cin * m, 301 + n, special));
          const bias = n % 2 === 0 ? new Float32Array(values(c.cin * m, 302 + n, special)) : null;
          const [js, wasm] = bothPaths(gh.out * gw.out * c.cin * m + 1, (out) =>
            rt.depthwiseConv2d(x, 1, c.h, c.w, c.cin, kernel, m, bias, out, gh.out, gw.out, c.kh, c.kw, c.stride[0], c.stride[1],
              c.dilation[0], c.dilation[1], gh.before, gw.before));
          if (!sameBits(js, wasm)) failures.push(`${JSON.stringify(c)} m=${m} special=${special}`);
        }
      }
    });
    expect(failures).toEqual([]);
  });

  it("convTranspose2d gives the JS bits with strides, dilations, cropping and odd channel counts", () => {
    const failures: string[] = [];
    // h, w, cin, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW
    const cases: number[][] = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], [1, 9, 3, 5, 1, 3, 1, 2, 1, 1, 0, 1], [1, 12, 7, 9, 1, 4, 1, 3, 1, 1, 0, 0],
      [4, 5, 3, 2, 3, 3, 2, 2, 1, 1, 1, 1], [5, 4, 6, 11, 2, 3, 1, 1, 2, 2, 0, 1], [6, 6, 17, 13, 5, 5, 2, 2, 1, 1, 2, 2],
      [8, 8, 32, 16, 3, 3, 2, 2, 1, 1, 1, 1], [3, 7, 2, 8, 7, 1, 3, 1, 1, 1, 3, 0],
    ];
    cases.forEach(([h, w, cin, f, kh, kw, sh, sw, dh, dw, shiftH, shiftW], n) => {
      const oh = (h! - 1) * sh! + (kh! - 1) * dh! + 1 - shiftH!;
      const ow = (w! - 1) * sw! + (kw! - 1) * dw! + 1 - 2 * shiftW!; // cropped on both sides
      for (const special of [false, true]) {
        const x = new Float64Array(values(h! * w! * cin!, 500 + n, special));
        const kernel = new Float32Array(values(kh! * kw! * f! * cin!, 501 + n, special));
        const bias = n % 2 === 0 ? new Float32Array(values(f!, 502 + n, special)) : null;
        const [js, wasm] = bothPaths(oh * ow * f! + 1, (out) => rt.convTranspose2d(x, h!, w!, cin!, kernel, bias, out, oh, ow, f!, kh!, kw!, sh!, sw!, dh!, dw!, shiftH!, shiftW!));
        if (!sameBits(js, wasm)) failures.push(`case ${n} special=${special}`);
      }
    });
    expect(failures).toEqual([]);
  });

  it("conv1d (the 1-D entry point) with causal padding gives the JS bits", () => {
    const x = new Float64Array(values(40 * 7, 9, false));
    const kernel = new Float32Array(values(4 * 7 * 13, 10, false));
    const bias = new Float32Array(values(13, 11, false));
    const g = geometry(40, 4, 1, 2, "causal");
    const [js, wasm] = bothPaths(g.out * 13, (out) => rt.conv1d(x, 0, 40, 7, kernel, bias, out, g.out, 13, 4, 1, 2, g.before, 1));
    expect(sameBits(js, wasm)).toBe(true);
  });

  const shapes: [number, number, number, number, number][] = [
    // t, s, heads, d, dv
    [1, 1, 1, 1, 1], [3, 5, 2, 7, 3], [8, 8, 4, 16, 16], [9, 13, 3, 5, 9], [1, 40, 1, 33, 2], [64, 64, 8, 32, 32], [5, 2, 1, 1, 17],
  ];
  for (const special of [false, true]) {
    it.each(shapes)(`attentionScores and attentionCombine: t %i, s %i, heads %i, d %i, dv %i give the JS bits${special ? " (NaN, ±Infinity, ±0)" : ""}`, (t, s, heads, d, dv) => {
      const seed = t * 1000 + s * 100 + heads * 10 + d;
      const q = new Float64Array(values(t * heads * d, seed, special));
      const key = new Float64Array(values(s * heads * d, seed + 1, special));
      const [jsS, wasmS] = bothPaths(heads * t * s + 2, (out) => rt.attentionScores(q, key, t, s, heads, d, 1 / Math.sqrt(d), out));
      expect(sameBits(jsS, wasmS)).toBe(true);
      const p = new Float64Array(values(heads * t * s, seed + 2, special));
      const v = new Float64Array(values(s * heads * dv, seed + 3, special));
      const [jsC, wasmC] = bothPaths(t * heads * dv + 2, (out) => rt.attentionCombine(p, v, t, s, heads, dv, out));
      expect(sameBits(jsC, wasmC)).toBe(true);
    });
  }
});
