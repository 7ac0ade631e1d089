// Runs mutants through the real CLI as a subprocess: exit code, one stderr line, 8 s, nothing left behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const EXT = { keras: ".keras", h5: ".h5", weights: ".weights.h5" };
const FLAGS = { maxUnzippedBytes: "--max-unzipped-bytes", maxWeightElements: "--max-weights", maxOutputBytes: "--max-output-bytes" };
// The HDF5 read budget of a small file is 4 s (3 s + 1 s per started 8 MiB); the rest is start-up.
export const TIME_LIMIT_MS = 8000;
/** Resident memory (whole process) past which an input counts as a failure. */
export const MEMORY_LIMIT_MB = 3072;

/** Runs each recipe through `bin`; returns one result per recipe with outcome "cli-*" or a bug outcome. */
export async function runCliSample(recipes, bin) {
  const root = mkdtempSync(join(tmpdir(), "keras2ts-fuzz-"));
  try {
    const results = [];
    for (const [n, recipe] of recipes.entries()) results.push(await runOne(recipe, bin, join(root, String(n))));
    return results;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function runOne(recipe, bin, dir) {
  const input = await recipe.make();
  mkdirSync(join(dir, "in"), { recursive: true });
  const model = join(dir, "in", `model${EXT[recipe.source.format]}`);
  writeFileSync(model, input.bytes);
  const args = [bin, "generate", model, "-o", join(dir, "out", "model.ts")];
  if (input.configText !== undefined) {
    writeFileSync(join(dir, "in", "model.json"), input.configText);
    args.push("--config", join(dir, "in", "model.json"));
  }
  for (const [k, v] of Object.entries(recipe.options ?? {})) args.push(FLAGS[k], String(v));
  const started = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: TIME_LIMIT_MS, killSignal: "SIGKILL" });
  const ms = Math.round(performance.now() - started);
  const base = { id: recipe.id, category: recipe.category, expect: recipe.expect, ms };
  return { ...base, ...judge(recipe, r, model, join(dir, "out"), ms) };
}

function judge(recipe, r, model, outDir, ms) {
  if (r.error || r.signal || ms > TIME_LIMIT_MS) return { outcome: "timeout", detail: `${r.error?.code ?? r.signal ?? ""} after ${ms} ms` };
  const outFiles = existsSync(outDir) ? readdirSync(outDir) : [];
  if (r.status === 0) {
    if (recipe.expect === "reject") return { outcome: "accepted-unexpected", detail: "exit 0" };
    return outFiles.includes("model.ts") ? { outcome: "cli-accepted", detail: "exit 0, module written" } : { outcome: "bad-exit", detail: "exit 0 without a module" };
  }
  const lines = r.stderr.split("\n");
  const oneLine = lines.length === 2 && lines[1] === "" && lines[0].startsWith(`keras2ts: ${model}: `) && !lines[0].includes("internal error");
  if (r.status !== 1 || !oneLine) return { outcome: "bad-message", detail: `exit ${r.status}: ${JSON.stringify(r.stderr.slice(0, 300))}` };
  if (outFiles.length > 0) return { outcome: "left-output", detail: outFiles.join(", ") };
  return { outcome: "cli-rejected", detail: lines[0] };
}
