/**
 * The WebAssembly SIMD kernels: the bytes in the runtime are what scripts/kernels writes, and the
 * wasm path of `dense`, `denseT` and `addMatVecT` returns exactly the JS path's bits (same float64
 * operations in the same order) on awkward sizes, offsets and values; without WebAssembly the
 * runtime falls back to JS, and KERAS2TS_KERNELS chooses.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as rt from "../runtime/keras2ts-runtime.js";
import { allKernelBytes, runtimeWithKernelBytes } from "../scripts/kernels/write-kernels.js";

type Runtime = typeof rt;

/** Seeded values with zeros, signed zeros, NaN and infinities sprinkled in when `special`. */
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

/** Runs `product` into a fresh output with each kernel choice; returns [js, wasm]. */
function bothPaths(r: Runtime, size: number, product: (out: Float64Array) => void): [Float64Array, Float64Array] {
  const results = (["js", "wasm"] as const).map((choice) => {
    r.setKernels(choice);
    const out = new Float64Array(size).fill(0.5);
    product(out);
    return out;
  });
  r.setKernels("auto");
  return [results[0]!, results[1]!];
}

describe("wasm kernels", () => {
  afterEach(() => {
    rt.setKernels("auto");
    vi.unstubAllGlobals();
    vi.unstubAllEnvs();
  });

  it("the runtime carries the bytes scripts/kernels writes (npm run kernels)", () => {
    const runtime = readFileSync(new URL("../runtime/keras2ts-runtime.ts", import.meta.url), "utf8");
    expect(runtimeWithKernelBytes(runtime, allKernelBytes())).toBe(runtime);
    expect(rt.wasmKernelsAvailable()).toBe(true); // Node 20 has WebAssembly SIMD
  });

  const sizes: [number, number, number][] = [[1, 1, 1], [1, 3, 5], [2, 4, 4], [3, 7, 9], [1, 33, 17], [2, 128, 50], [1, 1951, 13], [1, 5, 2]];
  for (const special of [false, true]) {
    it.each(sizes)(`dense, denseT and addMatVecT: rows %i, n %i, m %i give the JS bits${special ? " (NaN, ±Infinity, ±0 among the values)" : ""}`, (rows, n, m) => {
      const seed = rows * 1000 + n * 10 + m;
      const x = new Float64Array([0.25, ...values(rows * n, seed, special)]); // offset xo = 1
      const w = new Float32Array(values(n * m + 3, seed + 1, special)); // offset wo = 3 for addMatVecT
      const kernel = w.subarray(0, n * m);
      const bias = new Float32Array(values(m, seed + 2, special));
      for (const b of [bias, null]) {
        const [jsD, wasmD] = bothPaths(rt, rows * m + 2, (out) => rt.dense(x, 1, rows, n, kernel, b, out, 2, m));
        expect(sameBits(jsD, wasmD)).toBe(true);
        const [jsT, wasmT] = bothPaths(rt, rows * m + 2, (out) => rt.denseT(x, 1, rows, n, kernel, b, out, 2, m));
        expect(sameBits(jsT, wasmT)).toBe(true);
      }
      const [jsA, wasmA] = bothPaths(rt, m + 1, (out) => rt.addMatVecT(x, 1, n, w, 3, out, 1, m));
      expect(sameBits(jsA, wasmA)).toBe(true);
      if (!special) {
        // And both equal a plain float64 sum (one row, Keras layout) to rounding.
        const want = Array.from({ length: m }, (_, j) => bias[j]! + Array.from({ length: n }, (_, i) => x[1 + i]! * kernel[i * m + j]!).reduce((a, v) => a + v, 0));
        const got = new Float64Array(m);
        rt.setKernels("wasm");
        rt.dense(x, 1, 1, n, kernel, bias, got, 0, m);
        got.forEach((v, j) => expect(Math.abs(v - want[j]!)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(want[j]!)) * n));
      }
    });
  }

  it("weights placed before the memory grows keep working after it grows", () => {
    rt.setKernels("wasm");
    const small = new Float32Array([1, 2, 3, 4]);
    const out = new Float64Array(2);
    rt.denseT(new Float64Array([1, 1]), 0, 1, 2, small, null, out, 0, 2);
    expect([...out]).toEqual([3, 7]);
    const big = new Float32Array(300_000).fill(1); // 1.2 MB: grows the memory past its first page
    const wide = new Float64Array(1);
    rt.denseT(new Float64Array(300_000).fill(1), 0, 1, 300_000, big, null, wide, 0, 1);
    expect(wide[0]).toBe(300_000);
    rt.denseT(new Float64Array([1, 1]), 0, 1, 2, small, null, out, 0, 2);
    expect([...out]).toEqual([3, 7]);
    expect(rt.wasmMemoryBytes()).toBeGreaterThan(1_200_000);
  });

  it("without WebAssembly (Hermes, React Native) products run in JS and choosing wasm throws", async () => {
    vi.stubGlobal("WebAssembly", undefined);
    vi.resetModules();
    const fresh = (await import("../runtime/keras2ts-runtime.js")) as Runtime;
    expect(fresh.wasmKernelsAvailable()).toBe(false);
    expect(() => fresh.setKernels("wasm")).toThrow("WebAssembly SIMD is not available");
    const out = new Float64Array(64);
    fresh.denseT(new Float64Array(64).fill(1), 0, 1, 64, new Float32Array(64 * 64).fill(0.5), null, out, 0, 64);
    expect(out.every((v) => v === 32)).toBe(true);
    expect(fresh.wasmMemoryBytes()).toBe(0);
  });

  it("KERAS2TS_KERNELS=js keeps every product in JS; the default runs large ones in wasm", async () => {
    const big = () => new Float32Array(64 * 64).fill(0.5);
    for (const [env, wasmUsed] of [["js", false], ["", true]] as const) {
      vi.stubEnv("KERAS2TS_KERNELS", env);
      vi.resetModules();
      const fresh = (await import("../runtime/keras2ts-runtime.js")) as Runtime;
      const out = new Float64Array(64);
      fresh.denseT(new Float64Array(64).fill(1), 0, 1, 64, big(), null, out, 0, 64);
      expect(out.every((v) => v === 32)).toBe(true);
      expect(fresh.wasmMemoryBytes() > 0).toBe(wasmUsed);
    }
  });
});

