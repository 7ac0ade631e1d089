/**
 * Variable sequence lengths: a model whose input length is None runs on any number of timesteps,
 * and `--timesteps N` specialises it. Checked against Keras' outputs for the recorded length.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, generateInto, readCase, samples, worstExcess, type CaseFormat, type GeneratedModule } from "./helpers/cases.js";
import { typecheck } from "./helpers/typecheck.js";

const dir = join(FIXTURES, "weights_only");
const kerasCase = readCase(dir);

/** The weights_only model (Input (5,4) -> LSTM(8) -> Dense(3)) with its sequence length declared None. */
function variableLengthFormat(): { format: CaseFormat; configText: string } {
  const config = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
  config.config.layers[0].config.batch_shape = [null, null, 4];
  return { format: { label: "weights", model: join(dir, "model.weights.h5") }, configText: JSON.stringify(config) };
}

describe("variable sequence length", () => {
  it("accepts any whole number of timesteps and matches Keras at the recorded length", async () => {
    const { format, configText } = variableLengthFormat();
    const path = await generateInto("timesteps/variable", format, { configText });
    expect(typecheck([path])).toEqual([]);
    const mod = (await import(path)) as GeneratedModule;
    expect(mod.inputs[0]!.shape).toEqual([null, 4]);
    samples(kerasCase.inputs[0]!).forEach((x, b) => {
      const got = (mod.predict(x) as Float32Array).slice();
      const want = samples(kerasCase.outputs[0]!)[b]!;
      expect(worstExcess(got, want, kerasCase.atol, kerasCase.rtol).excess).toBeLessThanOrEqual(0);
    });
    // Shorter and longer sequences run too; a prefix run equals the specialised module's result.
    const x = samples(kerasCase.inputs[0]!)[0]!;
    expect((mod.predict(x.slice(0, 8)) as Float32Array).length).toBe(3);
    expect((mod.predict([...x, ...x, ...x]) as Float32Array).every(Number.isFinite)).toBe(true);
    expect(() => mod.predict(x.slice(0, 7))).toThrow(RangeError);
    expect(() => mod.predict([])).toThrow(/input_layer/);
  });

  it("--timesteps specialises the module to exactly N steps", async () => {
    const { format, configText } = variableLengthFormat();
    const fixed = (await import(await generateInto("timesteps/fixed2", format, { configText, timesteps: 2 }))) as GeneratedModule;
    const variable = (await import(await generateInto("timesteps/variable2", format, { configText }))) as GeneratedModule;
    expect(fixed.inputs[0]!.shape).toEqual([2, 4]);
    const x = samples(kerasCase.inputs[0]!)[1]!.slice(0, 8);
    expect(Array.from(fixed.predict(x) as Float32Array)).toEqual(Array.from(variable.predict(x) as Float32Array));
    expect(() => fixed.predict(samples(kerasCase.inputs[0]!)[1]!)).toThrow(/expected 8 numbers, got 20/);
  });
});
