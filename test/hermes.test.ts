/**
 * React Native: generated modules bundled into one classic script (as Metro ships an app) and
 * compiled to Hermes bytecode with hermesc (as React Native release builds do) run on the real
 * Hermes VM (`hermes-engine-cli`) and reproduce Keras' recorded outputs: literal and base64
 * weights, runtime beside the module and inlined, stateful steps.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { rolldown } from "rolldown";
import { beforeAll, describe, expect, it } from "vitest";
import type { GenerateOptions } from "../generator/index.js";
import { caseFormats, FIXTURES, GENERATED, generateInto, readCase, REPO, samples, worstExcess, type KerasCase } from "./helpers/cases.js";

const HERMES_BIN = join(REPO, "node_modules/hermes-engine-cli/linux64-bin");
const ROOT = join(GENERATED, "hermes");

interface Variant {
  readonly label: string;
  readonly name: string;
  readonly options: Partial<GenerateOptions>;
}

const VARIANTS: readonly Variant[] = [
  { label: "lstm_default", name: "lstm_default", options: {} },
  { label: "lstm_default_base64_inline", name: "lstm_default", options: { weightEncoding: "base64", inlineRuntime: true } },
  { label: "gru_reset_after", name: "gru_reset_after", options: {} },
  { label: "functional_multi_io", name: "functional_multi_io", options: { weightEncoding: "base64" } },
  { label: "embedding_lstm", name: "embedding_lstm", options: {} },
  { label: "conv1d_lstm", name: "conv1d_lstm", options: {} },
  { label: "bidirectional", name: "bidirectional", options: {} },
  { label: "stateful_lstm", name: "stateful_lstm", options: {} },
];

/** One call per sample (or per stateful step; null = resetStates) with its flat inputs. */
function callsOf(c: KerasCase): (number[][] | null)[] {
  if (c.steps) return c.steps.map((s) => (s.reset ? null : s.inputs!.map((t) => samples(t)[0]!)));
  return Array.from({ length: c.inputs[0]!.shape[0]! }, (_, b) => c.inputs.map((t) => samples(t)[b]!));
}

function expectedOf(c: KerasCase): number[][][] {
  if (c.steps) return c.steps.filter((s) => !s.reset).map((s) => s.outputs!.map((t) => samples(t)[0]!));
  return Array.from({ length: c.inputs[0]!.shape[0]! }, (_, b) => c.outputs.map((t) => samples(t)[b]!));
}

let results: Record<string, number[][][]> = {};

describe("on the Hermes engine (React Native)", () => {
  beforeAll(async () => {
    if (!existsSync(join(HERMES_BIN, "hermes"))) throw new Error(`${HERMES_BIN}/hermes is missing: npm ci installs hermes-engine-cli`);
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(ROOT, { recursive: true });
    // One app script for every variant: each module is imported, run on its samples, printed as JSON.
    const lines: string[] = ["const results = {};"];
    for (const [k, v] of VARIANTS.entries()) {
      const dir = join(FIXTURES, v.name);
      const path = await generateInto(`hermes/${v.label}`, caseFormats(dir)[0]!, { language: "js", ...v.options }, "model.mjs");
      lines.unshift(`import * as m${k} from "./${relative(ROOT, path)}";`);
      lines.push(`{
  const session = m${k}.createSession(), out = [];
  for (const call of ${JSON.stringify(callsOf(readCase(dir)))}) {
    if (call === null) { session.resetStates(); continue; }
    out.push([session.predict(...call)].flat().map((a) => Array.from(a)));
  }
  results[${JSON.stringify(v.label)}] = out;
}`);
    }
    lines.push("print(JSON.stringify(results));");
    writeFileSync(join(ROOT, "app.mjs"), lines.join("\n"));
    const bundle = await rolldown({ input: join(ROOT, "app.mjs"), logLevel: "silent" });
    await bundle.write({ file: join(ROOT, "app.bundle.js"), format: "iife" });
    await bundle.close();
    execFileSync(join(HERMES_BIN, "hermesc"), ["-emit-binary", "-O", "-out", join(ROOT, "app.hbc"), join(ROOT, "app.bundle.js")]);
    results = JSON.parse(execFileSync(join(HERMES_BIN, "hermes"), [join(ROOT, "app.hbc")], { encoding: "utf8", maxBuffer: 64 << 20 })) as typeof results;
  }, 120_000);

  it.each(VARIANTS.map((v) => [v.label, v] as const))("%s matches Keras", (_label, v) => {
    const c = readCase(join(FIXTURES, v.name));
    const got = results[v.label]!;
    const want = expectedOf(c);
    expect(got.length).toBe(want.length);
    want.forEach((outputs, n) => outputs.forEach((w, k) => {
      expect(worstExcess(got[n]![k]!, w, c.atol, c.rtol).excess, `${v.label} call ${n} output ${k}`).toBeLessThanOrEqual(0);
    }));
  });
});
