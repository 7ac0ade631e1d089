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
