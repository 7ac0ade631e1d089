/**
 * `--weights f16` (lossy, opt-in) and the default weight encoding ("auto": literals for small
 * models, exact base64 above AUTO_BASE64_ABOVE values). Float16 rounding is checked against every
 * one of the 65,536 half bit patterns and brute-force nearest halves; modules against Keras.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AUTO_BASE64_ABOVE } from "../generator/emit/module.js";
import { float16Base64Literal, float16Bits, float16Error, float16Value } from "../generator/emit/float32.js";
import { decodeFloat16 } from "../runtime/keras2ts-runtime.js";
import { asList, caseFormats, FIXTURES, GENERATED, generateInto, readCase, samples, SHARED, type GeneratedModule } from "./helpers/cases.js";
import { runCli } from "./helpers/cli.js";
import { typecheck } from "./helpers/typecheck.js";

const ALL_HALVES = Array.from({ length: 65536 }, (_, h) => h);
const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe("float16 rounding", () => {
  it("every half value rounds to itself, and the runtime decodes all 65,536 patterns exactly", () => {
    const values = Float32Array.from(ALL_HALVES, float16Value);
    ALL_HALVES.forEach((h) => {
      if (!Number.isNaN(values[h])) expect(float16Bits(values[h]!)).toBe(h);
    });
    const decoded = decodeFloat16(new Function(`return ${float16Base64Literal(values)}`)() as string);
    expect(decoded.length).toBe(65536);
    expect(ALL_HALVES.every((h) => same(decoded[h]!, values[h]!))).toBe(true);
  });

  it("picks the nearest half (ties to even) for random and boundary float32 values", () => {
    let s = 7;
    const bits = new Uint32Array(20000).map(() => (s = (Math.imul(s, 1103515245) + 12345) >>> 0));
    const values = [...new Float32Array(bits.buffer), 65504, 65519.99, 65520, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 1 + 2 ** -11, 1 + 3 * 2 ** -11];
    for (const v32 of values) {
      const v = Math.fround(v32);
      if (!Number.isFinite(v)) continue;
      const q = float16Bits(v);
      const magnitude = q & 0x7fff;
      if (Math.abs(v) >= 65520) {
        expect(magnitude).toBe(0x7c00);
        continue;
      }
      const d = Math.abs(float16Value(q) - v);
      // Neither neighbour of the chosen half is closer; on a tie the chosen mantissa is even.
      for (const other of [magnitude - 1, magnitude + 1].filter((m) => m >= 0 && m < 0x7c00)) {
        const dOther = Math.abs(float16Value((q & 0x8000) | other) - v);
        expect(d <= dOther).toBe(true);
        if (d === dOther) expect(magnitude % 2).toBe(0);
      }
    }
  });

  it("float16Error measures the largest change", () => {
    expect(float16Error([new Float32Array([1, 0.5, -2])])).toEqual({ absolute: 0, relative: 0 });
    const e = float16Error([new Float32Array([1 + 2 ** -12])]); // halfway to the next half: ties to 1
    expect(e.absolute).toBe(2 ** -12);
  });
});

describe("--weights f16 modules", () => {
  it.each(["lstm_default", "gru_reset_after", "functional_multi_io", "conv1d_lstm", "bidirectional"])(
    "%s: header states the change, compiles strictly, a sixth of literal text, outputs near Keras'",
    async (name) => {
      const dir = join(FIXTURES, name);
      const format = caseFormats(dir)[0]!;
      const f16Path = await generateInto(`f16/${name}/f16`, format, { weightEncoding: "f16" });
      const base64Path = await generateInto(`f16/${name}/base64`, format, { weightEncoding: "base64" });
      const text = readFileSync(f16Path, "utf8");
      expect(text.split("\n")[2]).toMatch(/^\/\/ Weights stored as float16 \(--weights f16\): largest change \d\.\d\de-\d+ \(relative /);
      expect(typecheck([f16Path])).toEqual([]);
      expect(text.length).toBeLessThan(readFileSync(base64Path, "utf8").length);
      const mod = (await import(f16Path)) as GeneratedModule;
      const c = readCase(dir);
      let worst = 0;
      for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
        const got = asList(mod.predict(...c.inputs.map((t) => samples(t)[b]!)));
        c.outputs.forEach((o, k) => samples(o)[b]!.forEach((w, i) => (worst = Math.max(worst, Math.abs(got[k]![i]! - w)))));
      }
      // Lossy by design: float16 keeps ~3 significant digits. On these cases outputs stay within 1e-2.
      expect(worst).toBeGreaterThan(0);
      expect(worst).toBeLessThan(1e-2);
    },
  );

  it("the CLI prints the header's line", () => {
    const work = join(GENERATED, "f16-cli");
    mkdirSync(work, { recursive: true });
    const r = runCli(work, ["generate", caseFormats(join(FIXTURES, "lstm_default"))[0]!.model, "-o", "m.ts", "--weights", "f16", "--force"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const [note, summary] = r.stdout.split("\n");
    expect(note).toBe(readFileSync(join(work, "m.ts"), "utf8").split("\n")[2]!.slice(3));
    expect(summary).toMatch(/^wrote m\.ts .* parameters in /);
  });
});

describe("the default weight encoding", () => {
  it(`keeps literals up to ${AUTO_BASE64_ABOVE} weight values and writes exact base64 above`, async () => {
    const small = readFileSync(await generateInto("auto/small", caseFormats(join(FIXTURES, "lstm_default"))[0]!), "utf8");
    expect(small).toContain("new Float32Array([");
    expect(small).not.toContain("decodeFloat32");
    const big = join(SHARED, "fixtures/bench/bench_seed_size/model.keras"); // 1.3M values
    const text = readFileSync(await generateInto("auto/big", { label: "keras", model: big }), "utf8");
    expect(text).toContain("decodeFloat32(\"");
    expect(text).not.toContain("new Float32Array([");
  });
});
