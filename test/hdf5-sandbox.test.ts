/**
 * HDF5 files can point outside themselves (external raw storage, external links, virtual datasets).
 * keras2ts runs HDF5 (h5wasm's in-memory build) in a worker on a copy of the data in Emscripten's
 * MEMFS: the host file system is not reachable at all, nothing is staged on disk, and a read that
 * HDF5 reports as failed is never accepted.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formatError, generate } from "../generator/index.js";
import { FIXTURES, REPO } from "./helpers/cases.js";
import { editH5, withH5 } from "../scripts/fuzz/h5kit.js";
import { readZip, writeZip } from "../scripts/fuzz/zipkit.js";

const LSTM = new Uint8Array(readFileSync(join(FIXTURES, "lstm_default/model.keras")));
const secretDir = mkdtempSync(join(tmpdir(), "keras2ts-secret-"));

afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

async function outcome(bytes: Uint8Array): Promise<string> {
  try {
    const [module] = await generate(bytes, "m.ts", { sourceName: "model.keras", inlineRuntime: true });
    return module!.text;
  } catch (err) {
    return formatError("model.keras", err);
  }
}

/** lstm_default with its weights file rewritten. */
async function withWeights(edit: (weights: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
  const entries = readZip(LSTM);
  const weights = await edit(entries.find((e) => e.name === "model.weights.h5")!.data);
  return writeZip(entries.map((e) => (e.name === "model.weights.h5" ? { ...e, data: weights } : e)));
}

describe("data outside the model file is never read", () => {
  it("external raw storage naming /etc/passwd is refused (made with h5py: test/fixtures/hostile/make_external.py)", async () => {
    const bytes = new Uint8Array(readFileSync(join(REPO, "test/fixtures/hostile/external-storage.keras")));
    expect(await outcome(bytes)).toBe('keras2ts: model.keras: weight "layers/dense/vars/1" cannot be read (corrupt data, or data stored outside the file)');
  });

  it("an external link to another HDF5 file on the machine is not followed", async () => {
    const secret = join(secretDir, "secret.h5");
    const original = readZip(LSTM).find((e) => e.name === "model.weights.h5")!.data;
    writeFileSync(secret, original); // a valid weights file: following the link would "work"
    const bytes = await withWeights((w) =>
      editH5(w, { skip: (p) => p === "layers/dense", externalLinks: [{ path: "layers/dense", file: secret, target: "/layers/dense" }] }),
    );
    expect(await outcome(bytes)).toBe('keras2ts: model.keras: corrupt HDF5 file: cannot read attribute "name" of "layers/dense/vars" (error - name not defined!)');
  });
});

describe("failed reads are errors, not garbage", () => {
  it("a corrupt gzip chunk makes the read fail cleanly (h5wasm alone would return stale memory)", async () => {
    const path = "layers/dense/vars/0";
    const bytes = await withWeights(async (w) => {
      const kernel = await withH5(w, (f) => f.get(path).value as Float32Array);
      const edited = await editH5(w, { skip: (p) => p === path, extra: [{ path, data: kernel, shape: [8, 3], compression: 6, chunks: [8, 3] }] });
      const at = findZlib(edited);
      for (let i = at + 6; i < at + 30; i++) edited[i] = edited[i]! ^ 0x5a;
      return edited;
    });
    expect(await outcome(bytes)).toBe(`keras2ts: model.keras: weight "${path}" cannot be read (corrupt data, or data stored outside the file)`);
  });
});

describe("no staging", () => {
  it("writes nothing to TMPDIR or / while reading HDF5 (the data stays in memory)", async () => {
    const ours = () => readdirSync(tmpdir()).filter((n) => /^keras2ts-[A-Za-z0-9]{6}$/.test(n)).sort();
    const before = ours();
    const rootBefore = readdirSync("/").filter((n) => n.startsWith("keras2ts-"));
    expect(await outcome(LSTM)).toMatch(/^\/\/ @generated/);
    expect(await outcome(LSTM.slice(0, 5000))).toMatch(/^keras2ts: /);
    expect(ours()).toEqual(before);
    expect(readdirSync("/").filter((n) => n.startsWith("keras2ts-"))).toEqual(rootBefore);
  });
});

/** Offset of the zlib stream h5wasm's gzip filter wrote (header 0x78 then a valid check byte). */
function findZlib(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x78 && ((0x78 << 8) | bytes[i + 1]!) % 31 === 0 && [0x01, 0x5e, 0x9c, 0xda].includes(bytes[i + 1]!)) return i;
  }
  throw new Error("no zlib stream found");
}
