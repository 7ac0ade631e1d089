/**
 * `--weights int8` (lossy, opt-in): kernels and embedding tables as int8 with one float32 scale per
 * output channel, everything else exact float32. Checked in three layers:
 * - the runtime's decodeInt8 against a reference written here (every byte × edge scales, padding);
 * - the generator's quantiser (nearest grid point, zero channels, transposed copies, non-finite);
 * - modules: bit-identical to the float32 module of the dequantised weights (so the only change is
 *   the quantisation itself), and within a measured bound of Keras' recorded outputs.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, generateFromModel, KerasError, loadModel, type Model } from "../generator/index.js";
import { int8Call, int8Value, lastAxis, perRow, quantiseInt8, type Channels } from "../generator/emit/int8.js";
import { decodeInt8 } from "../runtime/keras2ts-runtime.js";
import { asList, caseFormats, FIXTURES, GENERATED, generateInto, readCase, samples, SHARED, type GeneratedModule } from "./helpers/cases.js";
import { runCli } from "./helpers/cli.js";
import { typecheck } from "./helpers/typecheck.js";
import { modelFromConfig, sequential } from "./helpers/ir.js";
import { randomWeights } from "./helpers/layer-models.js";
import { runPasses } from "../generator/passes/index.js";

const base64 = (bytes: ArrayLike<number>) => Buffer.from(Uint8Array.from(bytes)).toString("base64");
const f32Base64 = (values: readonly number[]) => Buffer.from(Float32Array.from(values).buffer).toString("base64");

/** What decodeInt8 must return: byte i read as two's complement, times its channel's scale, rounded once to float32. */
function referenceDecode(bytes: readonly number[], scales: readonly number[], stride: number): number[] {
  const s = Array.from(Float32Array.from(scales));
  return bytes.map((b, i) => Math.fround((b >= 128 ? b - 256 : b) * s[Math.floor(i / stride) % s.length]!));
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

describe("runtime decodeInt8", () => {
  const EDGE_SCALES = [0, 2 ** -149, 2 ** -126, 1 / 127, 0.5, 1, 3.4028234663852886e38 / 127, 3.4028234663852886e38, 12345.678];

  it("decodes every byte value with edge scales exactly (one channel per scale, a row of 256 each)", () => {
    const bytes = EDGE_SCALES.flatMap(() => Array.from({ length: 256 }, (_, b) => b));
    const got = decodeInt8(base64(bytes), f32Base64(EDGE_SCALES), 256);
    expect(same(got, referenceDecode(bytes, EDGE_SCALES, 256))).toBe(true);
    expect(Math.abs(got[0x81]!)).toBe(0); // a zero scale gives zeros (here q = -127)
  });

  it("random bytes and float32 scales, channels by column (stride 1) and by row", () => {
    let seed = 11;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const scales = Array.from({ length: 7 }, () => Math.fround(((next() >>> 8) / 2 ** 24) * 2 ** ((next() % 40) - 20)));
    const bytes = Array.from({ length: 7 * 13 }, () => next() & 0xff);
    for (const stride of [1, 13]) expect(same(decodeInt8(base64(bytes), f32Base64(scales), stride), referenceDecode(bytes, scales, stride))).toBe(true);
  });

  it("every length 0..9 (base64 padding), and lengths that are not a whole number of channels", () => {
    const scales = [0.25, -0, 3];
    for (let n = 0; n <= 9; n++) {
      const bytes = Array.from({ length: n }, (_, i) => (i * 37 + 200) & 0xff);
      for (const stride of [1, 2]) expect(same(decodeInt8(base64(bytes), f32Base64(scales), stride), referenceDecode(bytes, scales, stride))).toBe(true);
    }
  });

  it("reads the generator's printed call (line breaks inside the base64) back to the generator's values", () => {
    const data = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 3)));
    for (const channels of [lastAxis([100, 3]), perRow(3, 300)]) {
      const q = quantiseInt8(data, channels, "t");
      const call = int8Call("decodeInt8", q, channels);
      const got = new Function("decodeInt8", `return ${call}`)(decodeInt8) as Float32Array;
      const want = Array.from(q.q, (v, i) => int8Value(v, q.scales[Math.floor(i / channels.stride) % channels.count]!));
      expect(same(got, want)).toBe(true);
    }
  });
});

