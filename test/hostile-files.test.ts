/**
 * Issue 8's hostile-file classes, each built in code (a few KB to a few hundred KB): exit 0 with a
 * correct module, or exit 1 with one clean `keras2ts:` line within seconds; nothing left in TMPDIR.
 * Plus the fidelity case: legacy .h5 layer names in several scripts, read as Keras reads them.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatError, generate, KerasError, loadModel } from "../generator/index.js";
import { decodeJsonBytes, MAX_JSON_BYTES } from "../generator/load/json-text.js";
import { outputLimit, outputTooLarge } from "../generator/limits.js";
import { asList, GENERATED, type GeneratedModule } from "./helpers/cases.js";
import { BIN } from "./helpers/cli.js";
import * as hostile from "./helpers/hostile-files.js";
import { legacyH5 } from "./helpers/write-model.js";
import { modelFromConfig, sequential } from "./helpers/ir.js";
import { emitModuleParts } from "../generator/emit/module.js";
import { fanoutModel } from "../scripts/fuzz/hostile-mutations.js";

const work = mkdtempSync(join(tmpdir(), "k2ts-hostile-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI with a private TMPDIR; returns exit code, stderr lines, seconds, and what TMPDIR holds after. */
function cli(name: string, bytes: Uint8Array, extra: string[] = [], out = join(work, name, "out", "m.ts")) {
  const dir = join(work, name);
  const tmp = join(dir, "tmp");
  mkdirSync(tmp, { recursive: true });
  const model = join(dir, name);
  writeFileSync(model, bytes);
  const started = performance.now();
  const r = spawnSync(process.execPath, [BIN, "generate", model, "-o", out, ...extra], { encoding: "utf8", timeout: 60_000, env: { ...process.env, TMPDIR: tmp } });
  return { code: r.status, lines: r.stderr.split("\n").filter(Boolean), seconds: (performance.now() - started) / 1000, leftover: readdirSync(tmp) };
}

/** Exit 1, exactly one clean line matching `reason`, within `seconds`, TMPDIR empty. */
function expectClean(r: ReturnType<typeof cli>, reason: RegExp, seconds = 15): void {
  expect(r.lines).toHaveLength(1);
  expect(r.lines[0]).toMatch(/^keras2ts: /);
  expect(r.lines[0]).not.toMatch(/internal error|Aborted|Cannot enlarge memory/);
  expect(r.lines[0]).toMatch(reason);
  expect(r.code).toBe(1);
  expect(r.seconds).toBeLessThan(seconds);
  expect(r.leftover).toEqual([]);
}

describe("HDF5 link graphs, chunks, corrupt blocks", () => {
  it("a hard-link cycle is cut by the nesting bound", async () => {
    expectClean(cli("cycle.keras", await hostile.hardLinkCycle()), /nests models more than 32 deep \(a hard-link cycle\?\)$/);
  });

  it("a deep hard-link DAG (2^40 paths) is cut", async () => {
    expectClean(cli("dag.keras", await hostile.hardLinkDag(40)), /nests models more than 32 deep/);
  });

  it("a DAG shallow enough to pass the nesting bound (2^20 paths) stops at the read time budget", async () => {
    const bytes = await hostile.hardLinkDag(20);
    expectClean(cli("dag20.keras", bytes), /reading the HDF5 data took over 4 s .*raise the limit with --max-read-seconds\)$/);
    expectClean(cli("dag20-1s.keras", bytes, ["--max-read-seconds", "1"]), /took over 1 s/, 8);
  });

  it("layer_names repeating one name 100,000 times is read once per name", async () => {
    expectClean(cli("names.h5", await hostile.repeatedLayerNames()), /dense \(Dense\): expected 2 weight tensor/, 10);
  });

  it("a chunk larger than --max-weights is refused before HDF5 allocates it; within the limit it reads", async () => {
    const bytes = await hostile.hugeChunk(0x00200000);
    expect(bytes.length).toBeLessThan(100_000);
    expectClean(cli("chunk.keras", bytes, ["--max-weights", "1000000"]), /weight "layers\/dense\/vars\/1" is stored in chunks of 2097152 values, over the limit of 1000000 \(raise it with --max-weights\)$/);
    const ok = cli("chunk-ok.keras", bytes);
    expect([ok.code, ok.lines]).toEqual([0, []]);
  });

  it("zeroed blocks in a legacy .h5: HDF5's own loops end at the time budget, its stderr never shows", () => {
    for (const offset of [0, 512, 2048, 4096, 8192]) {
      const r = cli(`zero${offset}.h5`, hostile.zeroedBlock(offset, 2048));
      expectClean(r, /./);
    }
  });

  it("an interrupt during the HDF5 read leaves nothing in TMPDIR", async () => {
    const dir = join(work, "sigint");
    const tmp = join(dir, "tmp");
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(dir, "m.keras"), await hostile.hardLinkDag(20));
    const child = spawn(process.execPath, [BIN, "generate", join(dir, "m.keras"), "-o", join(dir, "out", "m.ts")], { env: { ...process.env, TMPDIR: tmp } });
    await new Promise((r) => setTimeout(r, 1500));
    child.kill("SIGINT");
    await new Promise((r) => child.once("exit", r));
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(dir)).toEqual(["m.keras", "tmp"]);
  });
});

