// npm run fuzz: derives bad inputs from ../shared/fixtures and checks keras2ts fails cleanly on each.
// Most run in-process (a worker thread, timed out after 8 s, memory capped at 3 GB); a sample runs through the real CLI.
// Options: --seed N, --every K (every k-th mutant), --filter TEXT, --cli N (CLI sample size), --json FILE,
// --root DIR (a copy of the package to test, e.g. a snapshot of dist/ taken while others rebuild it).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { MEMORY_LIMIT_MB, runCliSample, TIME_LIMIT_MS } from "./fuzz/cli-sample.js";
import { bugs, countTable } from "./fuzz/report.js";
import { selectRecipes } from "./fuzz/select.js";
import { REPO } from "./fuzz/sources.js";

const args = parseArgs(process.argv.slice(2));
const selection = { seed: Number(args.seed ?? 1), every: Number(args.every ?? 1), filter: args.filter ?? "" };
const root = args.root ?? REPO;
const libUrl = pathToFileURL(join(root, "dist/generator/index.js")).href;

const recipes = await selectRecipes(selection);
console.log(`keras2ts fuzz: seed ${selection.seed}, ${recipes.length} mutants from ../shared/fixtures`);
const results = await runInWorkers(recipes.length);
console.log(`\nIn-process (library API + CLI error formatting), ${results.length} mutants:\n${countTable(results)}`);

const cliCount = Number(args.cli ?? 40);
const step = Math.max(1, Math.floor(recipes.length / cliCount));
const sample = recipes.filter((_, i) => i % step === 0).slice(0, cliCount);
const cliResults = await runCliSample(sample, join(root, "bin/keras2ts.js"));
console.log(`\nThrough the CLI (node bin/keras2ts.js generate), ${cliResults.length} mutants:\n${countTable(cliResults)}`);
console.log(`slowest: in-process ${Math.max(...results.map((r) => r.ms))} ms, CLI ${Math.max(...cliResults.map((r) => r.ms))} ms`);

const found = [...bugs(results), ...bugs(cliResults)];
const harness = results.filter((r) => r.outcome === "harness-error");
for (const r of [...found, ...harness]) console.log(`${r.outcome}: ${r.id}: ${r.detail}`);
if (args.json) writeFileSync(args.json, `${JSON.stringify({ selection, results, cliResults }, null, 1)}\n`);
console.log(found.length === 0 ? "\nno bugs found" : `\n${found.length} bug(s) found`);
process.exitCode = found.length === 0 && harness.length === 0 ? 0 : 1;

/** Runs every recipe in a worker; a recipe silent for longer than the limit is a hang: kill, record, resume. */
async function runInWorkers(count) {
  const out = [];
  for (let start = 0; start !== undefined && start < count; ) {
    const { results, resumeAt } = await runWorker(start);
    out.push(...results);
    start = resumeAt;
  }
  return out;
}

function failed(index, outcome, detail) {
  const r = recipes[index];
  return { id: r.id, category: r.category, expect: r.expect, outcome, detail, ms: TIME_LIMIT_MS };
}

function runWorker(start) {
  return new Promise((resolve) => {
    const results = [];
    // A JavaScript heap ceiling per worker (an out-of-memory worker is a crash, counted as a bug).
    const worker = new Worker(new URL("./fuzz/worker.js", import.meta.url), { workerData: { ...selection, start, libUrl }, stderr: true, resourceLimits: { maxOldGenerationSizeMb: MEMORY_LIMIT_MB } });
    worker.stderr.resume(); // h5wasm may print; the CLI sample checks stderr, not this worker
    let current = start;
    let timer;
    const stop = (outcome, detail) => {
      clearTimeout(timer);
      void worker.terminate();
      results.push(failed(current, outcome, detail));
      resolve({ results, resumeAt: current + 1 });
    };
    worker.on("message", (m) => {
      if (m.type === "start") {
        current = m.index;
        clearTimeout(timer);
        // + the time to make the mutant, which is not keras2ts' time
        timer = setTimeout(() => stop("timeout", `no result within ${TIME_LIMIT_MS} ms`), TIME_LIMIT_MS + 2000);
      } else if (m.type === "result") {
        const over = m.result.rssMb > MEMORY_LIMIT_MB;
        results.push(over ? { ...m.result, outcome: "over-memory", detail: `resident memory ${m.result.rssMb} MB after this input, over ${MEMORY_LIMIT_MB} MB` } : m.result);
        if (results.length % 250 === 0) process.stdout.write(`  ${m.index + 1}/${recipes.length}\n`);
      } else if (m.type === "done") {
        clearTimeout(timer);
        void worker.terminate();
        resolve({ results, resumeAt: undefined });
      }
    });
    worker.on("error", (err) => stop("worker-crash", String(err).slice(0, 300)));
  });
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, "")] = argv[i + 1];
  return out;
}
