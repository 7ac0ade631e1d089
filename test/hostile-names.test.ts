/**
 * Injection: every string a model file carries (layer, model, input and output names) may hold
 * quotes, backticks, `*\/`, `${`, newlines, U+2028, Unicode or reserved words, or collide with each
 * other and with generated identifiers. The generated module must still compile under strict
 * settings, compute the same numbers, expose the names exactly, and run no code from the file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { commentText, stringLiteral } from "../generator/emit/names.js";
import { generate } from "../generator/index.js";
import { asList, FIXTURES, GENERATED, readCase, samples, worstExcess, type GeneratedModule } from "./helpers/cases.js";
import { renameH5, renameKeras } from "./helpers/hostile.js";
import { typecheck } from "./helpers/typecheck.js";

const CASE = "functional_multi_io"; // layers: seq, lstm, vec, concatenate, dense, cls, reg
const work = join(GENERATED, "hostile");
const PWNED = "__k2tsPwned";

/** Payloads that would run if any name reached the code unescaped. */
const PAYLOADS: Record<string, string> = {
  seq: `seq"; globalThis.${PWNED} = "seq"; "`,
  vec: `vec\`; globalThis.${PWNED} = \`\${globalThis.${PWNED} = "tpl"}`,
  lstm: `*/ globalThis.${PWNED} = "lstm"; /*`,
  concatenate: `line\nglobalThis.${PWNED} = "nl"; //`,
  dense: `ls\u2028globalThis.${PWNED} = "ls"; //\u2029\r'`,
  cls: "predict",
  reg: `</script>\\u0000 \u202e日本語 😀 \\`,
};

const VARIANTS: Record<string, { names: Record<string, string>; model: string; formats: ("keras" | "h5")[] }> = {
  payloads: { names: PAYLOADS, model: `*/\n}); globalThis.${PWNED} = "model"; ({ /* \${x}`, formats: ["keras"] },
  // HDF5 group names cannot hold "/" (Keras forbids it in names too): the same attacks without it.
  "payloads-h5": { names: Object.fromEntries(Object.entries(PAYLOADS).map(([k, v]) => [k, v.replaceAll("/", "\\")])), model: `\n\`\${globalThis.${PWNED}=1}\``, formats: ["h5"] },
  // Names that are reserved words or the module's own identifiers, or that sanitise to the same one.
  collisions: { names: { seq: "class", vec: "xs", lstm: "v0", concatenate: "Dense", dense: "dense", cls: "inputs", reg: "out0" }, model: "createSession", formats: ["keras", "h5"] },
  prototype: { names: { seq: "__proto__", vec: "constructor", lstm: "toString", concatenate: "hasOwnProperty", dense: "T0", cls: "valueOf", reg: "session" }, model: "__proto__", formats: ["keras", "h5"] },
  lookalikes: { names: { seq: "a-b", vec: "a b", lstm: "a.b", concatenate: "A_B", dense: "a__b", cls: "a_b", reg: "a_b_2" }, model: "a_b", formats: ["keras", "h5"] },
  long: { names: { seq: "s".repeat(5000), vec: "v".repeat(5000), lstm: "é".repeat(3000), concatenate: "c", dense: "d", cls: "😀".repeat(2000), reg: "r" }, model: "m".repeat(10000), formats: ["keras"] },
};

async function craft(format: "keras" | "h5", names: Record<string, string>, model: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, CASE, `model.${format}`)));
  return format === "keras" ? renameKeras(bytes, names, model) : renameH5(bytes, names, model);
}

/** Identifiers anywhere in the code: a payload that became code would show up as one. */
function identifiers(source: string): Set<string> {
  const scanner = ts.createScanner(ts.ScriptTarget.ES2020, false, ts.LanguageVariant.Standard, source);
  const ids = new Set<string>();
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.Identifier) ids.add(scanner.getTokenValue());
  }
  return ids;
}

function expectSameNumbers(mod: GeneratedModule): void {
  const c = readCase(join(FIXTURES, CASE));
  for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
    const got = asList(mod.predict(...c.inputs.map((t) => samples(t)[b]!)));
    c.outputs.forEach((o, k) => expect(worstExcess(got[k]!, samples(o)[b]!, c.atol, c.rtol).excess).toBeLessThanOrEqual(0));
  }
}

beforeAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(Object.entries(VARIANTS))("names: %s", (variant, { names, model, formats }) => {
  it.each(formats)("%s: compiles strictly, exposes the names exactly, computes the same, runs nothing", async (format) => {
    const bytes = await craft(format, names, model);
    const dir = join(work, `${variant}-${format}`);
    mkdirSync(dir, { recursive: true });
    const sourceName = `${variant}*/\n.${format}`; // the file name reaches the header too
    for (const f of await generate(bytes, "model.ts", { sourceName })) writeFileSync(join(dir, f.name), f.text);
    const [inline] = await generate(bytes, "model.mjs", { sourceName, language: "js", inlineRuntime: true });
    writeFileSync(join(dir, "model.mjs"), inline!.text);
    const cjsFiles = await generate(bytes, "model.cjs", { sourceName, inlineRuntime: true }); // CommonJS and its .d.cts
    for (const f of cjsFiles) writeFileSync(join(dir, f.name), f.text);

    const text = readFileSync(join(dir, "model.ts"), "utf8");
    expect(typecheck([join(dir, "model.ts"), join(dir, "model.d.cts")])).toEqual([]);
    for (const source of [text, inline!.text, cjsFiles[0]!.text]) {
      const ids = identifiers(source);
      expect(ids.has("globalThis") || ids.has(PWNED)).toBe(false);
    }

    for (const path of [join(dir, "model.ts"), join(dir, "model.mjs"), join(dir, "model.cjs")]) {
      const mod = (path.endsWith(".cjs") ? createRequire(import.meta.url)(path) : await import(pathToFileURL(path).href)) as GeneratedModule;
      expect((globalThis as Record<string, unknown>)[PWNED]).toBeUndefined();
      expect(mod.inputs.map((i) => i.name)).toEqual([names.seq, names.vec]);
      expect(mod.outputs.map((o) => o.name)).toEqual([names.cls, names.reg]);
      expectSameNumbers(mod);
      expect(() => mod.predict(new Float32Array(1), new Float32Array(5))).toThrow(names.seq!.slice(0, 50));
    }
  });
});

describe("stringLiteral and commentText never print invisible or reordering characters raw", () => {
  const invisible = "\u007f\u0085\u00ad\u061c\u200b\u200e\u2028\u2029\u202a\u202e\u2066\u2069\ufeff";
  const text = `a${invisible}b"\\\`\${x}*/\n\u0000\ud800z`;

  it("a literal holds the exact text, as plain ASCII escapes", () => {
    const literal = stringLiteral(text);
    expect(new Function(`return ${literal}`)()).toBe(text);
    expect(literal).not.toMatch(/[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff]/);
  });

  it("a comment stays one line with no terminator and nothing invisible", () => {
    const comment = commentText(text);
    expect(comment).not.toMatch(/[\n\r\u2028\u2029]|\*\/|[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]/);
    expect(ts.transpileModule(`// ${comment}\n/** ${comment} */\nexport const x = 1;`, { reportDiagnostics: true }).diagnostics).toEqual([]);
  });
});
