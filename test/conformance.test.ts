/**
 * Conformance: every case in ../shared/fixtures/keras, generated from every file format it ships,
 * must reproduce Keras' own `predict` outputs within the case's atol/rtol, with the runtime's
 * JavaScript kernels and again with its WebAssembly SIMD kernels (which must give the same bits).
 * Cases whose layers are not supported yet must fail with the clear unsupported error, and are
 * listed here, never passed.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { asList, caseFormats, caseNames, FIXTURES, generateInto, generateShared, importGenerated, generatedRuntime, readCase, samples, worstExcess, type GeneratedModule, type KerasCase, type TensorData } from "./helpers/cases.js";

/** Cases not supported yet, with the text their error must contain. Shrinks as support grows. */
export const EXPECTED_UNSUPPORTED: Record<string, string> = {
};

/** The runtime written beside a generated module, as far as choosing kernels goes. */
interface KernelControls {
  setKernels(choice: "auto" | "js" | "wasm"): void;
  wasmMemoryBytes(): number;
}

function checkOutputs(got: Float32Array[], want: TensorData[], sample: number, c: KerasCase): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, k) => {
    const expected = samples(w)[sample]!;
    const { excess, index, maxAbs } = worstExcess(got[k]!, expected, c.atol, c.rtol);
    expect(excess, `output ${w.name} sample ${sample}: element ${index} got ${got[k]![index]} want ${expected[index]} (max |diff| ${maxAbs})`).toBeLessThanOrEqual(0);
  });
}

/** Runs every sample (or step) of a case, checks it against Keras, and returns the outputs. */
function runCase(mod: GeneratedModule, c: KerasCase): Float32Array[][] {
  const results: Float32Array[][] = [];
  if (c.steps) {
    const session = mod.createSession();
    for (const step of c.steps) {
      if (step.reset) {
        session.resetStates();
        continue;
      }
      const args = step.inputs!.map((t) => samples(t)[0]!);
      const got = asList(session.predict(...args)).map((a) => a.slice());
      checkOutputs(got, step.outputs!, 0, c);
      results.push(got);
    }
    return results;
  }
  mod.resetStates?.();
  const batch = c.inputs[0]!.shape[0]!;
  for (let b = 0; b < batch; b++) {
    const args = c.inputs.map((t) => samples(t)[b]!);
    const got = asList(mod.predict(...args)).map((a) => a.slice());
    checkOutputs(got, c.outputs, b, c);
    results.push(got);
  }
  return results;
}

/** Same bits (NaN matches NaN). */
function sameBits(a: Float32Array[][], b: Float32Array[][]): boolean {
  return a.length === b.length && a.every((outs, i) => outs.every((o, k) => o.every((v, j) => Object.is(v, b[i]![k]![j]) || (Number.isNaN(v) && Number.isNaN(b[i]![k]![j])))));
}

describe.each(caseNames())("case %s", (name) => {
  const dir = join(FIXTURES, name);
  const c = readCase(dir);
  for (const format of caseFormats(dir)) {
    const unsupported = EXPECTED_UNSUPPORTED[name];
    if (unsupported) {
      it(`${format.label}: refused as unsupported (${unsupported})`, async () => {
        const err = await generateInto(`conformance/${name}/${format.label}`, format).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KerasError);
        expect(String((err as Error).message)).toContain(unsupported);
      });
      continue;
    }
    it(`${format.label}: matches Keras within atol ${c.atol} rtol ${c.rtol}, with JS and with wasm kernels`, async () => {
      const path = await generateShared(format);
      const mod = await importGenerated(path);
      const kernels = generatedRuntime(path) as unknown as KernelControls;
      expect(mod.inputs.map((i) => i.name)).toEqual(c.inputs.map((i) => i.name));
      expect(mod.outputs.map((o) => o.name)).toEqual(c.outputs.map((o) => o.name));
      kernels.setKernels("js");
      const before = kernels.wasmMemoryBytes(); // other tests of this run may have used the shared module
      const js = runCase(mod, c);
      expect(js.length).toBeGreaterThan(0);
      expect(kernels.wasmMemoryBytes()).toBe(before);
      kernels.setKernels("wasm"); // every matrix product in wasm, however small
      const wasm = runCase(mod, c);
      kernels.setKernels("auto");
      // The wasm path really ran wherever the module has a matrix product.
      const products = /\b(dense|denseT|addMatVecT|lstmLayerWasm|gruLayerWasm)\(/.test(readFileSync(path, "utf8"));
      expect(kernels.wasmMemoryBytes() > 0).toBe(products);
      expect(sameBits(js, wasm), "wasm kernels give the JS kernels' bits").toBe(true);
    });
  }
});
