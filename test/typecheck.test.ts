/** Every module generated from a fixture compiles under tsc --strict, in every output variant. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { caseFormats, caseNames, FIXTURES, generateInto, generateShared } from "./helpers/cases.js";
import { typecheck } from "./helpers/typecheck.js";

describe("generated TypeScript compiles under --strict", () => {
  it("for every supported fixture case, with the runtime file and with the runtime inlined", async () => {
    const files: string[] = [];
    for (const name of caseNames()) {
      const format = caseFormats(join(FIXTURES, name))[0]!;
      for (const inlineRuntime of [false, true]) {
        try {
          files.push(await generateShared(format, inlineRuntime ? { inlineRuntime } : {})); // the plain one is conformance's
        } catch (err) {
          // Unsupported cases are asserted by the conformance suite; anything else is a failure here.
          if (!(err instanceof KerasError)) throw err;
        }
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(16);
    expect(typecheck(files)).toEqual([]);
  });

  it("for a loop (not unrolled) timestep schedule and a variable sequence length", async () => {
    const format = caseFormats(join(FIXTURES, "lstm_stacked"))[0]!;
    const looped = await generateInto("typecheck/looped", format, { unrollLimit: 1 });
    expect(typecheck([looped])).toEqual([]);
  });
});
