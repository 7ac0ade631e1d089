/**
 * Hostile model files of the classes issue 8 lists, built in code from the lstm_default fixture
 * (small: a few KB to a few hundred KB each). Each must give exit 0 with a correct module or exit 1
 * with one clean line, within seconds and bounded memory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { editH5 } from "../../scripts/fuzz/h5kit.js";
import { readZip, writeZip } from "../../scripts/fuzz/zipkit.js";
import { FIXTURES } from "./cases.js";

type Json = Record<string, unknown>;

export const LSTM_KERAS = new Uint8Array(readFileSync(join(FIXTURES, "lstm_default/model.keras")));
export const LSTM_H5 = new Uint8Array(readFileSync(join(FIXTURES, "lstm_default/model.h5")));

/** lstm_default.keras with its weights file and/or config rewritten. */
export async function editKeras(edit: { weights?: (w: Uint8Array) => Promise<Uint8Array>; config?: (c: Json) => unknown; configText?: string }): Promise<Uint8Array> {
  const entries = readZip(LSTM_KERAS);
  const out = [];
  for (const e of entries) {
    if (e.name === "model.weights.h5" && edit.weights) out.push({ ...e, data: await edit.weights(e.data) });
    else if (e.name === "config.json" && (edit.config || edit.configText !== undefined)) {
      const text = edit.configText ?? JSON.stringify(edit.config!(JSON.parse(new TextDecoder().decode(e.data)) as Json));
      out.push({ ...e, data: strToU8(text) });
    } else out.push(e);
  }
  return writeZip(out);
}

/** A hard-link cycle: layers/dense/layers is /layers again, so nested-model recursion never ends. */
export function hardLinkCycle(): Promise<Uint8Array> {
  return editKeras({ weights: (w) => editH5(w, { hardLinks: [{ path: "layers/dense/layers", target: "/layers" }] }) });
}

/** A deep hard-link DAG: 40 levels, each linking twice to the next (2^40 paths through 80 links). */
export function hardLinkDag(depth = 40): Promise<Uint8Array> {
  const groups: string[] = [];
  const hardLinks: { path: string; target: string }[] = [];
  for (let i = 0; i < depth; i++) groups.push(`dag${i}`, `dag${i}/layers`);
  for (let i = 0; i < depth - 1; i++) for (const k of ["a", "b"]) hardLinks.push({ path: `dag${i}/layers/${k}`, target: `/dag${i + 1}` });
  hardLinks.push({ path: "layers/dense/layers", target: "/dag0/layers" });
  return editKeras({ weights: (w) => editH5(w, { groups, hardLinks }) });
}

/** Legacy .h5 whose `layer_names` repeats one name `times` times. */
export function repeatedLayerNames(times = 100_000): Promise<Uint8Array> {
  return editH5(LSTM_H5, { attr: (path, name) => (path === "model_weights" && name === "layer_names" ? Array(times).fill("lstm") : undefined) });
}

/**
 * The Dense bias (3 values) stored gzip-compressed in one chunk of `chunkValues` values: a few KB on
 * disk, but HDF5 allocates the whole chunk to read it. (Patching the chunk size of an existing file
 * would break the object header's checksum; writing it directly keeps the file valid.)
 */
export function hugeChunk(chunkValues = 0x00200000): Promise<Uint8Array> {
  const path = "layers/dense/vars/1";
  return editKeras({
    weights: (w) => editH5(w, { skip: (p) => p === path, extra: [{ path, data: new Float32Array([0.1, -0.2, 0.3]), shape: [3], compression: 6, chunks: [chunkValues] }] }),
  });
}

/** A legacy .h5 with `size` bytes zeroed at `offset` (corrupt blocks HDF5 may loop on). */
export function zeroedBlock(offset: number, size = 512, base = LSTM_H5): Uint8Array {
  const out = base.slice();
  out.fill(0, offset, Math.min(out.length, offset + size));
  return out;
}

/** `levels` nested arrays as a value, e.g. [[[[...]]]]. */
export function deepJson(levels: number): string {
  return "[".repeat(levels) + "]".repeat(levels);
}

/** lstm_default with a 10,000-level array in its Dense config. */
export function deepConfigKeras(levels = 10_000): Promise<Uint8Array> {
  const text = new TextDecoder().decode(readZip(LSTM_KERAS).find((e) => e.name === "config.json")!.data);
  return editKeras({ configText: text.replace('"units": 8', `"units": 3, "deep": ${deepJson(levels)}`).replace('"units":8', `"units":8,"deep":${deepJson(levels)}`) });
}

/** A zip with just the named entries. */
export function zipOf(entries: Record<string, Uint8Array>): Uint8Array {
  return zipSync(entries);
}

/** A Functional model of `n` Activation layers in a chain, listed last-to-first, its output listed `repeatOutputs` times. */
export function reversedChain(model: Json, n: number, repeatOutputs = 1): unknown {
  const layers = (model["config"] as Json)["layers"] as Json[];
  const shape = ((layers.find((l) => l["class_name"] === "InputLayer")!["config"] as Json)["batch_shape"]) as unknown[];
  const chain = Array.from({ length: n }, (_, i) => ({
    class_name: "Activation",
    name: `act${i}`,
    config: { name: `act${i}`, activation: "relu" },
    inbound_nodes: [[[i === 0 ? "in" : `act${i - 1}`, 0, 0, {}]]],
  }));
  return {
    class_name: "Functional",
    config: {
      name: "chain",
      layers: [{ class_name: "InputLayer", name: "in", config: { name: "in", batch_shape: shape }, inbound_nodes: [] }, ...chain.reverse()],
      input_layers: [["in", 0, 0]],
      output_layers: Array.from({ length: repeatOutputs }, () => [`act${n - 1}`, 0, 0]),
    },
  };
}