describe("the int8 quantiser", () => {
  const channelOf = (i: number, c: Channels) => Math.floor(i / c.stride) % c.count;

  it("scale = fround(max|w| / 127) per channel, each q the nearest grid point in -127..127", () => {
    let seed = 3;
    const data = Float32Array.from({ length: 40 * 6 }, () => ((seed = (Math.imul(seed, 69069) + 1) >>> 0) / 2 ** 32 - 0.5) * 2 ** (seed % 9));
    const channels = lastAxis([40, 6]);
    const { q, scales } = quantiseInt8(data, channels, "t");
    for (let c = 0; c < 6; c++) {
      let max = 0;
      for (let i = c; i < data.length; i += 6) max = Math.max(max, Math.abs(data[i]!));
      expect(scales[c]).toBe(Math.fround(max / 127));
    }
    data.forEach((w, i) => {
      const s = scales[channelOf(i, channels)]!;
      const d = Math.abs(int8Value(q[i]!, s) - w);
      for (const other of [q[i]! - 1, q[i]! + 1].filter((v) => v >= -127 && v <= 127)) expect(d).toBeLessThanOrEqual(Math.abs(int8Value(other, s) - w));
      expect(d).toBeLessThanOrEqual((s * 127) / 254 + s * 2 ** -23); // half a step (the scale's own rounding aside)
    });
  });

  it("an all-zero channel gets scale 0 and decodes to zeros", () => {
    const data = new Float32Array([1, 0, -2, 0, 0.5, -0]);
    const { q, scales } = quantiseInt8(data, lastAxis([3, 2]), "t");
    expect(Array.from(scales)).toEqual([Math.fround(2 / 127), 0]);
    expect(Array.from(q)).toEqual([64, 0, -127, 0, 32, 0]);
  });

  it("a kernel by column and its transposed copy by row get the same channels", () => {
    const [n, m] = [5, 4];
    const w = Float32Array.from({ length: n * m }, (_, i) => Math.cos(i) * (i % m + 1));
    const t = new Float32Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = w[i * m + j]!;
    const a = quantiseInt8(w, lastAxis([n, m]), "k");
    const b = quantiseInt8(t, perRow(m, n * m), "k_t");
    expect(Array.from(b.scales)).toEqual(Array.from(a.scales));
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(b.q[j * n + i]).toBe(a.q[i * m + j]);
  });

  it("refuses a non-finite value in a quantised tensor", () => {
    for (const bad of [NaN, Infinity, -Infinity]) expect(() => quantiseInt8(new Float32Array([1, bad]), lastAxis([1, 2]), "dense: kernel")).toThrow(KerasError);
  });
});

/** The quantised tensors of the cases below, with their channels (as the emitters split them). */
/** Replaces each quantised tensor with what the runtime decodes from it. */
function dequantise(model: Model): void {
  for (const { data, channels } of kernelsOf(model)) {
    const { q, scales } = quantiseInt8(data, channels, "test");
    q.forEach((v, i) => (data[i] = int8Value(v, scales[Math.floor(i / channels.stride) % channels.count]!)));
  }
}

