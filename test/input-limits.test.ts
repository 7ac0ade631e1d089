/**
 * Path safety and resource limits: zip entries are never used as paths, zip and HDF5 bombs and
 * absurd sizes are refused before memory is spent, each with a clear message naming the flag.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { formatError, generate, KerasError, type GenerateOptions } from "../generator/index.js";
import { FIXTURES } from "./helpers/cases.js";
import { editH5, type H5Edits } from "../scripts/fuzz/h5kit.js";
import { concat, readZip, writeZip, type ZipEntrySpec } from "../scripts/fuzz/zipkit.js";

const LSTM = join(FIXTURES, "lstm_default/model.keras");
const original = new Uint8Array(readFileSync(LSTM));
const entries = readZip(original);
const utf8 = new TextEncoder();
const entry = (name: string) => entries.find((e) => e.name === name)!;

/** Generates, returning the module text or the one-line error. */
async function attempt(bytes: Uint8Array, options: Partial<GenerateOptions> = {}): Promise<{ text?: string; error?: string; ms: number; grew: number }> {
  const before = process.memoryUsage().arrayBuffers;
  const t = performance.now();
  try {
    const [module] = await generate(bytes, "m.ts", { sourceName: "model.keras", inlineRuntime: true, ...options });
    return { text: module!.text, ms: performance.now() - t, grew: process.memoryUsage().arrayBuffers - before };
  } catch (err) {
    expect(err).toBeInstanceOf(KerasError);
    return { error: formatError("model.keras", err), ms: performance.now() - t, grew: process.memoryUsage().arrayBuffers - before };
  }
}

const reference = async () => (await attempt(original)).text!;
const zip = (list: ZipEntrySpec[]) => writeZip(list);
const replaced = (name: string, change: Partial<ZipEntrySpec>) => zip(entries.map((e) => (e.name === name ? { ...e, ...change } : e)));

describe(".keras entries are never paths", () => {
  it("ignores ../, absolute and backslash entries entirely, even when they are bombs or garbage", async () => {
    const evil = ["../../evil.txt", "/tmp/keras2ts-evil", "..\\evil.txt", "C:/evil", "./config.json", "sub/../config.json"].map((name) => ({
      name,
      data: utf8.encode("x"),
      compressed: utf8.encode("not deflate"),
      declaredSize: 0xfffffff0,
    }));
    const r = await attempt(zip([...evil, ...entries]));
    expect(r.text).toBe(await reference());
  });

  it("needs the exact names: ../config.json does not stand in for config.json", async () => {
    const r = await attempt(zip(entries.map((e) => (e.name === "config.json" ? { ...e, name: "../config.json" } : e))));
    expect(r.error).toBe("keras2ts: model.keras: .keras zip has no config.json");
  });
});

describe("zip bombs and forged headers are refused before inflating", () => {
  const bigJson = concat([entry("config.json").data, new Uint8Array(20 << 20).fill(32)]); // valid JSON + 20 MiB of spaces

  it("a real bomb over --max-unzipped-bytes, accepted when the limit is raised", async () => {
    const bomb = replaced("config.json", { data: bigJson, deflate: true });
    expect(bomb.length).toBeLessThan(200_000);
    const refused = await attempt(bomb, { maxUnzippedBytes: 4 << 20 });
    expect(refused.error).toMatch(/declare \d+ bytes uncompressed, over the limit of 4194304 \(raise it with --max-unzipped-bytes\)$/);
    expect(refused.grew).toBeLessThan(8 << 20);
    expect((await attempt(bomb, { maxUnzippedBytes: 64 << 20 })).text).toBe(await reference());
  });

  it("a header declaring more than deflate can produce", async () => {
    const r = await attempt(replaced("model.weights.h5", { deflate: true, declaredSize: 1 << 30 }));
    expect(r.error).toMatch(/model\.weights\.h5 declares 1073741824 bytes from \d+ stored bytes, which is impossible/);
    expect(r.grew).toBeLessThan(64 << 20);
  });

  it("a header declaring less than the stream holds: inflation stops at the declared size", async () => {
    const r = await attempt(replaced("config.json", { data: bigJson, deflate: true, declaredSize: 1000 }));
    expect(r.error).toContain("config.json inflates to more than the 1000 bytes its header declares");
    expect(r.ms).toBeLessThan(2000);
  });

  it("stored sizes that disagree, bad checksums, duplicate entries, broken deflate data", async () => {
    const data = entry("config.json").data;
    expect((await attempt(replaced("config.json", { declaredSize: data.length + 1 }))).error).toMatch(/impossible/);
    expect((await attempt(replaced("config.json", { crc: 1 }))).error).toContain("config.json is corrupt (checksum mismatch)");
    expect((await attempt(zip([...entries, { name: "config.json", data: utf8.encode("{}") }]))).error).toContain("two entries named config.json");
    expect((await attempt(replaced("config.json", { compressed: deflateSync(data).subarray(0, 10) }))).error).toMatch(/config\.json (is corrupt|inflates to)/);
  });
});

