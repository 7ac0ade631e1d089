/**
 * Every published model file in ../shared/realworld (read in place): the module generates, compiles
 * under tsc --strict with the runtime beside it, and on sensible inputs gives finite outputs of the
 * declared shapes, softmax rows summing to 1. Files whose layers are not supported yet must fail
 * with the clear unsupported error and are listed here, never counted as passing.
 */
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import type { Model } from "../generator/ir/types.js";
import { asList, generateInto, generateShared, importGenerated, type GeneratedModule } from "./helpers/cases.js";
import { loadRealworld, prng, REALWORLD_FILES, REALWORLD_UNSUPPORTED, realworldFormat, sampleInputs, softmaxOutputs, unlistedRealworldDirs, VARIABLE_STEPS, type RealworldFile } from "./helpers/realworld.js";
import { typecheck } from "./helpers/typecheck.js";

/** tsc --strict on the largest module (8 MB of weight literals) takes ~10 s on a quiet 2-core machine, several times that on a busy one. */
const TIMEOUT_MS = 180_000;

function checkRun(mod: GeneratedModule, model: Model, f: RealworldFile): void {
  const xs = sampleInputs(model, f.input, prng(7));
  const outs = asList(mod.predict(...xs));
  const softmax = softmaxOutputs(model);
  expect(outs.length).toBe(mod.outputs.length);
  outs.forEach((out, k) => {
    const shape = mod.outputs[k]!.shape.map((d) => d ?? VARIABLE_STEPS);
    expect(out.length, `output ${k} length`).toBe(shape.reduce((a, b) => a * b, 1));
    expect(out.every(Number.isFinite), `output ${k} finite`).toBe(true);
    if (!softmax[k]) return;
    const width = shape[shape.length - 1]!;
    for (let row = 0; row < out.length / width; row++) {
      const sum = out.subarray(row * width, (row + 1) * width).reduce((a, b) => a + b, 0);
      expect(Math.abs(sum - 1), `output ${k} row ${row} sums to ${sum}`).toBeLessThan(1e-5);
    }
  });
}

describe("realworld model files", () => {
  it("are all listed in test/helpers/realworld.ts", () => {
    expect(unlistedRealworldDirs()).toEqual([]);
  });

  describe.each(REALWORLD_FILES.map((f) => [f.dir, f] as const))("%s", (dir, f) => {
    const unsupported = REALWORLD_UNSUPPORTED[dir];
    if (unsupported) {
      it(`is refused as unsupported (${unsupported})`, async () => {
        const err = await generateInto(`realworld/${dir}`, realworldFormat(f)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(KerasError);
        expect(String((err as Error).message)).toContain(unsupported);
      });
      return;
    }
    it("generates, compiles under tsc --strict and runs", async () => {
      const path = await generateShared(realworldFormat(f));
      expect(typecheck([path])).toEqual([]);
      const model = await loadRealworld(f);
      const mod = await importGenerated(path);
      expect(mod.inputs.map((i) => i.name)).toEqual(model.inputs.map((i) => i.name));
      expect(mod.outputs.map((o) => o.name)).toEqual(model.outputs.map((o) => o.name));
      checkRun(mod, model, f);
    }, TIMEOUT_MS);
  });
});
