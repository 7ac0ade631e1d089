/**
 * Writes small model files the way Keras lays them out, for loader tests of cases no fixture has
 * (nested models, Keras 1 per-gate weights, Keras 3 files that record no layer names).
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { File as H5WriteFile, Group, ready } from "h5wasm/node";
import { GENERATED } from "./cases.js";

export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

let counter = 0;

/** Builds an HDF5 file through h5wasm and returns its bytes. */
async function h5Bytes(fill: (f: H5WriteFile) => void): Promise<Uint8Array> {
  await ready;
  const dir = join(GENERATED, "write-model");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `m${process.pid}-${++counter}.h5`);
  const forbid = allowOpen(path);
  try {
    const f = new H5WriteFile(path, "w");
    try {
      fill(f);
    } finally {
      f.close();
    }
    return new Uint8Array(readFileSync(path));
  } finally {
    forbid();
    rmSync(path, { force: true });
  }
}

/** Registers a path HDF5 may open (a hook older keras2ts loaders checked; the loader now reads HDF5 in memory only). */
function allowOpen(path: string): () => void {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  const openable = (g[Symbol.for("keras2ts.hdf5.openable")] ??= new Set<string>());
  openable.add(path);
  return () => openable.delete(path);
}

/** The group at a slash-separated path, created as needed. */
function group(root: Group, path: string): Group {
  let g = root;
  for (const part of path.split("/").filter(Boolean)) {
    g = (g.get(part) as Group | null) ?? g.create_group(part);
  }
  return g;
}

function dataset(root: Group, path: string, t: TensorSpec): void {
  const cut = path.lastIndexOf("/");
  const parent = cut < 0 ? root : group(root, path.slice(0, cut));
  parent.create_dataset({ name: path.slice(cut + 1), data: Float32Array.from(t.data), shape: [...t.shape] });
}

/**
 * A legacy HDF5 file (`model.save("m.h5")` or, without a config, `save_weights`): one group per
 * top-level layer with a `weight_names` attribute; datasets at `<group>/<weight name>`.
 */
export function legacyH5(layers: Record<string, TensorSpec[]>, modelConfig?: unknown, kerasVersion?: string, h5pyNames = false): Promise<Uint8Array> {
  // h5pyNames: name lists as h5py writes them for Keras, fixed-length byte strings (charset ASCII) of UTF-8.
  const names = (g: Group, attr: string, list: string[]) => {
    const width = Math.max(1, ...list.map((n) => new TextEncoder().encode(n).length));
    if (h5pyNames) g.create_attribute(attr, list, [list.length], `A${width}`);
    else g.create_attribute(attr, list);
  };
  return h5Bytes((f) => {
    if (modelConfig !== undefined) f.create_attribute("model_config", JSON.stringify(modelConfig));
    if (kerasVersion !== undefined) f.create_attribute("keras_version", kerasVersion);
    const root = modelConfig === undefined ? f : f.create_group("model_weights");
    names(root, "layer_names", Object.keys(layers));
    for (const [name, weights] of Object.entries(layers)) {
      const g = root.create_group(name);
      names(g, "weight_names", weights.length > 0 ? weights.map((w) => w.name) : [""]);
      for (const w of weights) dataset(g, w.name, w);
    }
  });
}

/** One saveable of a Keras 3 weights file: its path (`lstm/cell`), recorded name, and variables. */
export interface Keras3Vars {
  readonly path: string;
  readonly name?: string;
  readonly vars: readonly TensorSpec[];
}

/** A Keras 3 `.keras` zip: config.json, metadata.json and model.weights.h5 (`layers/<path>/vars/<i>`). */
export async function kerasZip(config: unknown, saveables: readonly Keras3Vars[], kerasVersion = "3.15.1"): Promise<Uint8Array> {
  const weights = await h5Bytes((f) => {
    for (const s of saveables) {
      const vars = group(f, `layers/${s.path}/vars`);
      if (s.name !== undefined) vars.create_attribute("name", s.name);
      s.vars.forEach((t, i) => dataset(vars, String(i), t));
    }
  });
  return zipSync({
    "metadata.json": strToU8(JSON.stringify({ keras_version: kerasVersion })),
    "config.json": strToU8(JSON.stringify(config)),
    "model.weights.h5": weights,
  });
}

/** An HDF5 file that is not a Keras file: datasets at the given paths, no Keras attributes or groups. */
export function plainH5(tensors: readonly TensorSpec[]): Promise<Uint8Array> {
  return h5Bytes((f) => {
    for (const t of tensors) dataset(f, t.name, t);
  });
}