/** The fixture with its weights file edited. */
async function withWeights(edits: H5Edits): Promise<Uint8Array> {
  const weights = await editH5(entry("model.weights.h5").data, edits);
  return zip(entries.map((e) => (e.name === "model.weights.h5" ? { ...e, data: weights } : e)));
}

describe("HDF5 limits", () => {
  it("a dataset declaring 2^34 values in a tiny file is refused before it is read", async () => {
    const path = "layers/lstm/cell/vars/0";
    const bytes = await withWeights({ skip: (p) => p === path, extra: [{ path, hugeShape: [1 << 17, 1 << 17] }] });
    const r = await attempt(bytes);
    expect(r.error).toContain(`weight "${path}" has shape [131072, 131072] = 17179869184 values, over the limit of 268435456 (raise it with --max-weights)`);
    expect(r.grew).toBeLessThan(64 << 20);
  });

  it("--max-weights bounds one tensor and the whole file", async () => {
    expect((await attempt(original, { maxWeightElements: 100 })).error).toMatch(/over the limit of 100 \(raise it with --max-weights\)$/);
    // The largest tensor (recurrent kernel 8x32 = 256) fits; all of them (128 + 256 + 32 + 24 + 3) do not.
    expect((await attempt(original, { maxWeightElements: 256 })).error).toContain("the weights hold more than 256 values in total (raise the limit with --max-weights)");
  });

  it("numeric data only: a string dataset is refused without reading it as numbers", async () => {
    const path = "layers/dense/vars/1";
    const r = await attempt(await withWeights({ dataset: (p) => (p === path ? { data: ["a", "b", "c"], shape: [3] } : undefined) }));
    expect(r.error).toContain(`weight "${path}" is not numeric`);
  });
});

describe("absurd configs and outputs", () => {
  const withConfig = (edit: (layers: Record<string, unknown>[]) => void) => {
    const config = JSON.parse(new TextDecoder().decode(entry("config.json").data));
    edit(config.config.layers.map((l: { config: Record<string, unknown> }) => l.config));
    return replaced("config.json", { data: utf8.encode(JSON.stringify(config)) });
  };

  it("units 1e9, zero or negative dimensions, sequences no module could allocate", async () => {
    expect((await attempt(withConfig((l) => (l[1]!["units"] = 1e9)))).error).toMatch(/^keras2ts: model\.keras: lstm \(LSTM\): config "units" must be an integer/);
    expect((await attempt(withConfig((l) => (l[0]!["batch_shape"] = [null, 0, 4])))).error).toContain("input dimension 1 is 0, not a positive size");
    expect((await attempt(withConfig((l) => (l[0]!["batch_shape"] = [null, -5, 4])))).error).toContain("input dimension 1 is -5");
    const huge = await attempt(withConfig((l) => (l[0]!["batch_shape"] = [null, 100_000_000, 4])));
    expect(huge.error).toContain('model input "input_layer" holds 400000000 values per sample');
  });

  it("a module over --max-output-bytes is refused, before printing when the weights alone exceed it", async () => {
    expect((await attempt(original, { maxOutputBytes: 500 })).error).toMatch(/would be over 886 bytes \(443 weight values\), over the limit of 500 \(raise it with --max-output-bytes\)$/);
    // The code alone fits, code + the weights' floor does not: refused before any weight is printed.
    expect((await attempt(original, { maxOutputBytes: 5000 })).error).toMatch(/the generated module would be over \d+ bytes \(443 weight values\), over the limit of 5000 \(raise it with --max-output-bytes\)$/);
    // Past the floor, the printed text itself is counted as it grows.
    expect((await attempt(original, { maxOutputBytes: 9000 })).error).toMatch(/the generated module would be over \d+ bytes( \(443 weight values\))?, over the limit of 9000 \(raise it with --max-output-bytes\)$/);
  });

  it("limits must be whole numbers: NaN never disables one, unrolling is capped", async () => {
    for (const options of [{ maxUnzippedBytes: Number.NaN }, { maxWeightElements: -1 }, { maxOutputBytes: 1.5 }, { unrollLimit: 5000 }]) {
      expect((await attempt(original, options)).error).toMatch(/must be a whole number in \[/);
    }
  });
});
