/**
 * A quick latency check of the small RNN (LSTM(8) on (5, 4) → Dense(3)):
 * median µs per predict with kernels "auto" and "js", against tfjs cpu/wasm on the same weights
 * and the plain-JS roofline. `npx tsx scripts/bench/small-rnn.ts [--no-tfjs]`
 */
import "@tensorflow/tfjs-backend-wasm";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { generate, loadModel } from "../../generator/index.js";
import { buildTfjsReference } from "../../test/helpers/tfjs-reference.js";
import { modelProducts, roofline } from "./roofline.js";
import { timePerCall } from "./timing.js";
import { smallLstm } from "./synthetic.js";

/** Median µs per call over 7 wall-clock windows, as npm run bench times. */
const time = (fn: () => unknown, ms = 400): number => timePerCall(fn, ms, 7);

const bytes = await smallLstm();
const dir = join(tmpdir(), `small-rnn-${process.pid}`);
mkdirSync(dir, { recursive: true });
for (const f of await generate(bytes, "model.mjs", { sourceName: "model.keras", language: "js" })) writeFileSync(join(dir, f.name), f.text);
const ours = (await import(pathToFileURL(join(dir, "model.mjs")).href)) as { predict(x: Float32Array): Float32Array };
const rt = (await import(pathToFileURL(join(dir, "keras2ts-runtime.mjs")).href)) as { setKernels(k: string): void };
const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i * 0.37) * 0.8);
const model = await loadModel(bytes, { sourceName: "model.keras" });
const row: Record<string, string> = {};
rt.setKernels("js");
const jsOut = ours.predict(x).slice();
row["js"] = time(() => ours.predict(x)).toFixed(2);
rt.setKernels("auto");
row["auto"] = time(() => ours.predict(x)).toFixed(2);
row["same bits"] = String(ours.predict(x).every((v, i) => Object.is(v, jsOut[i])));
row["roofline"] = time(roofline(modelProducts(model)!)).toFixed(2);
if (!process.argv.includes("--no-tfjs")) {
  for (const backend of ["cpu", "wasm"] as const) {
    const ref = await buildTfjsReference(model, backend);
    row[`tfjs-${backend}`] = time(() => ref.predict(x)).toFixed(1);
    ref.dispose();
  }
}
console.log(JSON.stringify(row));