/** The kernel module instantiated on its own, for the activation kernels the runtime does not export. */
function kernelExports(): { f64: () => Float64Array; run: (name: string, xs: readonly number[]) => Float64Array } {
  const exports = new WebAssembly.Instance(new WebAssembly.Module(allKernelBytes() as Uint8Array<ArrayBuffer>), {}).exports;
  const memory = exports["memory"] as WebAssembly.Memory;
  const f64 = () => new Float64Array(memory.buffer);
  return {
    f64,
    run(name, xs) {
      const n = xs.length + (xs.length & 1);
      f64().set(xs, 0);
      (exports[name] as (x: number, pairs: number, out: number) => void)(0, n / 2, n * 8);
      return f64().slice(n, n + xs.length);
    },
  };
}

/** Edge values for exp, sigmoid and tanh: zeros, overflow, underflow into subnormals, NaN, infinities. */
const EDGES = [
  0, -0, 1, -1, 0.5, -0.5, 1e-300, -1e-300, 5e-324, 1e-8, -1e-8, 22, -22, 22.5, -23, 36, -36, 700, -700, 708, -708,
  709.78, 709.79, 710, -710, -720, -744, -745, -745.1, -745.2, -746, -800, 800, 1e308, -1e308, Infinity, -Infinity, NaN,
];

