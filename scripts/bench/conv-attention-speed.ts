/**
 * Conv and attention speed, keras2ts JS kernels against the wasm ones (and tfjs cpu/wasm where its
 * layers exist): whole models (the Conv1D bench front end, the attention fixtures, synthetic larger
 * Conv1D/Conv2D/MHA models) and the runtime functions alone. Medians of 5 windows after a warm-up.
 *
 *   npx tsx scripts/bench/conv-attention-speed.ts
 *   BASELINE_RUNTIME=old-runtime.ts npx tsx scripts/bench/conv-attention-speed.ts   adds a column: the
 *     same modules on another runtime (e.g. `git show <commit>:runtime/keras2ts-runtime.ts`), default kernels
 */
import "@tensorflow/tfjs-backend-wasm";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generateFromModel, loadModel, toJavaScript, type Model } from "../../generator/index.js";
import { runPasses } from "../../generator/passes/index.js";
import { SHARED } from "../../test/helpers/cases.js";
import { modelFromConfig, sequential } from "../../test/helpers/ir.js";
import { keras3Functional } from "../../test/helpers/keras3-arch.js";
import { randomWeights } from "../../test/helpers/layer-models.js";
import { buildTfjsReference, NoReference } from "../../test/helpers/tfjs-reference.js";
import * as rt from "../../runtime/keras2ts-runtime.js";
import { formatMicros, timePerCall } from "./timing.js";

const WINDOW_MS = 600;

const time = (fn: () => unknown): number => timePerCall(fn, WINDOW_MS);

const fmt = formatMicros;

interface Ours {
  predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[];
}
interface Kernels {
  setKernels(choice: "auto" | "js" | "wasm"): void;
}

function synthetic(arch: unknown, seed: number): Model {
  return runPasses(modelFromConfig(arch, randomWeights(arch, seed)));
}

const conv1dArch = sequential([256, 32], [
  ["Conv1D", { name: "c1", filters: 64, kernel_size: [5], padding: "same", activation: "relu" }],
  ["Conv1D", { name: "c2", filters: 64, kernel_size: [3], padding: "valid", dilation_rate: [2], activation: "relu" }],
  ["Flatten", { name: "flat" }], // (tfjs-reference.ts has Flatten, not GlobalAveragePooling1D)
  ["Dense", { name: "d", units: 10 }],
]);
const conv2dArch = sequential([32, 32, 16], [
  ["Conv2D", { name: "c1", filters: 32, kernel_size: [3, 3], padding: "same", activation: "relu" }],
  ["Conv2D", { name: "c2", filters: 32, kernel_size: [3, 3], strides: [2, 2], padding: "valid", activation: "relu" }],
  ["GlobalAveragePooling2D", { name: "gap" }],
  ["Dense", { name: "d", units: 10 }],
]);
const mhaArch = keras3Functional([["x", [64, 128]]], [
  { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 8, key_dim: 16, value_dim: 16 }, args: [["x", 0], ["x", 0]] },
], [["mha", 0]]);

async function subjects(): Promise<{ name: string; model: Model }[]> {
  const file = async (p: string) => loadModel(new Uint8Array(readFileSync(p)), { sourceName: "model.keras" });
  return [
    { name: "bench_conv_lstm (Conv1D(32,k5) on (64,6) → LSTM(64))", model: await file(join(SHARED, "fixtures/bench/bench_conv_lstm/model.keras")) },
    { name: "mha_encoder fixture (2 heads, key_dim 8, T 10)", model: await file(join(SHARED, "fixtures/keras/mha_encoder/model.keras")) },
    { name: "lstm_attention fixture", model: await file(join(SHARED, "fixtures/keras/lstm_attention/model.keras")) },
    { name: "synthetic Conv1D(64,k5 same)+Conv1D(64,k3 d2)+Flatten+Dense(10) on (256,32)", model: synthetic(conv1dArch, 1) },
    { name: "synthetic Conv2D(32,3×3 same)+Conv2D(32,3×3 s2) on (32,32,16)", model: synthetic(conv2dArch, 2) },
    { name: "synthetic MHA(8 heads, key_dim 16)(x, x) on (64,128)", model: synthetic(mhaArch, 3) },
  ];
}

async function tfjsTime(model: Model, x: Float32Array, backend: "cpu" | "wasm"): Promise<string> {
  try {
    const ref = await buildTfjsReference(model, backend);
    const us = time(() => ref.predict(x));
    ref.dispose();
    return fmt(us);
  } catch (err) {
    if (err instanceof NoReference) return "—";
    throw err;
  }
}

async function modelRows(tmp: string): Promise<string[]> {
  const rows: string[] = [];
  let n = 0;
  for (const { name, model } of await subjects()) {
    const dir = join(tmp, `m${n++}`);
    mkdirSync(dir, { recursive: true });
    for (const f of generateFromModel(model, "model.mjs", { sourceName: "model.keras", language: "js" })) writeFileSync(join(dir, f.name), f.text);
    const ours = (await import(pathToFileURL(join(dir, "model.mjs")).href)) as Ours;
    const kernels = (await import(pathToFileURL(join(dir, "keras2ts-runtime.mjs")).href)) as Kernels;
    const xs = model.inputs.map((input) => {
      const size = model.values[input.value]!.shape.map(Number).reduce((a, b) => a * b, 1);
      return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 0.8);
    });
    const out = (k: "js" | "auto") => (kernels.setKernels(k), Array.from([ours.predict(...xs)].flat()[0]!));
    const same = out("js").every((v, i) => Object.is(v, out("auto")[i]));
    kernels.setKernels("js");
    const js = time(() => ours.predict(...xs));
    kernels.setKernels("auto");
    const wasm = time(() => ours.predict(...xs));
    const before = BASELINE ? fmt(await baselineTime(dir, xs)) : "—";
    const tf = xs.length === 1 ? [await tfjsTime(model, xs[0]!, "cpu"), await tfjsTime(model, xs[0]!, "wasm")] : ["—", "—"];
    rows.push(`| ${name} | ${fmt(js)} | ${fmt(wasm)}${same ? "" : " (bits differ!)"} | ${(js / wasm).toFixed(2)}× | ${before} | ${tf[0]} | ${tf[1]} |`);
    console.error(`done: ${name}`);
  }
  return rows;
}

