/**
 * npm run bench: keras2ts-generated modules against TensorFlow.js 4.22 (cpu and wasm backends) and a
 * plain-JS roofline on the same models and weights, in one run. Per model and input kind (dense, and
 * one-hot where the recorded input is one-hot): single-sample predict latency of our JS and wasm
 * kernels, tfjs-cpu, tfjs-wasm and the roofline; accuracy against Keras; cold start (fresh process,
 * import + first predict); `tsc` on a project holding the module; size raw and gzipped per weight
 * encoding; generation time and peak memory (child processes); the module on Hermes; and generation
 * of a synthetic 10M-parameter model.
 *
 *   npm run bench                 everything
 *   npm run bench -- --quick      shorter timing windows, one cold-start run, no 10M model
 */
import "@tensorflow/tfjs-backend-wasm";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { generate, loadModel, type GenerateOptions } from "../generator/index.js";
import type { Model } from "../generator/ir/types.js";
import { flatten, REPO, SHARED, type KerasCase } from "../test/helpers/cases.js";
import { buildTfjsReference, NoReference } from "../test/helpers/tfjs-reference.js";
import { coldStart, generateCost, hermesRun, tscCost, type ProcessCost } from "./bench/children.js";
import { macs, modelProducts, roofline } from "./bench/roofline.js";
import { smallLstm, tenMillion } from "./bench/synthetic.js";
import { formatMicros, timePerCall } from "./bench/timing.js";

const QUICK = process.argv.includes("--quick");
const WINDOW_MS = QUICK ? 150 : 1000;
const ENCODINGS = ["literal", "base64", "f16", "int8"] as const;
/** The lossy encodings, each with its own share-of-base64 and accuracy columns. */
const LOSSY = ["f16", "int8"] as const;
type Encoding = (typeof ENCODINGS)[number];

interface Subject {
  readonly name: string;
  readonly model: string;
  /** Keras' recorded input and output, when the model comes with them. */
  readonly casePath?: string;
}

interface Ours {
  predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[];
}
interface Kernels {
  setKernels(choice: "auto" | "js" | "wasm"): void;
}

const time = (fn: () => unknown): number => timePerCall(fn, WINDOW_MS);