function kernelsOf(model: Model): { data: Float32Array; channels: Channels }[] {
  const layers = [...new Set(model.calls.map((c) => c.layer))];
  return layers.flatMap((l) =>
    l.weights.flatMap((w, index) => {
      if (w.shape.length < 2) return [];
      if (l.className === "GRU" && index === 2) return []; // GRU's (2, 3u) bias stays exact
      // MultiHeadAttention: query/key/value kernels (d, heads, dim) per (head, dim); the output kernel per feature.
      if (l.className === "MultiHeadAttention" && index % 2 === 1) return [];
      if (l.className === "MultiHeadAttention" && index < 6) return [{ data: w.data, channels: { count: w.data.length / w.shape[0]!, stride: 1 } }];
      // Depthwise kernels (…k, C, M) per output channel c·M + m, the last two axes.
      if ((l.className.startsWith("Depthwise") || l.className.startsWith("Separable")) && index === 0) {
        return [{ data: w.data, channels: { count: w.shape.at(-2)! * w.shape.at(-1)!, stride: 1 } }];
      }
      // Conv*Transpose kernels (…k, filters, channels) per filter; embedding tables per row.
      if (l.className.endsWith("Transpose") && index === 0) return [{ data: w.data, channels: { count: w.shape.at(-2)!, stride: w.shape.at(-1)! } }];
      if (l.className === "Embedding") return [{ data: w.data, channels: perRow(w.shape[0]!, w.data.length) }];
      return [{ data: w.data, channels: lastAxis(w.shape) }];
    }),
  );
}

const CASES = ["lstm_default", "dense_zoo", "gru_reset_after", "conv1d_lstm", "mha_encoder", "conv_transpose", "embedding_lstm"];

/**
 * The bound on int8's change to outputs, as a share of the case's largest |y|. Quantising moves each
 * weight by at most half a step, 1/254 of its channel's largest |w| (about 0.4%); an output sums such
 * changes over its layers (a few here), partly cancelling, so it should move by a few steps of its
 * own scale, not more. Measured over every Keras fixture, bench model and the example
 * (`npx tsx scripts/weight-encodings.ts`): 3.5e-4 to 7.9e-3 of max |y|, except simple_rnn (2.9e-2,
 * tanh recurrence on 148 weights) and bench_long_lstm (1.2e-2, 100 steps); on these seven cases at
 * most 3.4e-3. The bound, 1e-2 (2.5 steps), holds them with margin and would catch a wrong channel or
 * scale (a scale off by one channel is off by factors, not percents).
 */
const INT8_OUTPUT_BOUND = 1e-2;

