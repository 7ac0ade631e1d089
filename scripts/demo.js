// npm start: generate out/char_lstm.ts from the bundled example, run it beside Keras' recorded
// outputs, then sample a few lines of text from it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { main } from "../dist/generator/cli.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const example = join(root, "examples/char_lstm");
const outFile = join(root, "out/char_lstm.ts");

console.log("$ keras2ts generate examples/char_lstm/model.keras -o out/char_lstm.ts");
const started = performance.now();
const code = await main(["generate", join(example, "model.keras"), "-o", outFile]);
if (code !== 0) process.exit(code);
console.log(`  generated in ${(performance.now() - started).toFixed(0)} ms\n`);

// Node 20 cannot import .ts: strip the types of the generated files into a temporary folder.
const tmp = mkdtempSync(join(tmpdir(), "keras2ts-demo-"));
for (const name of ["char_lstm", "keras2ts-runtime"]) {
  const source = readFileSync(join(root, "out", `${name}.ts`), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  writeFileSync(join(tmp, `${name}.js`), js);
}
const model = await import(pathToFileURL(join(tmp, "char_lstm.js")).href);
rmSync(tmp, { recursive: true, force: true });

const { alphabet, maxlen } = JSON.parse(readFileSync(join(example, "alphabet.json"), "utf8"));
const kerasCase = JSON.parse(readFileSync(join(example, "case.json"), "utf8"));
const show = (c) => JSON.stringify(c).slice(1, -1);

function oneHot(text) {
  const x = new Float32Array(maxlen * alphabet.length);
  [...text.slice(-maxlen)].forEach((ch, t) => {
    const k = alphabet.indexOf(ch);
    x[t * alphabet.length + (k < 0 ? alphabet.indexOf(" ") : k)] = 1;
  });
  return x;
}

console.log("Next-character probabilities, generated module vs Keras model.predict:");
const windows = JSON.parse(kerasCase.description.match(/\[(".*")\]/)[0]);
let worst = 0;
windows.forEach((text, b) => {
  const ours = model.predict(oneHot(text)).slice();
  const keras = kerasCase.outputs[0].data[b];
  const diff = Math.max(...keras.map((p, k) => Math.abs(p - ours[k])));
  worst = Math.max(worst, diff);
  const top = [...ours.keys()].sort((a, c) => ours[c] - ours[a]).slice(0, 3);
  const cells = top.map((k) => `'${show(alphabet[k])}' ${ours[k].toFixed(4)} (keras ${keras[k].toFixed(4)})`);
  console.log(`  "${text}" -> ${cells.join("  ")}  max |diff| ${diff.toExponential(2)}`);
});
console.log(`  max |difference| over all ${windows.length * alphabet.length} probabilities: ${worst.toExponential(2)} (tolerance 1e-5 + 1e-4·|p|)\n`);

// Deterministic sampling: mulberry32 PRNG, temperature 0.5.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(probs, temperature, random) {
  const w = Array.from(probs, (p) => Math.exp(Math.log(Math.max(p, 1e-30)) / temperature));
  let r = random() * w.reduce((a, b) => a + b, 0);
  for (let k = 0; k < w.length; k++) if ((r -= w[k]) <= 0) return k;
  return w.length - 1;
}

console.log("Sampled text (seed 42, temperature 0.5):");
const random = rng(42);
const started2 = performance.now();
let steps = 0;
for (const seedText of ["the world is com", "you will get wha", "picture the scen"]) {
  let text = seedText;
  for (let i = 0; i < 80; i++, steps++) text += alphabet[sample(model.predict(oneHot(text)), 0.5, random)];
  console.log(`  ${show(text)}`);
}
const perStep = (performance.now() - started2) / steps;
console.log(`\n${steps} predictions, ${(perStep * 1000).toFixed(0)} µs each.`);
