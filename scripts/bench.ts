/**
 * npm run bench: keras2ts-generated modules vs TensorFlow.js (pure-JS cpu backend, the peer users
 * pick today) on the same Keras models, in one run. Reports single-sample predict latency, the
 * ratio tfjs / keras2ts, accuracy against Keras' recorded outputs, generation time and shipped size.
 *
 *   npm run bench                 all benchmark models
 *   npm run bench -- --quick      shorter timing windows (for a smoke run)
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { pathToFileURL } from "node:url";
import { generate, loadModel } from "../generator/index.js";
import { buildTfjsReference, NoReference } from "../test/helpers/tfjs-reference.js";
import { flatten, REPO, SHARED, type KerasCase } from "../test/helpers/cases.js";

const QUICK = process.argv.includes("--quick");
const WINDOW_MS = QUICK ? 150 : 1000;

interface Subject {
  name: string;
  model: string;
  casePath: string;
}

function subjects(): Subject[] {
  const bench = join(SHARED, "fixtures/bench");
  const list = readdirSync(bench).sort().map((d) => ({ name: d, model: join(bench, d, "model.keras"), casePath: join(bench, d, "case.json") }));
  const example = join(REPO, "examples/char_lstm");
  return [{ name: "char_lstm (example)", model: join(example, "model.keras"), casePath: join(example, "case.json") }, ...list];
}

/** Median time per call in microseconds, over 5 windows after a warm-up. */
function time(fn: () => void): number {
  const warmUntil = performance.now() + WINDOW_MS / 2;
  let calls = 0;
  while (performance.now() < warmUntil || calls < 5) (fn(), calls++);
  const perWindow = Math.max(1, Math.round((calls / (WINDOW_MS / 2)) * (WINDOW_MS / 5)));
  const samples: number[] = [];
  for (let w = 0; w < 5; w++) {
    const t = performance.now();
    for (let i = 0; i < perWindow; i++) fn();
    samples.push(((performance.now() - t) * 1000) / perWindow);
  }
  return samples.sort((a, b) => a - b)[2]!;
}

function maxDiff(got: ArrayLike<number>, want: number[]): number {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
  return got.length === want.length ? d : Infinity;
}

const fmt = (us: number) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

async function benchOne(s: Subject, tmp: string) {
  const bytes = new Uint8Array(readFileSync(s.model));
  const kerasCase = JSON.parse(readFileSync(s.casePath, "utf8")) as KerasCase;
  const xs = kerasCase.inputs.map((t) => flatten((t.data as unknown[])[0]));
  const want = flatten((kerasCase.outputs[0]!.data as unknown[])[0]);

  const genStart = performance.now();
  const tsFiles = await generate(bytes, "model.ts", { sourceName: basename(s.model) });
  const genMs = performance.now() - genStart;
  const moduleText = tsFiles[0]!.text;
  const base64Text = (await generate(bytes, "model.ts", { sourceName: basename(s.model), weightEncoding: "base64" }))[0]!.text;
  const dir = join(tmp, s.name.replace(/\W+/g, "_"));
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, "model.mjs", { sourceName: basename(s.model), language: "js" })) writeFileSync(join(dir, f.name), f.text);
  const ours = (await import(pathToFileURL(join(dir, "model.mjs")).href)) as { predict: (...a: ArrayLike<number>[]) => Float32Array | Float32Array[] };
  const first = (r: Float32Array | Float32Array[]) => (Array.isArray(r) ? r[0]! : r);
  const oursDiff = maxDiff(first(ours.predict(...xs)), want);
  const oursUs = time(() => ours.predict(...xs));

  let tfjs: { us: number; diff: number } | string;
  try {
    const ref = await buildTfjsReference(await loadModel(bytes, { sourceName: basename(s.model) }));
    const diff = maxDiff(ref.predict(...xs)[0]!, want);
    tfjs = { us: time(() => ref.predict(...xs)), diff };
    ref.dispose();
  } catch (err) {
    if (!(err instanceof NoReference)) throw err;
    tfjs = `cannot run it: ${err.message}`;
  }
  const runtimeText = tsFiles[1]?.text ?? "";
  return { s, genMs, moduleText, base64Text, runtimeText, oursUs, oursDiff, tfjs };
}

async function main(): Promise<void> {
  const tmp = join(tmpdir(), `keras2ts-bench-${process.pid}`);
  const rows: string[] = [];
  const sizes: string[] = [];
  try {
    for (const s of subjects()) {
      const r = await benchOne(s, tmp);
      const t = typeof r.tfjs === "string" ? null : r.tfjs;
      rows.push(
        `| ${s.name} | ${fmt(r.oursUs)} | ${t ? fmt(t.us) : "—"} | ${t ? `**${(t.us / r.oursUs).toFixed(1)}×**` : typeof r.tfjs === "string" ? r.tfjs : ""} | ${r.oursDiff.toExponential(1)} | ${t ? t.diff.toExponential(1) : "—"} |`,
      );
      sizes.push(`| ${s.name} | ${r.genMs.toFixed(0)} ms | ${kb(r.moduleText.length)} | ${kb(gzipSync(r.moduleText).length)} | ${kb(r.base64Text.length)} | ${kb(gzipSync(r.base64Text).length)} |`);
      console.error(`done: ${s.name}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const runtime = readFileSync(join(REPO, "runtime/keras2ts-runtime.ts"), "utf8");
  const tfjsBundle = readFileSync(join(REPO, "node_modules/@tensorflow/tfjs/dist/tf.min.js"));
  console.log(`keras2ts benchmark — Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${QUICK ? " (quick)" : ""}\n`);
  console.log("Single-sample predict latency (median of 5 windows) and max |difference| from Keras' recorded output:\n");
  console.log("| model | keras2ts | tfjs (cpu) | tfjs / keras2ts | keras2ts max diff | tfjs max diff |");
  console.log("|---|---|---|---|---|---|");
  rows.forEach((r) => console.log(r));
  console.log("\nGeneration (TypeScript, in-process) and generated module size (weights inlined as text):\n");
  console.log("| model | generate | module | module gzip | with --weights base64 | base64 gzip |");
  console.log("|---|---|---|---|---|---|");
  sizes.forEach((r) => console.log(r));
  const shipped = gzipSync(runtime).length;
  console.log(`\nShared runtime: ${kb(runtime.length)} (${kb(shipped)} gzip) TypeScript, written once beside the modules;`);
  console.log(`tfjs bundle it replaces: tf.min.js ${kb(tfjsBundle.length)} (${kb(gzipSync(tfjsBundle).length)} gzip), before any model.`);
}

await main();
