/**
 * `npm run weight-encodings`: what the lossy weight encodings cost in accuracy and save in size, on
 * every model with recorded Keras outputs (the bench models, the example, the Keras fixtures). Per
 * model: module size (TypeScript text) for base64 / f16 / int8, and the largest |difference| from
 * Keras' recorded outputs over every sample, also as a share of the conformance tolerance
 * (atol + rtol·|y|; above 1 means outside it). Then whether lossless compression could bring f16's
 * weights under 40% of base64's (it would need an inflater in the runtime; nothing here uses one).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { deflateRawSync, gzipSync } from "node:zlib";
import { generate, loadModel } from "../generator/index.js";
import { float16Bits } from "../generator/emit/float32.js";
import { asList, caseFormats, FIXTURES, readCase, samples, SHARED, type GeneratedModule } from "../test/helpers/cases.js";

const ENCODINGS = ["base64", "f16", "int8"] as const;
type Encoding = (typeof ENCODINGS)[number];

const subjects = [
  ...readdirSync(join(SHARED, "fixtures/bench")).map((n) => join(SHARED, "fixtures/bench", n)),
  join(SHARED, "examples/char_lstm"),
  ...readdirSync(FIXTURES).map((n) => join(FIXTURES, n)),
].filter((dir) => existsSync(join(dir, "case.json")));

const tmp = mkdtempSync(join(tmpdir(), "keras2ts-encodings-"));
const kb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} KB`);
const pct = (a: number, b: number, digits = 0) => `${((100 * a) / b).toFixed(digits)}%`;

console.log("| model | parameters | base64 | f16 | int8 | int8 / base64 (raw / gzip) | f16 max diff | int8 max diff | int8 diff / tolerance | int8 diff / max abs(y) | int8 largest weight change |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|");
const compression: string[] = [];
for (const dir of subjects) {
  const name = dir.split("/").pop()!;
  const c = readCase(dir);
  if (c.steps) continue; // stateful cases replay steps; the conformance test covers them
  const format = caseFormats(dir)[0]!;
  const bytes = new Uint8Array(readFileSync(format.model));
  const base = { sourceName: "model.keras", ...(format.config ? { configText: readFileSync(format.config, "utf8") } : {}) };
  const text = {} as Record<Encoding, string>;
  const diff = {} as Record<Encoding, ReturnType<typeof worst>>;
  for (const enc of ENCODINGS) {
    const out = join(tmp, name, enc);
    mkdirSync(out, { recursive: true });
    text[enc] = (await generate(bytes, "model.ts", { ...base, weightEncoding: enc }))[0]!.text;
    for (const f of await generate(bytes, "model.mjs", { ...base, weightEncoding: enc, language: "js" })) writeFileSync(join(out, f.name), f.text);
    const mod = (await import(pathToFileURL(join(out, "model.mjs")).href)) as GeneratedModule;
    diff[enc] = worst(mod, c);
  }
  const model = await loadModel(bytes, base);
  const weights = [...new Set(model.calls.map((call) => call.layer))].flatMap((l) => l.weights.map((w) => w.data));
  const params = weights.reduce((n, w) => n + w.length, 0);
  const change = /largest change (\S+) /.exec(text.int8)?.[1] ?? "?";
  const share = `${pct(text.int8.length, text.base64.length)} / ${pct(gzipSync(text.int8).length, gzipSync(text.base64).length)}`;
  console.log(
    `| ${name} | ${params} | ${kb(text.base64.length)} | ${kb(text.f16.length)} | ${kb(text.int8.length)} | ${share} | ` +
      `${diff.f16.abs.toExponential(1)} | ${diff.int8.abs.toExponential(1)} | ${diff.int8.share.toPrecision(2)} | ${(diff.int8.abs / diff.int8.range).toExponential(1)} | ${change} |`,
  );
  if (params > 10_000) compression.push(f16Compression(name, weights));
}
console.log("\nf16 weights alone, as a share of base64 float32's text (4·n·4/3 characters):\n");
console.log("| model | base64 of halves | base64 of deflated halves | base64 of deflated byte planes | order-0 entropy of the halves |");
console.log("|---|---|---|---|---|");
for (const row of compression) console.log(row);

/** Largest |ours − Keras| over every sample and output, its largest share of atol + rtol·|y|, and the largest |y|. */
function worst(mod: GeneratedModule, c: ReturnType<typeof readCase>): { abs: number; share: number; range: number } {
  let abs = 0;
  let share = 0;
  let range = 0;
  for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
    const got = asList(mod.predict(...c.inputs.map((t) => samples(t)[b]!)));
    c.outputs.forEach((o, k) =>
      samples(o)[b]!.forEach((y, i) => {
        const d = Math.abs(got[k]![i]! - y);
        abs = Math.max(abs, d);
        share = Math.max(share, d / (c.atol + c.rtol * Math.abs(y)));
        range = Math.max(range, Math.abs(y));
      }),
    );
  }
  return { abs, share, range };
}

/** What lossless compression of the float16 bytes would give (deflate at level 9, as gzip does). */
function f16Compression(name: string, weights: readonly Float32Array[]): string {
  const n = weights.reduce((s, w) => s + w.length, 0);
  const halves = new Uint8Array(2 * n);
  const planes = new Uint8Array(2 * n); // low bytes first, then high bytes (sign, exponent, 2 mantissa bits)
  let i = 0;
  for (const w of weights) {
    for (const v of w) {
      const h = float16Bits(v);
      halves[2 * i] = h & 0xff;
      halves[2 * i + 1] = h >> 8;
      planes[i] = h & 0xff;
      planes[n + i] = h >> 8;
      i++;
    }
  }
  const base64Chars = (bytes: number) => 4 * Math.ceil(bytes / 3);
  const f32 = base64Chars(4 * n);
  const level = { level: 9 };
  // The fewest bits any coder of independent values could spend: -Σ p·log2 p over the half patterns.
  const counts = new Map<number, number>();
  for (let k = 0; k < n; k++) counts.set(halves[2 * k]! | (halves[2 * k + 1]! << 8), (counts.get(halves[2 * k]! | (halves[2 * k + 1]! << 8)) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) bits -= c * Math.log2(c / n);
  const entropyChars = (bits / 6) | 0; // base64: 6 bits a character
  return `| ${name} | ${pct(base64Chars(2 * n), f32)} | ${pct(base64Chars(deflateRawSync(halves, level).length), f32)} | ${pct(base64Chars(deflateRawSync(planes, level).length), f32)} | ${pct(entropyChars, f32, 1)} |`;
}