describe("--weights int8 modules", () => {
  it.each(CASES)("%s: the same bits as the float32 module of the dequantised weights; within the bound of Keras", async (name) => {
    const dir = join(FIXTURES, name);
    const format = caseFormats(dir)[0]!;
    const int8Path = await generateInto(`int8/${name}/int8`, format, { weightEncoding: "int8" });
    const text = readFileSync(int8Path, "utf8");
    expect(text.split("\n")[2]).toMatch(/^\/\/ Weights stored as int8 with per-channel float32 scales \(--weights int8\) for \d+ of \d+ tensors .*largest change \d\.\d\de[-+]\d+ \(relative /);
    expect(typecheck([int8Path])).toEqual([]);

    // The reference: the model with each quantised tensor replaced by what the runtime decodes, printed as exact literals.
    const model = await loadModel(new Uint8Array(readFileSync(format.model)), { sourceName: "model.keras" });
    dequantise(model);
    const refDir = join(GENERATED, "int8", name, "dequantised");
    mkdirSync(refDir, { recursive: true });
    for (const f of generateFromModel(model, "model.ts", { sourceName: "model.keras", weightEncoding: "literal" })) writeFileSync(join(refDir, f.name), f.text);

    const mod = (await import(int8Path)) as GeneratedModule;
    const ref = (await import(join(refDir, "model.ts"))) as GeneratedModule;
    const c = readCase(dir);
    let worst = 0;
    let range = 0;
    for (let b = 0; b < c.inputs[0]!.shape[0]!; b++) {
      const args = c.inputs.map((t) => samples(t)[b]!);
      const got = asList(mod.predict(...args)).map((a) => Array.from(a));
      expect(asList(ref.predict(...args)).map((a) => Array.from(a))).toEqual(got);
      c.outputs.forEach((o, k) =>
        samples(o)[b]!.forEach((y, i) => {
          worst = Math.max(worst, Math.abs(got[k]![i]! - y));
          range = Math.max(range, Math.abs(y));
        }),
      );
    }
    expect(worst).toBeGreaterThan(0); // lossy by design
    expect(worst).toBeLessThan(INT8_OUTPUT_BOUND * range);
  });

  it.each([
    ["DepthwiseConv2D", { kernel_size: 3, depth_multiplier: 2, padding: "same" }],
    ["SeparableConv2D", { filters: 4, kernel_size: [3, 2], depth_multiplier: 2, padding: "valid" }],
  ])("%s (no Keras fixture): one scale per output channel c·M + m, the same bits as the dequantised float32 module", async (className, config) => {
    const arch = sequential([6, 5, 3], [[className, { name: "conv", ...config }]]);
    const weights = randomWeights(arch, 5);
    const model = () => runPasses(modelFromConfig(arch, weights));
    const write = async (sub: string, m: Model, weightEncoding: "int8" | "literal") => {
      const dir = join(GENERATED, "int8", className, sub);
      mkdirSync(dir, { recursive: true });
      for (const f of generateFromModel(m, "model.ts", { sourceName: "model.keras", weightEncoding })) writeFileSync(join(dir, f.name), f.text);
      return (await import(join(dir, "model.ts"))) as GeneratedModule;
    };
    const int8 = await write("int8", model(), "int8");
    const twin = model();
    dequantise(twin);
    const ref = await write("dequantised", twin, "literal");
    const x = Array.from({ length: 6 * 5 * 3 }, (_, i) => Math.sin(i));
    expect(Array.from(asList(int8.predict(x))[0]!)).toEqual(Array.from(asList(ref.predict(x))[0]!));
  });

  it("refuses a non-finite kernel value in one line; a non-finite bias stays exact float32", async () => {
    const format = caseFormats(join(FIXTURES, "lstm_default"))[0]!;
    const load = () => loadModel(new Uint8Array(readFileSync(format.model)), { sourceName: "model.keras" });
    const bad = await load();
    bad.calls[0]!.layer.weights[0]!.data[5] = NaN;
    expect(() => generateFromModel(bad, "m.ts", { sourceName: "model.keras", weightEncoding: "int8" })).toThrow(
      /^--weights int8: lstm: kernel holds a non-finite value \(NaN\); use --weights base64$/,
    );
    const biasInf = await load();
    biasInf.calls[0]!.layer.weights[2]!.data[0] = Infinity;
    const [file] = generateFromModel(biasInf, "m.ts", { sourceName: "model.keras", weightEncoding: "int8" });
    expect(file!.text).toContain("const lstm_bias = decodeFloat32(\"");
  });

  it("the seed-size bench model: at most 40% of the base64 module (issue 10's target)", async () => {
    const bytes = new Uint8Array(readFileSync(join(SHARED, "fixtures/bench/bench_seed_size/model.keras")));
    const size = async (weightEncoding: "base64" | "int8") => (await generate(bytes, "m.ts", { sourceName: "model.keras", weightEncoding }))[0]!.text.length;
    expect((await size("int8")) / (await size("base64"))).toBeLessThan(0.4);
  });

  it("an inlined runtime carries decodeInt8 and what it calls, and compiles", async () => {
    const path = await generateInto("int8/inline", caseFormats(join(FIXTURES, "mha_encoder"))[0]!, { weightEncoding: "int8", inlineRuntime: true });
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/function decodeInt8\(/);
    expect(text).toMatch(/function decodeBase64\(/);
    expect(typecheck([path])).toEqual([]);
  });

  it("the CLI prints the header's line", () => {
    const work = join(GENERATED, "int8-cli");
    mkdirSync(work, { recursive: true });
    const r = runCli(work, ["generate", caseFormats(join(FIXTURES, "lstm_default"))[0]!.model, "-o", "m.ts", "--weights", "int8", "--force"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
    const [note, summary] = r.stdout.split("\n");
    expect(note).toBe(readFileSync(join(work, "m.ts"), "utf8").split("\n")[2]!.slice(3));
    expect(summary).toMatch(/^wrote m\.ts .* parameters in /);
  });
});
