/** `.js`/`.mjs`/`.cjs` output is the same module in JavaScript: same exports, bit-identical results. */
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { asList, caseFormats, FIXTURES, generateInto, readCase, samples, type GeneratedModule } from "./helpers/cases.js";

describe.each(["functional_multi_io", "bidirectional", "masking_lstm", "conv1d_lstm"])("%s", (name) => {
  it("as .mjs (runtime beside it and inlined) and .cjs computes exactly what the .ts module computes", async () => {
    const dir = join(FIXTURES, name);
    const format = caseFormats(dir)[0]!;
    const ts = (await import(await generateInto(`js-output/${name}/ts`, format))) as GeneratedModule;
    const js = (await import(await generateInto(`js-output/${name}/js`, format, { language: "js" }, "model.mjs"))) as GeneratedModule;
    const inline = (await import(await generateInto(`js-output/${name}/inline`, format, { language: "js", inlineRuntime: true }, "model.js"))) as GeneratedModule;
    const cjs = createRequire(import.meta.url)(await generateInto(`js-output/${name}/cjs`, format, {}, "model.cjs")) as GeneratedModule;
    expect(js.inputs).toEqual(ts.inputs);
    expect(cjs.outputs).toEqual(ts.outputs);
    expect(js.outputs).toEqual(ts.outputs);
    const c = readCase(dir);
    for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
      const args = c.inputs.map((t) => samples(t)[b]!);
      const want = asList(ts.predict(...args)).map((a) => Array.from(a));
      expect(asList(js.predict(...args)).map((a) => Array.from(a))).toEqual(want);
      expect(asList(inline.predict(...args)).map((a) => Array.from(a))).toEqual(want);
      expect(asList(cjs.predict(...args)).map((a) => Array.from(a))).toEqual(want);
    }
  });
});
