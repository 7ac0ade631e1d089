/** `--weights base64`: the same weights bit for bit, a fraction of the text. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { float32Base64Literal } from "../generator/emit/float32.js";
import { decodeFloat32 } from "../runtime/keras2ts-runtime.js";
import { asList, caseFormats, FIXTURES, generateInto, generateShared, readCase, samples, type GeneratedModule } from "./helpers/cases.js";
import { typecheck } from "./helpers/typecheck.js";

describe("decodeFloat32", () => {
  it("restores every bit pattern written by float32Base64Literal, any length", () => {
    const bits = new Uint32Array(1001);
    let s = 12345;
    for (let i = 0; i < bits.length; i++) bits[i] = s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bits.set([0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x7f7fffff], 0); // -0, ±Inf, subnormal, max
    for (const n of [0, 1, 2, 3, 1001]) {
      const data = new Float32Array(bits.buffer.slice(0, n * 4));
      const text = float32Base64Literal(data);
      const back = decodeFloat32(new Function(`return ${text}`)() as string);
      expect(back.length).toBe(n);
      back.forEach((v, i) => expect(Object.is(v, data[i]) || (Number.isNaN(v) && Number.isNaN(data[i]!))).toBe(true));
    }
  });
});

describe.each(["lstm_default", "functional_multi_io", "bidirectional"])("%s", (name) => {
  it("computes bit-identically to the literal module (TS, inlined, JS), compiles under --strict, and is smaller", async () => {
    const dir = join(FIXTURES, name);
    const format = caseFormats(dir)[0]!;
    const literalPath = await generateShared(format);
    const base64Path = await generateInto(`base64/${name}/base64`, format, { weightEncoding: "base64" });
    const inlinePath = await generateInto(`base64/${name}/inline`, format, { weightEncoding: "base64", inlineRuntime: true });
    // JavaScript output keeps the decodeFloat32 import, which only the weights (after the transpiled code) use.
    const jsPath = await generateInto(`base64/${name}/js`, format, { weightEncoding: "base64", language: "js" }, "model.mjs");
    expect(typecheck([base64Path, inlinePath])).toEqual([]);
    expect(readFileSync(base64Path).length).toBeLessThan(readFileSync(literalPath).length);
    const mods = (await Promise.all([literalPath, base64Path, inlinePath, jsPath].map((p) => import(p)))) as GeneratedModule[];
    const c = readCase(dir);
    for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
      const args = c.inputs.map((t) => samples(t)[b]!);
      const [want, ...others] = mods.map((m) => asList(m.predict(...args)).map((a) => Array.from(a)));
      for (const got of others) expect(got).toEqual(want);
    }
  });
});