describe("JSON, graphs and output", () => {
  it("10,000 levels of nesting in a layer config: one clean line, no stack overflow", async () => {
    expectClean(cli("deep.keras", await hostile.deepConfigKeras()), /config\.json nests deeper than 512 levels$/);
  });

  it("a module past V8's longest string is refused before printing, naming that ceiling", () => {
    const limit = outputLimit(2 ** 40);
    expect(outputTooLarge(limit + 1, limit).message).toMatch(/the longest string JavaScript can hold/);
    expect(outputTooLarge(10, 5).message).toMatch(/raise it with --max-output-bytes\)$/);
  });

  it("weights the generator expands itself (PReLU alpha broadcast) count against --max-output-bytes before printing", () => {
    // alpha (4, 1, 6) on a (4, 5, 6) input: 24 values in the file, 120 once broadcast over the gap.
    const model = modelFromConfig(sequential([4, 5, 6], [["PReLU", { name: "p", shared_axes: [2] }]]), { p: [{ shape: [4, 1, 6], data: Array.from({ length: 24 }, (_, i) => i / 24) }] });
    const full = emitModuleParts(model);
    const limit = full.code.length + 24 * 2 + 100; // room for the file's 24 values, not for the 120 printed
    expect(() => emitModuleParts(model, { maxOutputBytes: limit })).toThrow(/\(120 weight values\), over the limit of \d+ \(raise it with --max-output-bytes\)$/);
    expect(emitModuleParts(model, { maxOutputBytes: full.code.length + full.weights.length }).weights).toBe(full.weights);
  });

  it("JSON text over the size limit is refused before it is decoded (V8 strings end near 512 MiB)", () => {
    expect(() => decodeJsonBytes(new Uint8Array(MAX_JSON_BYTES + 1), "config.json")).toThrow(/config\.json is 268435457 bytes, over the 268435456 bytes a model config may take/);
    expect(outputLimit(2 ** 40)).toBeLessThan(2 ** 30); // --max-output-bytes never exceeds the longest string
  });

  it("nested models calling the next level 8 times, 6 levels deep: refused before flattening", async () => {
    const bytes = await hostile.editKeras({ config: (c) => fanoutModel(c, 6, 8) });
    expectClean(cli("fanout.keras", bytes), /layer calls once nested models are flattened, over the limit of 100000$/, 10);
  });

  it("20,000 repeated outputs and a 20,000-layer chain listed in reverse build in linear time", async () => {
    const started = performance.now();
    const repeated = await hostile.editKeras({ config: (c) => hostile.reversedChain(c, 2, 20_000) });
    const model = await loadModel(repeated, { sourceName: "m.keras" });
    expect(model.outputs).toHaveLength(20_000);
    expect(model.outputs[1]!.name).toBe("act1_2");
    const chain = await hostile.editKeras({ config: (c) => hostile.reversedChain(c, 20_000) });
    const long = await loadModel(chain, { sourceName: "m.keras" });
    expect(long.calls.length).toBeGreaterThanOrEqual(20_000);
    expect((performance.now() - started) / 1000).toBeLessThan(20);
  });

  it("the output folder cannot be created (/proc/nope): one line, no spinning", () => {
    expectClean(cli("proc.keras", hostile.LSTM_KERAS, [], "/proc/nope/m.ts"), /cannot create the output folder nope/, 10);
  });

  it("-o .../keras2ts-runtime.ts is refused: module and runtime never share a path", () => {
    const r = cli("runtime.keras", hostile.LSTM_KERAS, [], join(work, "runtime.keras", "out", "keras2ts-runtime.ts"));
    // A usage error (exit 2): the CLI refuses the name before reading anything.
    expect(r.lines).toEqual([expect.stringMatching(/^keras2ts: -o cannot be named like the runtime file keras2ts-runtime\.ts/)]);
    expect(r.code).toBe(2);
    expect(readdirSync(join(work, "runtime.keras"))).not.toContain("out");
  });

  it("bidi marks, zero-width and BOM characters in names are escaped in error lines", () => {
    const line = formatError("m\u200f.keras", new KerasError("bad \ufeffthing", { name: "a\u200eb\u061cc\u200bd", className: "X\u2060" }));
    expect(line).toBe("keras2ts: m\\u200f.keras: a\\u200eb\\u061cc\\u200bd (X\\u2060): bad \\ufeffthing");
  });
});

