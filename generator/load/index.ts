/**
 * Stage 1: bytes → the architecture JSON, the Keras version that wrote it, and the weights by layer.
 * The file's first bytes decide the format, never its extension.
 */
import { KerasError } from "../errors.js";
import type { KerasVersion } from "../ir/types.js";
import { H5File, isHdf5 } from "./hdf5.js";
import { isZip, readKerasZip } from "./keras-zip.js";
import { parseJson } from "./json-text.js";
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

export async function loadModelFile(bytes: Uint8Array, configText?: string, limits: LoadLimits = {}): Promise<LoadedFile> {
  if (isZip(bytes)) return loadKerasZip(bytes, limits);
  if (isHdf5(bytes)) return loadHdf5(bytes, configText, limits);
  throw new KerasError("not a Keras model: expected a .keras zip or an HDF5 file");
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
    if (configText === undefined) {
      throw new KerasError("HDF5 file holds only weights (no model_config): pass the architecture JSON with --config");
    }
    const architecture = parseJson(configText, "the --config file");
    const keras3 = h5.kind("layers") === "group";
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
