/** `.js`/`.mjs` output is the same module in JavaScript: same exports, bit-identical results. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asList, caseFormats, FIXTURES, generateInto, readCase, samples, type GeneratedModule } from "./helpers/cases.js";

describe.each(["functional_multi_io", "bidirectional", "masking_lstm", "conv1d_lstm"])("%s", (name) => {
  it("as .mjs (runtime beside it and inlined) computes exactly what the .ts module computes", async () => {
    const dir = join(FIXTURES, name);
    const format = caseFormats(dir)[0]!;
    const ts = (await import(await generateInto(`js-output/${name}/ts`, format))) as GeneratedModule;
    const js = (await import(await generateInto(`js-output/${name}/js`, format, { language: "js" }, "model.mjs"))) as GeneratedModule;
    const inline = (await import(await generateInto(`js-output/${name}/inline`, format, { language: "js", inlineRuntime: true }, "model.js"))) as GeneratedModule;
    expect(js.inputs).toEqual(ts.inputs);
    expect(js.outputs).toEqual(ts.outputs);
    const c = readCase(dir);
    for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
      const args = c.inputs.map((t) => samples(t)[b]!);
      const want = asList(ts.predict(...args)).map((a) => Array.from(a));
      expect(asList(js.predict(...args)).map((a) => Array.from(a))).toEqual(want);
      expect(asList(inline.predict(...args)).map((a) => Array.from(a))).toEqual(want);
    }
  });
});
