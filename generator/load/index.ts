/**
 * Stage 1: bytes → the architecture JSON, the Keras version that wrote it, and the weights by layer.
 * The file's first bytes decide the format, never its extension.
 */
import { KerasError, OptionError } from "../errors.js";
import type { KerasVersion } from "./types.js";
import { H5File, isHdf5 } from "./hdf5.js";
import { foreignFileReason } from "./foreign.js";
import { parseJson } from "./json-text.js";
import { isZip, readKerasZip } from "./keras-zip.js";
import { parseKerasVersion } from "./version.js";
import { keras3HasLayerNames, readKeras3Weights, readLegacyWeights, type WeightsByLayer } from "./weights.js";

export interface LoadLimits {
  /** Largest uncompressed size accepted from a `.keras` zip. */
  readonly maxUnzippedBytes?: number;
  /** Largest number of weight values accepted, in one tensor and in the whole file. */
  readonly maxWeightElements?: number;
}

export interface LoadedFile {
  readonly format: "keras-zip" | "legacy-h5" | "weights-only";
  /** `{ class_name, config }` as the file holds it (normalised later). */
  readonly architecture: unknown;
  readonly kerasVersion: KerasVersion;
  readonly weights: WeightsByLayer;
  /** True when `weights` are keyed by Keras 3 class-counter paths (files that record no layer names). */
  readonly keyedByPath?: boolean;
}

export async function loadModelFile(bytes: Uint8Array, configText?: string, limits: LoadLimits = {}, sourceName = ""): Promise<LoadedFile> {
  if (isZip(bytes)) {
    if (configText !== undefined) throw new OptionError("--config does nothing here: a .keras file holds its own architecture; drop --config");
    return loadKerasZip(bytes, limits);
  }
  if (isHdf5(bytes)) return loadHdf5(bytes, configText, limits);
  throw new KerasError(foreignFileReason(bytes, sourceName));
}

async function loadKerasZip(bytes: Uint8Array, limits: LoadLimits): Promise<LoadedFile> {
  const zip = readKerasZip(bytes, limits.maxUnzippedBytes);
  const metadata = zip.metadata === undefined ? {} : parseJson(zip.metadata, "metadata.json");
  const version = typeof metadata === "object" && metadata ? (metadata as Record<string, unknown>)["keras_version"] : undefined;
  const h5 = await H5File.open(zip.weights, limits.maxWeightElements);
  try {
    return {
      format: "keras-zip",
      architecture: parseJson(zip.config, "config.json"),
      kerasVersion: parseKerasVersion(typeof version === "string" ? version : undefined),
      weights: readKeras3Weights(h5),
      ...(keras3HasLayerNames(h5) ? {} : { keyedByPath: true }),
    };
  } finally {
    h5.close();
  }
}

async function loadHdf5(bytes: Uint8Array, configText: string | undefined, limits: LoadLimits): Promise<LoadedFile> {
  const h5 = await H5File.open(bytes, limits.maxWeightElements);
  try {
    const modelConfig = h5.stringAttr("", "model_config");
    if (modelConfig !== undefined && configText === undefined) {
      const root = h5.kind("model_weights") === "group" ? "model_weights" : "";
      const version = h5.stringAttr("", "keras_version") ?? h5.stringAttr(root, "keras_version");
      return {
        format: "legacy-h5",
        architecture: parseJson(modelConfig, "the model_config attribute"),
        kerasVersion: parseKerasVersion(version, "2"),
        weights: readLegacyWeights(h5, root),
      };
    }
    if (modelConfig !== undefined) {
      throw new OptionError("--config does nothing here: this HDF5 file is a full model (model.save) with its own architecture; drop --config");
    }
    if (!hasKerasWeightLayout(h5)) {
      throw new KerasError("an HDF5 file, but not a Keras file: no model_config and no Keras weights (layer_names or layers/); pass a file written by Keras' model.save() or save_weights()");
    }
    if (configText === undefined) {
      throw new KerasError("HDF5 file holds only weights (no model_config): pass the architecture JSON with --config");
    }
    const architecture = parseJson(configText, "the --config file");
    const keras3 = h5.kind("layers") === "group" || h5.kind("vars") === "group";
    const jsonVersion = (architecture as Record<string, unknown> | null)?.["keras_version"];
    const fileVersion = h5.stringAttr("", "keras_version");
    const version = fileVersion ?? (typeof jsonVersion === "string" ? jsonVersion : undefined);
    return {
      format: "weights-only",
      architecture,
      kerasVersion: parseKerasVersion(version, keras3 ? "3" : "2"),
      weights: keras3 ? readKeras3Weights(h5) : readLegacyWeights(h5, h5.kind("model_weights") === "group" ? "model_weights" : ""),
      ...(keras3 && !keras3HasLayerNames(h5) ? { keyedByPath: true } : {}),
    };
  } finally {
    h5.close();
  }
}

/** Weights as Keras writes them: `layer_names` (legacy, at the root or in model_weights) or `layers`/`vars` groups (Keras 3). */
function hasKerasWeightLayout(h5: H5File): boolean {
  return h5.attr("", "layer_names") !== undefined || h5.kind("model_weights") === "group" || h5.kind("layers") === "group" || h5.kind("vars") === "group";
}