const first = (r: Float32Array | Float32Array[]) => (Array.isArray(r) ? r[0]! : r);
function maxDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i]! - want[i]!));
  return got.length === want.length ? d : Infinity;
}
const fmt = formatMicros;
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MB` : `${(n / 1024).toFixed(1)} KB`);
const cost = (c: ProcessCost) => `${c.seconds.toFixed(1)} s, ${(c.maxRss / (1 << 20)).toFixed(0)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(a / b >= 100 ? 0 : 1)}×`;

function subjects(tmp: string, small: Uint8Array): Subject[] {
  const bench = join(SHARED, "fixtures/bench");
  const smallPath = join(tmp, "small_lstm.keras");
  writeFileSync(smallPath, small);
  const list = readdirSync(bench).sort().map((d) => ({ name: d, model: join(bench, d, "model.keras"), casePath: join(bench, d, "case.json") }));
  const example = join(REPO, "examples/char_lstm");
  const attention = join(SHARED, "fixtures/keras/mha_encoder");
  return [
    { name: "small LSTM(8) on (5,4)", model: smallPath },
    { name: "char_lstm (example)", model: join(example, "model.keras"), casePath: join(example, "case.json") },
    ...list,
    // Attention (MultiHeadAttention encoder block); tfjs has no MultiHeadAttention layer to compare with.
    { name: "mha_encoder (fixture)", model: join(attention, "model.keras"), casePath: join(attention, "case.json") },
  ];
}

/** Every row of the recorded (T, F) input holds a single 1: a one-hot text model. */
function isOneHot(x: readonly number[], features: number): boolean {
  if (features < 2) return false;
  for (let r = 0; r < x.length; r += features) {
    const row = x.slice(r, r + features);
    if (row.filter((v) => v === 1).length !== 1 || row.some((v) => v !== 0 && v !== 1)) return false;
  }
  return true;
}

/** Bench inputs: a dense one always, a one-hot one when the recorded input is one-hot. */
function inputsFor(model: Model, recorded: number[] | undefined): { kind: string; x: Float32Array }[] {
  const shape = model.values[model.inputs[0]!.value]!.shape.map(Number);
  const size = shape.reduce((a, b) => a * b, 1);
  const features = shape[shape.length - 1]!;
  const kinds = [{ kind: "dense", x: Float32Array.from({ length: size }, (_, i) => Math.sin(i * 0.37) * 0.8) }];
  if (recorded && isOneHot(recorded, features)) {
    const x = new Float32Array(size);
    for (let r = 0; r < size / features; r++) x[r * features + ((r * 7919) % features)] = 1;
    kinds.push({ kind: "one-hot", x });
  }
  return kinds;
}

async function writeModule(bytes: Uint8Array, dir: string, out: string, options: Partial<GenerateOptions>): Promise<string> {
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, out, { sourceName: "model.keras", ...options })) writeFileSync(join(dir, f.name), f.text);
  return join(dir, out);
}

async function tfjsTimes(model: Model, x: Float32Array, want?: number[]) {
  const result: Record<string, { us: number; diff?: number; out: Float32Array } | string> = {};
  for (const backend of ["cpu", "wasm"] as const) {
    try {
      const ref = await buildTfjsReference(model, backend);
      const out = ref.predict(x)[0]!;
      result[backend] = { us: time(() => ref.predict(x)), out, ...(want ? { diff: maxDiff(out, want) } : {}) };
      ref.dispose();
    } catch (err) {
      if (!(err instanceof NoReference)) throw err;
      result[backend] = err.message;
    }
  }
  return result;
}

async function benchOne(s: Subject, tmp: string, out: Tables): Promise<void> {
  const bytes = new Uint8Array(readFileSync(s.model));
  const model = await loadModel(bytes, { sourceName: "model.keras" });
  const kerasCase = s.casePath ? (JSON.parse(readFileSync(s.casePath, "utf8")) as KerasCase) : undefined;
  const recorded = kerasCase ? flatten((kerasCase.inputs[0]!.data as unknown[])[0]) : undefined;
  const want = kerasCase ? flatten((kerasCase.outputs[0]!.data as unknown[])[0]) : undefined;
  const dir = join(tmp, s.name.replace(/\W+/g, "_"));
  const params = model.calls.reduce((n, c) => n + c.layer.weights.reduce((m, w) => m + w.data.length, 0), 0);

  // Generation in child processes (the CLI as users run it), one per encoding; these TS files go to tsc.
  const gen: Record<Encoding, ProcessCost> = {} as Record<Encoding, ProcessCost>;
  const text: Record<Encoding, string> = {} as Record<Encoding, string>;
  for (const enc of ENCODINGS) {
    const ts = join(dir, `ts-${enc}`, "model.ts");
    gen[enc] = generateCost(s.model, ts, ["--weights", enc]);
    text[enc] = readFileSync(ts, "utf8");
  }
  const mjs = await writeModule(bytes, join(dir, "mjs"), "model.mjs", { language: "js" }); // the default ("auto")
  const mjsBy: Record<Encoding, string> = {} as Record<Encoding, string>;
  for (const enc of ENCODINGS) mjsBy[enc] = await writeModule(bytes, join(dir, `mjs-${enc}`), "model.mjs", { language: "js", weightEncoding: enc });
  const inline = await writeModule(bytes, join(dir, "inline"), "model.mjs", { language: "js", inlineRuntime: true });
  const defaultEncoding = readFileSync(mjs, "utf8").includes("decodeFloat32(\"") ? "base64" : "literal";

  // Latency, in this process.
  const ours = (await import(pathToFileURL(mjs).href)) as Ours;
  const kernels = (await import(pathToFileURL(join(dir, "mjs", "keras2ts-runtime.mjs")).href)) as Kernels;
  const products = modelProducts(model);
  const roof = products ? time(roofline(products)) : undefined;
  if (recorded && want) {
    const diffs = (["js", "wasm"] as const).map((k) => (kernels.setKernels(k), maxDiff(first(ours.predict(recorded)).slice(), want)));
    const tf = await tfjsTimes(model, Float32Array.from(recorded), want);
    const tfDiff = (b: string) => (typeof tf[b] === "string" ? "—" : (tf[b] as { diff: number }).diff.toExponential(1));
    out.accuracy.push(`| ${s.name} | ${diffs[0]!.toExponential(1)} | ${diffs[1]!.toExponential(1)} | ${tfDiff("cpu")} | ${tfDiff("wasm")} |`);
  }
  let hermesInput: Float32Array | undefined;
  let nodeJsUs = 0;
  for (const { kind, x } of inputsFor(model, recorded)) {
    kernels.setKernels("js");
    const js = time(() => ours.predict(x));
    const jsOut = first(ours.predict(x)).slice();
    kernels.setKernels("auto");
    const wasm = time(() => ours.predict(x));
    const same = maxDiff(first(ours.predict(x)), jsOut) === 0;
    const tf = await tfjsTimes(model, x);
    const tfCell = (b: string) => (typeof tf[b] === "string" ? `— (${tf[b]})` : fmt((tf[b] as { us: number }).us));
    const vs = (b: string) => (typeof tf[b] === "string" ? "—" : ratio((tf[b] as { us: number }).us, wasm));
    out.latency.push(
      `| ${s.name} | ${kind} | ${fmt(js)} | ${fmt(wasm)}${same ? "" : " (bits differ!)"} | ${tfCell("cpu")} | ${tfCell("wasm")} | ${roof ? fmt(roof) : "—"} | ${roof ? ratio(js, roof) : "—"} | ${vs("cpu")} | ${vs("wasm")} |`,
    );
    if (kind === "dense") {
      hermesInput = x;
      nodeJsUs = js;
    }
  }
  if (products) out.notes.push(`${s.name}: ${(macs(products) / 1e6).toFixed(2)}M multiply-adds per predict`);

  // Fresh processes: cold start, tsc, Hermes.
  const x0 = hermesInput!;
  const runs = QUICK ? 1 : 3;
  const cold = ENCODINGS.map((enc) => `${coldStart(mjsBy[enc], x0, runs).toFixed(0)} ms`);
  const tsc = ENCODINGS.map((enc) => cost(tscCost(join(dir, `ts-${enc}`, "model.ts"), join(dir, `ts-${enc}`))));
  out.start.push(`| ${s.name} | ${defaultEncoding} | ${cold.join(" | ")} | ${tsc.join(" | ")} |`);
  const sizes = ENCODINGS.map((enc) => `${kb(text[enc].length)} / ${kb(gzipSync(text[enc]).length)}`);
  const share = (enc: Encoding) =>
    `${((100 * text[enc].length) / text.base64.length).toFixed(0)}% / ${((100 * gzipSync(text[enc]).length) / gzipSync(text.base64).length).toFixed(0)}%`;
  const change = (enc: Encoding) => /largest change (\S+) /.exec(text[enc])?.[1] ?? "?";
  const lossyCells = LOSSY.flatMap((enc) => [share(enc), change(enc)]);
  out.size.push(`| ${s.name} | ${(params / 1e6).toFixed(3)}M | ${ENCODINGS.map((enc) => cost(gen[enc])).join(" | ")} | ${sizes.join(" | ")} | ${lossyCells.join(" | ")} |`);
  if (want) {
    const diffs: string[] = [];
    for (const enc of LOSSY) {
      const lossy = (await import(pathToFileURL(mjsBy[enc]).href)) as Ours;
      diffs.push(maxDiff(first(lossy.predict(recorded!)), want).toExponential(1));
    }
    out.lossy.push(`| ${s.name} | ${diffs.join(" | ")} | ${kerasCase!.atol} + ${kerasCase!.rtol}·|y| |`);
  }

  const hermes = hermesRun(readFileSync(inline, "utf8"), join(dir, "inline"), x0, QUICK ? 500 : 2000);
  if (typeof hermes === "string") out.hermes.push(`| ${s.name} | — (${hermes}) | ${fmt(nodeJsUs)} | — |`);
  else {
    kernels.setKernels("js");
    const diff = maxDiff(hermes.output, first(ours.predict(x0)));
    kernels.setKernels("auto");
    out.hermes.push(`| ${s.name} | ${fmt(hermes.us)} | ${fmt(nodeJsUs)} | ${diff.toExponential(1)} | ${hermes.compileRunSeconds.toFixed(1)} s |`);
  }
}

interface Tables {
  latency: string[];
  accuracy: string[];
  start: string[];
  size: string[];
  hermes: string[];
  notes: string[];
  /** Max |difference| from Keras per lossy encoding. */
  lossy: string[];
}

function table(header: string, rows: readonly string[]): void {
  const cols = header.split("|").length - 2;
  console.log(header);
  console.log(`|${"---|".repeat(cols)}`);
  rows.forEach((r) => console.log(r));
  console.log("");
}

async function main(): Promise<void> {
  const tmp = join(tmpdir(), `keras2ts-bench-${process.pid}`);
  const out: Tables = { latency: [], accuracy: [], start: [], size: [], hermes: [], notes: [], lossy: [] };
  const loadBefore = loadavg();
  let tenM: string[] = [];
  try {
    mkdirSync(tmp, { recursive: true });
    for (const s of subjects(tmp, await smallLstm())) {
      await benchOne(s, tmp, out);
      console.error(`done: ${s.name}`);
    }
    if (!QUICK) tenM = await tenMillionRow(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const loadAfter = loadavg();
  const runtime = readFileSync(join(REPO, "runtime/keras2ts-runtime.ts"), "utf8");
  const tfjsBundle = readFileSync(join(REPO, "node_modules/@tensorflow/tfjs/dist/tf.min.js"));
  const load = (l: number[]) => l.map((v) => v.toFixed(2)).join(" ");
  console.log(`keras2ts benchmark — ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, Node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? "?"}${QUICK ? " (quick)" : ""}`);
  console.log(`load average (1/5/15 min) at start ${load(loadBefore)}, at end ${load(loadAfter)}\n`);
  console.log("Single-sample predict latency (median of 5 windows). keras2ts JS = setKernels(\"js\"); wasm = the default");
  console.log("(\"auto\": WebAssembly SIMD for products of ≥ 1024 multiply-adds). Ratios: JS / roofline, tfjs / keras2ts default.\n");
  table("| model | input | keras2ts JS | keras2ts wasm | tfjs-cpu | tfjs-wasm | plain-JS roofline | JS / roofline | tfjs-cpu / ours | tfjs-wasm / ours |", out.latency);
  console.log(out.notes.join("; ") + ".\n");
  console.log("Max |difference| from Keras' recorded output:\n");
  table("| model | keras2ts JS | keras2ts wasm | tfjs-cpu | tfjs-wasm |", out.accuracy);
  console.log("Cold start (fresh Node process: import + first predict, median of " + (QUICK ? 1 : 3) + ") and `tsc --noEmit` (strict) on a project holding the TypeScript module,");
  console.log("per weight encoding (the default, \"auto\", is literal up to 250,000 weight values and base64 above):\n");
  const each = (what: string, encodings: readonly string[] = ENCODINGS) => encodings.map((enc) => ` ${what}${enc} |`).join("");
  table(`| model | default encoding |${each("cold start ")}${each("tsc ")}`, out.start);
  console.log("Generation (CLI in a child process: wall time, peak RSS) and module size (raw / gzip) per weight encoding:\n");
  const lossyHeads = LOSSY.map((enc) => ` ${enc} / base64 (raw / gzip) | ${enc} largest weight change |`).join("");
  table(`| model | parameters |${each("generate ")}${each("")}${lossyHeads}`, out.size);
  console.log("--weights f16 and int8: max |difference| from Keras' recorded output (the conformance tolerance beside it):\n");
  table(`| model |${each("", LOSSY).replace(/ \|/g, " max diff |")} tolerance |`, out.lossy);
  if (tenM.length > 0) table(`| synthetic model | parameters |${each("generate ")}`, tenM);
  console.log("Hermes (hermes-engine-cli 0.12, `hermes -O`, no WebAssembly: the JS kernels), the --inline-runtime module as one script:\n");
  table("| model | Hermes predict | Node predict (JS kernels) | max abs(Hermes − Node) | Hermes compile + run |", out.hermes);
  console.log(`Shared runtime: ${kb(runtime.length)} (${kb(gzipSync(runtime).length)} gzip) TypeScript, written once beside the modules;`);
  console.log(`tfjs bundle it replaces: tf.min.js ${kb(tfjsBundle.length)} (${kb(gzipSync(tfjsBundle).length)} gzip), before any model.`);
}

/** Generation of a ~10M-parameter LSTM written with the test writers: both encodings. */
async function tenMillionRow(tmp: string): Promise<string[]> {
  const path = join(tmp, "ten_million.keras");
  if (!existsSync(path)) writeFileSync(path, await tenMillion());
  const model = await loadModel(new Uint8Array(readFileSync(path)), { sourceName: "ten_million.keras" });
  const params = model.calls.reduce((n, c) => n + c.layer.weights.reduce((m, w) => m + w.data.length, 0), 0);
  const costs = ENCODINGS.map((enc) => generateCost(path, join(tmp, `ten-${enc}`, "model.ts"), ["--weights", enc]));
  return [`| LSTM(1024) on (2, 1400) → Dense(1000) | ${(params / 1e6).toFixed(2)}M | ${costs.map(cost).join(" | ")} |`];
}

await main();
