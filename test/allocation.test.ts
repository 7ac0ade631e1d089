/**
 * `predict` allocates nothing: inside a session, after the buffers declared once at its top, the
 * generated code creates no arrays, views, closures or objects. Checked on the code generated for
 * every supported fixture (the runtime's own functions are allocation-free by review and test).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { caseFormats, caseNames, FIXTURES, generateShared } from "./helpers/cases.js";

/** Session code that runs on every call: createSession's body minus its one-time declarations. */
export function perCallCode(moduleText: string): string[] {
  const start = moduleText.indexOf("export function createSession(): Session {");
  const end = moduleText.indexOf("\n  return { predict, resetStates };", start);
  return moduleText
    .slice(start, end)
    .split("\n")
    .slice(1)
    .map((line) => line.replace(/\/\/.*$/, "")) // comments are not code
    .map((line) => line.replace(/^( {2}function predict\(.*\)): \[[\w, ]*\] \{$/, "$1 {")) // a tuple return type is not an array literal
    .filter((line) => !/^ {2}(const|let) \w+(: Float32Array\[\]|: \[Float32Array(, Float32Array)*\])? = (new (Float64Array|Float32Array|Uint8Array|Int32Array)\(\d+\)|\[[\w, ]*\]);/.test(line))
    // Variable-length buffers grow when a longer sequence arrives, never otherwise.
    .filter((line) => !/^ {4}if \(\w+\.length (<|!==) [\w *]+\) \{? ?\w+ = new (Float64Array|Float32Array|Uint8Array)\([\w *]+\);/.test(line));
}

const ALLOCATING = /\bnew\b|\.subarray\(|\.slice\(|\.map\(|\.concat\(|=>|\.\.\.|\{\s*\w+\s*:|\[\s*\w+\s*,/;

describe("generated predict allocates nothing", () => {
  it.each(caseNames())("%s", async (name) => {
    const format = caseFormats(join(FIXTURES, name))[0]!;
    let path: string;
    try {
      path = await generateShared(format);
    } catch (err) {
      if (err instanceof KerasError) return; // unsupported: asserted by the conformance suite
      throw err;
    }
    const offending = perCallCode(readFileSync(path, "utf8")).filter((line) => ALLOCATING.test(line));
    expect(offending).toEqual([]);
  });
});
