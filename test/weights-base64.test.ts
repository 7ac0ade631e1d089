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

describe("decodeFloat32's decoders", () => {
  // The runtime uses the engine's decoder where there is one (Uint8Array.fromBase64, Buffer, atob) and
  // its own JS loop elsewhere (Hermes without atob): every path must give the same bits.
  const g = globalThis as unknown as Record<string, unknown>;
  const U8 = Uint8Array as unknown as Record<string, unknown>;
  function without<T>(names: string[], run: () => T): T {
    const saved = names.map((n) => g[n]);
    names.forEach((n) => delete g[n]);
    try {
      return run();
    } finally {
      names.forEach((n, i) => (g[n] = saved[i]));
    }
  }
  const data = Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 9) - 4));
  const small = Float32Array.of(1.5, -0, 3e-42);
  const spaced = (t: string) => t.replace(/(.{7})/g, "$1\n  ");

  it.each([
    ["Buffer", []],
    ["atob", ["Buffer"]],
    ["the JS loop", ["Buffer", "atob"]],
  ])("gives every bit back through %s, with or without white space", (_, hidden) => {
    for (const tensor of [data, small, new Float32Array(0)]) {
      const text = JSON.parse(float32Base64Literal(tensor)) as string;
      for (const t of [text, spaced(text)]) {
        const back = without(hidden as string[], () => decodeFloat32(t));
        expect(back.byteOffset).toBe(0);
        expect(new Uint32Array(back.buffer, 0, back.length)).toEqual(new Uint32Array(tensor.buffer));
      }
    }
  });

  it("calls Uint8Array.fromBase64 as a static method where the engine has it", () => {
    const text = JSON.parse(float32Base64Literal(small)) as string;
    let calls = 0;
    U8["fromBase64"] = function (this: unknown, t: string) {
      calls++;
      expect(this).toBe(Uint8Array);
      return new Uint8Array(Buffer.from(t, "base64"));
    };
    try {
      expect(Array.from(decodeFloat32(text))).toEqual(Array.from(small));
    } finally {
      delete U8["fromBase64"];
    }
    expect(calls).toBe(1);
  });

  it("copies a decode that shares its buffer (Node pools small Buffers) instead of viewing the pool", () => {
    const back = decodeFloat32(JSON.parse(float32Base64Literal(small)) as string);
    expect(back.buffer.byteLength).toBe(small.length * 4);
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
