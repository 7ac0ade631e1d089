/**
 * `--test-vectors`: the test file written beside a module passes on the public fixtures (Keras' own
 * outputs, stateful steps included) under plain `node --test`, fails once a weight is altered, and
 * type-checks as TypeScript; bad vector files are one clear error.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, KerasError } from "../generator/index.js";
import { FIXTURES, GENERATED, REPO } from "./helpers/cases.js";
import { STRICT_OPTIONS, typecheck } from "./helpers/typecheck.js";

const ROOT = join(GENERATED, "test-vectors");
const CASES = ["lstm_default", "functional_multi_io", "stateful_lstm", "embedding_lstm", "gru_reset_after"];

async function generateWithVectors(name: string, outName: string, vectorsText?: string): Promise<string> {
  const dir = join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = await generate(new Uint8Array(readFileSync(join(FIXTURES, name, "model.keras"))), outName, {
    sourceName: "model.keras",
    language: outName.endsWith(".ts") ? "ts" : "js",
    testVectors: { text: vectorsText ?? readFileSync(join(FIXTURES, name, "case.json"), "utf8"), sourceName: "case.json" },
  });
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  return dir;
}

function nodeTest(file: string, ...flags: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [...flags, "--test", file], { encoding: "utf8", cwd: REPO });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe("--test-vectors", () => {
  it.each(CASES)("%s: the written node:test file passes on Keras' recorded outputs", async (name) => {
    const dir = await generateWithVectors(name, "model.mjs");
    const header = readFileSync(join(dir, "model.mjs"), "utf8").split("\n").slice(0, 4).join("\n");
    expect(header).toMatch(/Checked against \d+ Keras outputs? \(case\.json\) by model\.test\.mjs: \|got - keras\| <= [\d.e-]+ \+ [\d.e-]+/);
    const r = nodeTest(join(dir, "model.test.mjs"));
    expect(r.output).toMatch(/# pass 1/);
    expect(r.status).toBe(0);
  });

  it("fails, naming the value, once a weight of the module is altered", async () => {
    const dir = await generateWithVectors("lstm_default", "model.mjs");
    const path = join(dir, "model.mjs");
    const text = readFileSync(path, "utf8");
    const altered = text.replace(/(const dense_bias = new Float32Array\(\[\s*)(-?[\d.e-]+)/, (_m, head: string, first: string) => `${head}${Number(first) + 0.25}`);
    expect(altered).not.toBe(text);
    writeFileSync(path, altered);
    const r = nodeTest(join(dir, "model.test.mjs"));
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/got -?[\d.e-]+, Keras -?[\d.e-]+ \(\|diff\|/);
  });

  it("a TypeScript module gets a TypeScript test file that type-checks strictly and passes", async () => {
    const dir = await generateWithVectors("stateful_lstm", "model.ts");
    expect(typecheck([join(dir, "model.test.ts")], { ...STRICT_OPTIONS, types: ["node"], skipLibCheck: true, typeRoots: [join(REPO, "node_modules/@types")] })).toEqual([]);
    const r = nodeTest(join(dir, "model.test.ts"), "--import", "tsx");
    expect(r.output).toMatch(/# pass 1/);
    expect(r.status).toBe(0);
  });

  it("the CLI writes the test file beside the module", () => {
    const dir = join(ROOT, "cli");
    rmSync(dir, { recursive: true, force: true });
    execFileSync(process.execPath, [join(REPO, "bin/keras2ts.js"), "generate", join(FIXTURES, "dense_zoo/model.keras"), "-o", join(dir, "zoo.mjs"), "--test-vectors", join(FIXTURES, "dense_zoo/case.json")]);
    const r = nodeTest(join(dir, "zoo.test.mjs"));
    expect(r.status).toBe(0);
  });

  it.each([
    ["{ not json", /test vectors v\.json: not valid JSON/],
    ["[]", /expected a JSON object/],
    [`{"inputs": [], "outputs": []}`, /inputs has 0 tensors, the model has 1/],
    [`{"inputs": [{"shape": [1, 5, 3], "data": [${Array(15).fill(0).join(",")}]}], "outputs": [{"shape": [1, 3], "data": [0, 0, 0]}]}`, /has shape \[1,5,3\], the model's is \[batch, 5, 4\]/],
    [`{"inputs": [{"shape": [1, 5, 4], "data": [1, 2]}], "outputs": [{"shape": [1, 3], "data": [0, 0, 0]}]}`, /has 2 values, its shape \[1,5,4\] holds 20/],
    [`{"inputs": [{"shape": [1, 5, 4], "data": [${Array(19).fill(0).join(",")}, "x"]}], "outputs": [{"shape": [1, 3], "data": [0, 0, 0]}]}`, /holds "x", not a number/],
    [`{"atol": -1, "inputs": [], "outputs": []}`, /atol must be a number/],
  ])("rejects %s with one clear line", async (text, message) => {
    const err = await generate(new Uint8Array(readFileSync(join(FIXTURES, "lstm_default/model.keras"))), "m.ts", {
      sourceName: "model.keras",
      testVectors: { text, sourceName: "v.json" },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain("\n");
  });
});
