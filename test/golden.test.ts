/**
 * Committed generated code (out/ and test/golden/) is exactly what the generator writes today.
 * A failure means the output changed: run `npm run regen` and review the diff before committing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/cases.js";
// @ts-expect-error -- plain JS module shared with scripts/regen.js
import { expectedGeneratedFiles } from "../scripts/goldens.js";

const files = (await expectedGeneratedFiles()) as [string, string][];

describe("committed generated files are current", () => {
  it.each(files)("%s", (path, text) => {
    const full = join(REPO, path);
    expect(existsSync(full), `${path} is missing: run npm run regen`).toBe(true);
    expect(readFileSync(full, "utf8") === text, `${path} is stale: run npm run regen and review the diff`).toBe(true);
  });
});
