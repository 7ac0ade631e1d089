/**
 * What keras2ts needs from an HDF5 file, read in one go: runs inside the HDF5 worker
 * (h5-worker.ts), so that the HDF5 library can be stopped (see h5-host.ts).
 */
import type { Weight } from "./types.js";
import { H5File } from "./hdf5.js";
import { keras3HasLayerNames, readKeras3Weights, readLegacyWeights } from "./weights.js";

export interface H5Request {
  readonly bytes: Uint8Array;
  /** "keras-zip": the model.weights.h5 of a .keras zip; "hdf5": a .h5 model or weights file. */
  readonly source: "keras-zip" | "hdf5";
  /** A --config architecture was given (then model_config is ignored). */
  readonly configGiven: boolean;
  readonly maxElements: number;
}

export interface H5Contents {
  /** The root `model_config` attribute (legacy full-model files), when read. */
  readonly modelConfig?: string;
  readonly kerasVersion?: string;
  /** keras3: `layers/...` groups; legacy: `weight_names` groups; none: weights-only file without --config. */
  readonly layout: "keras3" | "legacy" | "none";
  readonly weights: readonly (readonly [string, Weight[]])[];
  readonly keyedByPath: boolean;
  /** The file holds weights laid out as Keras writes them (`layer_names`, `model_weights`, `layers`/`vars`). */
  readonly kerasWeights: boolean;
}

export async function readH5Contents(req: H5Request): Promise<H5Contents> {
  const h5 = await H5File.open(req.bytes, req.maxElements);
  try {
    return req.source === "keras-zip" ? keras3(h5, undefined) : hdf5(h5, req.configGiven);
  } finally {
    h5.close();
  }
}

function keras3(h5: H5File, kerasVersion: string | undefined): H5Contents {
  return {
    ...(kerasVersion !== undefined ? { kerasVersion } : {}),
    layout: "keras3",
    weights: [...readKeras3Weights(h5)],
    keyedByPath: !keras3HasLayerNames(h5),
    kerasWeights: true,
  };
}

function hdf5(h5: H5File, configGiven: boolean): H5Contents {
  const modelConfig = h5.stringAttr("", "model_config");
  const rootVersion = h5.stringAttr("", "keras_version");
  const root = h5.kind("model_weights") === "group" ? "model_weights" : "";
  if (modelConfig !== undefined && !configGiven) {
    const kerasVersion = rootVersion ?? h5.stringAttr(root, "keras_version");
    return { modelConfig, ...(kerasVersion !== undefined ? { kerasVersion } : {}), layout: "legacy", weights: [...readLegacyWeights(h5, root)], keyedByPath: false, kerasWeights: true };
  }
  // A full model with --config too (refused by the caller), a weights-only file without it, or not Keras at all: no weights read.
  const kerasWeights = h5.attr("", "layer_names") !== undefined || root !== "" || h5.kind("layers") === "group" || h5.kind("vars") === "group";
  if (modelConfig !== undefined || !configGiven || !kerasWeights) {
    return { ...(modelConfig !== undefined ? { modelConfig } : {}), layout: "none", weights: [], keyedByPath: false, kerasWeights };
  }
  if (h5.kind("layers") === "group") return keras3(h5, rootVersion);
  return { ...(rootVersion !== undefined ? { kerasVersion: rootVersion } : {}), layout: "legacy", weights: [...readLegacyWeights(h5, root)], keyedByPath: false, kerasWeights: true };
}

/** The weight buffers, handed to the main thread without copying. */
export function transferList(contents: H5Contents): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const [, weights] of contents.weights) for (const w of weights) buffers.add(w.data.buffer as ArrayBuffer);
  return [...buffers];
}