describe("legacy .h5 layer names in several scripts (h5py's fixed-length UTF-8 bytes)", () => {
  const names = ["日本語の層", "capa_densa_é", "плотный", "طبقة", "🙂layer"];
  it("reads them as Keras does: the module computes x·W + b of each layer", async () => {
    const W = [0.5, -1, 2, 0.25, 1.5, -0.75]; // (3, 2)
    const b = [0.1, -0.2];
    const layers = names.map((name, i) => ({ class_name: "Dense", config: { name: name, units: 2, activation: "linear", ...(i === 0 ? { batch_input_shape: [null, 3] } : {}) } }));
    // One Dense(3→2) then Dense(2→2) layers: weights per layer, named "<layer>/kernel:0" as Keras 2 does.
    const weights: Record<string, { name: string; shape: number[]; data: number[] }[]> = {};
    const kernels = names.map((_, i) => (i === 0 ? W : [1, i, -i, 1]));
    names.forEach((name, i) => (weights[name] = [
      { name: `${name}/kernel:0`, shape: i === 0 ? [3, 2] : [2, 2], data: kernels[i]! },
      { name: `${name}/bias:0`, shape: [2], data: b },
    ]));
    layers.forEach((l, i) => i > 0 && delete (l.config as Record<string, unknown>)["batch_input_shape"]);
    const config = { class_name: "Sequential", config: { name: "seq", layers } };
    const bytes = await legacyH5(weights, config, "2.2.4", true);
    const dir = join(GENERATED, "hostile-files", "unicode");
    mkdirSync(dir, { recursive: true });
    for (const f of await generate(bytes, "model.ts", { sourceName: "unicode.h5" })) writeFileSync(join(dir, f.name), f.text);
    const mod = (await import(join(dir, "model.ts"))) as GeneratedModule;
    const x = [0.3, -1.2, 2];
    let y = [0, 1].map((j) => x.reduce((s, xi, i) => s + xi * W[i * 2 + j]!, 0) + b[j]!);
    for (let l = 1; l < names.length; l++) {
      const k = kernels[l]!;
      y = [0, 1].map((j) => y[0]! * k[j]! + y[1]! * k[2 + j]! + b[j]!);
    }
    const got = asList(mod.predict(Float32Array.from(x)))[0]!;
    [0, 1].forEach((j) => expect(got[j]).toBeCloseTo(y[j]!, 4));
  });
});