describe("activation kernels: exp, sigmoid and tanh", () => {
  const k = kernelExports();
  const sweep = [...EDGES, ...values(2000, 17, false).map((v, i) => v * 10 ** ((i % 7) - 3)), ...values(400, 23, false).map((v) => v * 380)];

  it.each([["expPairs", rt.expShared], ["sigmoidPairs", rt.sigmoid], ["tanhPairs", rt.tanh]] as const)("%s gives the runtime's JS bits on edge and random values", (name, js) => {
    const got = k.run(name, sweep);
    const want = Float64Array.from(sweep, js);
    const differ = sweep.filter((_, i) => !sameBits(got.subarray(i, i + 1), want.subarray(i, i + 1)));
    expect(differ).toEqual([]);
  });

  it("exp is exact at the edges and within 2.5e-16 of Math.exp elsewhere, subnormal results within an ulp", () => {
    expect([0, -0, Infinity, -Infinity, 710, 800, -746, -800, 1e308, -1e308].map(rt.expShared)).toEqual([1, 1, Infinity, 0, Infinity, Infinity, 0, 0, Infinity, 0]);
    expect(rt.expShared(NaN)).toBeNaN();
    expect(rt.expShared(-745)).toBe(5e-324); // the smallest subnormal
    for (const x of [-708.5, -710, -720, -740, -744]) expect(Math.abs(rt.expShared(x) - Math.exp(x))).toBeLessThanOrEqual(5e-324);
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = -708 + (1417 * i) / 20000;
      worst = Math.max(worst, Math.abs(rt.expShared(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(2.5e-16);
  });

  it("sigmoid and tanh stay within 7e-16 of their definitions through Math, with exact limits", () => {
    let worst = 0;
    for (const x of sweep.filter((v) => Number.isFinite(v) && v !== 0 && Math.abs(v) < 700)) {
      const s = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
      worst = Math.max(worst, Math.abs(rt.sigmoid(x) - s) / s, Math.abs(rt.tanh(x) - Math.tanh(x)) / Math.abs(Math.tanh(x)));
    }
    expect(worst).toBeLessThan(7e-16);
    expect([Infinity, -Infinity, 0, 40, -40].map(rt.tanh)).toEqual([1, -1, 0, 1, -1]);
    expect([Infinity, -Infinity, 0].map(rt.sigmoid)).toEqual([1, 0, 0.5]);
    expect(rt.tanh(NaN)).toBeNaN();
    expect(rt.sigmoid(NaN)).toBeNaN();
    expect(rt.sigmoid(-800)).toBe(0);
  });
});

describe("lstmLayerWasm: a whole LSTM layer in one call", () => {
  afterEach(() => rt.setKernels("auto"));

  /** What the generated step function does, step by step in JS (the kernels' reference). */
  function stepByStep(x: Float64Array, steps: number, n: number, kernel: Float32Array, transposed: boolean, bias: Float32Array | null,
    ut: Float32Array, h: Float64Array, c: Float64Array, u: number, backwards: boolean, seq: Float64Array | null, offset: number, step: number): void {
    const z = new Float64Array(4 * u);
    for (let s = 0; s < steps; s++) {
      const t = backwards ? steps - 1 - s : s;
      (transposed ? rt.denseT : rt.dense)(x, t * n, 1, n, kernel, bias, z, 0, 4 * u);
      rt.addMatVecT(h, 0, u, ut, 0, z, 0, 4 * u);
      rt.lstmGates(z, 0, h, c, u);
      if (seq) for (let j = 0; j < u; j++) seq[offset + s * step + j] = h[j]!;
    }
  }

  const shapes: [number, number, number][] = [[1, 1, 1], [5, 4, 8], [3, 7, 5], [4, 3, 3], [2, 33, 17], [6, 2, 64]];
  it.each(shapes)("steps %i, features %i, units %i: the step-by-step JS bits in every variant", (steps, n, u) => {
    rt.setKernels("js");
    expect(rt.lstmLayerWasm(new Float64Array(steps * n), steps, n, new Float32Array(n * 4 * u), false, null, new Float32Array(u * 4 * u), new Float64Array(u), new Float64Array(u), u, false, null, 0, 0)).toBe(false);
    rt.setKernels("auto");
    const seed = steps * 100 + n * 10 + u;
    const x = new Float64Array(values(steps * n, seed, false).map((v) => v * 3));
    const kernel = new Float32Array(values(n * 4 * u, seed + 1, false).map((v) => v * 0.6));
    const ut = new Float32Array(values(u * 4 * u, seed + 2, false).map((v) => v * 0.6));
    const bias = new Float32Array(values(4 * u, seed + 3, false));
    const failures: string[] = [];
    for (const transposed of [false, true]) for (const b of [bias, null]) for (const backwards of [false, true]) for (const reverse of [false, true]) {
      const h0 = new Float64Array(values(u, seed + 4, false));
      const c0 = new Float64Array(values(u, seed + 5, false));
      const run = (f: typeof stepByStep | typeof rt.lstmLayerWasm) => {
        const h = h0.slice();
        const c = c0.slice();
        const seq = new Float64Array(steps * u * 2 + 1).fill(7);
        const offset = reverse ? (steps - 1) * 2 * u + 1 : 1;
        f(x, steps, n, kernel, transposed, b, ut, h, c, u, backwards, seq, offset, reverse ? -2 * u : 2 * u);
        return [h, c, seq];
      };
      const want = run(stepByStep);
      const got = run(rt.lstmLayerWasm);
      if (!want.every((w, i) => sameBits(w, got[i]!))) failures.push(`transposed ${transposed}, bias ${!!b}, backwards ${backwards}, reverse ${reverse}`);
    }
    expect(failures).toEqual([]);
  });
});

describe("gruLayerWasm: a whole GRU layer in one call", () => {
  afterEach(() => rt.setKernels("auto"));

  /** The generated GRU step function's operations (generator/emit/layers/gru.ts), step by step. */
  function stepByStep(x: Float64Array, steps: number, n: number, kernel: Float32Array, transposed: boolean, bias: Float32Array | null, resetAfter: boolean,
    ut: Float32Array, h: Float64Array, u: number, backwards: boolean, seq: Float64Array | null, offset: number, step: number): void {
    const gx = new Float64Array(3 * u);
    const gh = new Float64Array(3 * u);
    const rh = new Float64Array(u);
    const product = transposed ? rt.denseT : rt.dense;
    for (let s = 0; s < steps; s++) {
      const xo = (backwards ? steps - 1 - s : s) * n;
      if (resetAfter) {
        product(x, xo, 1, n, kernel, null, gx, 0, 3 * u);
        rt.denseT(h, 0, 1, u, ut, null, gh, 0, 3 * u);
        if (bias) for (let j = 0; j < 3 * u; j++) (gx[j]! += bias[j]!, gh[j]! += bias[j + 3 * u]!);
        for (let j = 0; j < u; j++) {
          const z = rt.sigmoid(gx[j]! + gh[j]!);
          const r = rt.sigmoid(gx[j + u]! + gh[j + u]!);
          const hh = rt.tanh(gx[j + 2 * u]! + r * gh[j + 2 * u]!);
          h[j] = z * h[j]! + (1 - z) * hh;
        }
      } else {
        product(x, xo, 1, n, kernel, bias, gx, 0, 3 * u);
        rt.addMatVecT(h, 0, u, ut, 0, gx, 0, 2 * u);
        for (let j = 0; j < u; j++) (gx[j] = rt.sigmoid(gx[j]!), rh[j] = rt.sigmoid(gx[j + u]!) * h[j]!);
        rt.addMatVecT(rh, 0, u, ut, 2 * u * u, gx, 2 * u, u);
        for (let j = 0; j < u; j++) h[j] = gx[j]! * h[j]! + (1 - gx[j]!) * rt.tanh(gx[j + 2 * u]!);
      }
      if (seq) for (let j = 0; j < u; j++) seq[offset + s * step + j] = h[j]!;
    }
  }

  const shapes: [number, number, number][] = [[1, 1, 1], [5, 4, 8], [3, 7, 5], [4, 3, 3], [2, 33, 17], [6, 2, 64]];
  it.each(shapes)("steps %i, features %i, units %i: the step-by-step JS bits in every variant", (steps, n, u) => {
    rt.setKernels("js");
    expect(rt.gruLayerWasm(new Float64Array(steps * n), steps, n, new Float32Array(n * 3 * u), false, null, true, new Float32Array(u * 3 * u), new Float64Array(u), u, false, null, 0, 0)).toBe(false);
    rt.setKernels("auto");
    const seed = steps * 100 + n * 10 + u + 7;
    const x = new Float64Array(values(steps * n, seed, false).map((v) => v * 3));
    const kernel = new Float32Array(values(n * 3 * u, seed + 1, false).map((v) => v * 0.6));
    const ut = new Float32Array(values(u * 3 * u, seed + 2, false).map((v) => v * 0.6));
    const failures: string[] = [];
    for (const resetAfter of [true, false]) for (const transposed of [false, true]) for (const withBias of [true, false]) for (const backwards of [false, true]) for (const reverse of [false, true]) {
      const bias = withBias ? new Float32Array(values((resetAfter ? 6 : 3) * u, seed + 3, false)) : null;
      const h0 = new Float64Array(values(u, seed + 4, false));
      const run = (f: typeof stepByStep | typeof rt.gruLayerWasm) => {
        const h = h0.slice();
        const seq = new Float64Array(steps * u * 2 + 1).fill(7);
        const offset = reverse ? (steps - 1) * 2 * u + 1 : 1;
        f(x, steps, n, kernel, transposed, bias, resetAfter, ut, h, u, backwards, seq, offset, reverse ? -2 * u : 2 * u);
        return [h, seq];
      };
      const want = run(stepByStep);
      const got = run(rt.gruLayerWasm);
      if (!want.every((w, i) => sameBits(w, got[i]!))) failures.push(`reset_after ${resetAfter}, transposed ${transposed}, bias ${withBias}, backwards ${backwards}, reverse ${reverse}`);
    }
    expect(failures).toEqual([]);
  });
});
