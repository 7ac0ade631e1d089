/**
 * A fixed-seed slice of `npm run fuzz`: bad inputs derived from the fixtures must each fail with one
 * clean line (or, if still a valid model, generate a module that runs), never an internal error,
 * within 8 s (the HDF5 read budget of a small file is 4 s), including issue 8's hostile kinds (HDF5 link
 * graphs, huge chunks, zeroed blocks, deep JSON, graph blow-ups); a few also go through the real CLI
 * (exit 1, one stderr line, no output left behind).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as api from "../generator/index.js";
import { formatInspect, inspectModel } from "../generator/inspect.js";
import { REPO } from "./helpers/cases.js";
import { runRecipe, type FuzzResult, type Recipe } from "../scripts/fuzz/check.js";
import { runCliSample, TIME_LIMIT_MS } from "../scripts/fuzz/cli-sample.js";
import { bugs, countTable } from "../scripts/fuzz/report.js";
import { selectRecipes } from "../scripts/fuzz/select.js";

const SEED = 7;
const lib = { ...api, inspectModel, formatInspect };

describe("fuzz slice (seed 7)", () => {
  let recipes: Recipe[];

  it("every mutant fails cleanly or yields a working module, in-process", async () => {
    recipes = await selectRecipes({ seed: SEED, every: 40 });
    expect(recipes.length).toBeGreaterThan(100);
    const results: FuzzResult[] = [];
    for (const r of recipes) results.push(await runRecipe(lib, r));
    console.log(countTable(results));
    expect(bugs(results)).toEqual([]);
    expect(new Set(results.map((r) => r.category))).toEqual(new Set(["truncate", "bitflip", "zip", "json", "weights", "hostile"]));
    expect(Math.max(...results.map((r) => r.ms))).toBeLessThan(TIME_LIMIT_MS);
  }, 300_000);

  it("through the CLI: exit 1 with exactly one line, or a module; nothing left behind", async () => {
    const pick = ["truncate", "zip", "json", "weights", "hostile"].map((c) => recipes.find((r) => r.category === c && r.expect !== "same")!);
    const results = await runCliSample(pick, join(REPO, "bin/keras2ts.js"));
    expect(bugs(results)).toEqual([]);
    expect(results.every((r) => r.outcome === "cli-rejected" || r.outcome === "cli-accepted")).toBe(true);
  }, 120_000);
});