const BASELINE = process.env["BASELINE_RUNTIME"];

/** The module in `dir` run on the baseline runtime (a copy of the module beside it), default kernels. */
async function baselineTime(dir: string, xs: Float32Array[]): Promise<number> {
  const base = join(dir, "baseline");
  mkdirSync(base, { recursive: true });
  writeFileSync(join(base, "keras2ts-runtime.mjs"), toJavaScript(readFileSync(BASELINE!, "utf8")));
  writeFileSync(join(base, "model.mjs"), readFileSync(join(dir, "model.mjs")));
  const ours = (await import(pathToFileURL(join(base, "model.mjs")).href)) as Ours;
  return time(() => ours.predict(...xs));
}

/** The runtime functions alone, "js" against "wasm" (forced). */
function functionRows(): string[] {
  const rnd = (n: number, seed: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + seed));
  const rows: string[] = [];
  const both = (name: string, macs: number, fn: () => void) => {
    rt.setKernels("js");
    const js = time(fn);
    rt.setKernels("wasm");
    const wasm = time(fn);
    rt.setKernels("auto");
    rows.push(`| ${name} | ${(macs / 1e3).toFixed(0)}K | ${fmt(js)} | ${fmt(wasm)} | ${(js / wasm).toFixed(2)}× |`);
  };
  for (const [steps, cin, cout, k] of [[60, 6, 32, 5], [256, 32, 64, 5], [64, 3, 8, 3], [128, 64, 128, 3]] as const) {
    const x = rnd(steps * cin, 1);
    const kernel = Float32Array.from(rnd(k * cin * cout, 2));
    const bias = Float32Array.from(rnd(cout, 3));
    const out = new Float64Array(steps * cout);
    const outSteps = steps - k + 1;
    both(`conv1d (${steps},${cin})→${cout}, k ${k} valid`, outSteps * k * cin * cout, () => rt.conv1d(x, 0, steps, cin, kernel, bias, out, outSteps, cout, k, 1, 1, 0, 1));
  }
  {
    const [h, w, cin, cout] = [32, 32, 16, 32];
    const x = rnd(h * w * cin, 4);
    const kernel = Float32Array.from(rnd(9 * cin * cout, 5));
    const out = new Float64Array(h * w * cout);
    both(`conv2d (32,32,16)→32, 3×3 same`, h * w * 9 * cin * cout, () => rt.conv2d(x, 0, h, w, cin, kernel, null, out, h, w, cout, 3, 3, 1, 1, 1, 1, 1, 1, 1));
  }
  {
    const [h, w, c] = [32, 32, 64];
    const x = rnd(h * w * c, 8);
    const kernel = Float32Array.from(rnd(9 * c, 9));
    const out = new Float64Array(h * w * c);
    both(`depthwiseConv2d (32,32,64), 3×3 same`, h * w * 9 * c, () => rt.depthwiseConv2d(x, 0, h, w, c, kernel, 1, null, out, h, w, 3, 3, 1, 1, 1, 1, 1, 1));
  }
  {
    const [h, w, cin, f] = [16, 16, 32, 16];
    const x = rnd(h * w * cin, 10);
    const kernel = Float32Array.from(rnd(9 * f * cin, 11));
    const out = new Float64Array(32 * 32 * f);
    both(`convTranspose2d (16,16,32)→16, 3×3 s2 same`, h * w * 9 * f * cin, () => rt.convTranspose2d(x, h, w, cin, kernel, null, out, 32, 32, f, 3, 3, 2, 2, 1, 1, 1, 1));
  }
  for (const [t, heads, d] of [[10, 2, 8], [64, 8, 16], [128, 4, 64]] as const) {
    const q = rnd(t * heads * d, 6);
    const key = rnd(t * heads * d, 7);
    const scores = new Float64Array(heads * t * t);
    both(`attentionScores t=s=${t}, ${heads} heads, d ${d}`, heads * t * t * d, () => rt.attentionScores(q, key, t, t, heads, d, 0.25, scores));
    rt.softmax(scores, 0, heads * t, t);
    const out = new Float64Array(t * heads * d);
    both(`attentionCombine t=s=${t}, ${heads} heads, dv ${d}`, heads * t * t * d, () => rt.attentionCombine(scores, key, t, t, heads, d, out));
  }
  return rows;
}

async function main(): Promise<void> {
  const tmp = join(tmpdir(), `keras2ts-convatt-${process.pid}`);
  try {
    console.log("| runtime function | MACs | JS | wasm | JS / wasm |\n|---|---|---|---|---|");
    functionRows().forEach((r) => console.log(r));
    console.log("\n| model | keras2ts JS | keras2ts auto (wasm) | JS / wasm | before (baseline runtime, auto) | tfjs-cpu | tfjs-wasm |\n|---|---|---|---|---|---|---|");
    (await modelRows(tmp)).forEach((r) => console.log(r));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
