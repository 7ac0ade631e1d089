/**
 * Stage 1: bytes → the architecture JSON, the Keras version that wrote it, and the weights by layer.
 * The file's first bytes decide the format, never its extension.
 */
import { KerasError, OptionError } from "../errors.js";
import type { KerasVersion } from "./types.js";
import { DEFAULT_MAX_DATASET_ELEMENTS, isHdf5 } from "./h5-format.js";
import type { H5Request } from "./h5-contents.js";
import { readHdf5Contents, warmHdf5Reader, type ReadBudget } from "./h5-host.js";
import { foreignFileReason } from "./foreign.js";
import { isZip, readKerasZip } from "./keras-zip.js";
import { parseJson } from "./json-text.js";
import { parseKerasVersion } from "./version.js";
import type { WeightsByLayer } from "./weights.js";

export interface LoadLimits {
  /** Largest uncompressed size accepted from a `.keras` zip. */
  readonly maxUnzippedBytes?: number;
  /** Largest number of weight values accepted, in one tensor and in the whole file. */
  readonly maxWeightElements?: number;
  /** Seconds the HDF5 library may spend on the file (default: 3 + 1 per started 8 MiB). */
  readonly maxReadSeconds?: number;
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
    warmHdf5Reader(); // h5wasm loads in the worker meanwhile
    return loadKerasZip(bytes, limits);
  }
  if (isHdf5(bytes)) {
    warmHdf5Reader();
    return loadHdf5(bytes, configText, limits);
  }
  throw new KerasError(foreignFileReason(bytes, sourceName));
}

async function loadKerasZip(bytes: Uint8Array, limits: LoadLimits): Promise<LoadedFile> {
  const zip = readKerasZip(bytes, limits.maxUnzippedBytes);
  const metadata = zip.metadata === undefined ? {} : parseJson(zip.metadata, "metadata.json");
  const version = typeof metadata === "object" && metadata ? (metadata as Record<string, unknown>)["keras_version"] : undefined;
  const architecture = parseJson(zip.config, "config.json");
  // Inflated weights are ours: handed to the worker without a copy (a stored entry is the caller's bytes).
  const owned = zip.weights.buffer !== bytes.buffer && zip.weights.byteLength === zip.weights.buffer.byteLength;
  const h5 = await readHdf5Contents(request(zip.weights, "keras-zip", false, limits), readBudget(limits), owned);
  return {
    format: "keras-zip",
    architecture,
    kerasVersion: parseKerasVersion(typeof version === "string" ? version : undefined),
    weights: new Map(h5.weights),
    ...(h5.keyedByPath ? { keyedByPath: true } : {}),
  };
}

async function loadHdf5(bytes: Uint8Array, configText: string | undefined, limits: LoadLimits): Promise<LoadedFile> {
  const architectureJson = configText === undefined ? undefined : parseJson(configText, "the --config file");
  const h5 = await readHdf5Contents(request(bytes, "hdf5", configText !== undefined, limits), readBudget(limits));
  const weights = new Map(h5.weights);
  if (h5.modelConfig !== undefined && architectureJson === undefined) {
    return {
      format: "legacy-h5",
      architecture: parseJson(h5.modelConfig, "the model_config attribute"),
      kerasVersion: parseKerasVersion(h5.kerasVersion, "2"),
      weights,
    };
  }
  if (h5.modelConfig !== undefined) {
    throw new OptionError("--config does nothing here: this HDF5 file is a full model (model.save) with its own architecture; drop --config");
  }
  if (!h5.kerasWeights) {
    throw new KerasError("an HDF5 file, but not a Keras file: no model_config and no Keras weights (layer_names or layers/); pass a file written by Keras' model.save() or save_weights()");
  }
  if (architectureJson === undefined) {
    throw new KerasError("HDF5 file holds only weights (no model_config): pass the architecture JSON with --config");
  }
  const keras3 = h5.layout === "keras3";
  const jsonVersion = (architectureJson as Record<string, unknown> | null)?.["keras_version"];
  const version = h5.kerasVersion ?? (typeof jsonVersion === "string" ? jsonVersion : undefined);
  return {
    format: "weights-only",
    architecture: architectureJson,
    kerasVersion: parseKerasVersion(version, keras3 ? "3" : "2"),
    weights,
    ...(h5.keyedByPath ? { keyedByPath: true } : {}),
  };
}

function request(bytes: Uint8Array, source: H5Request["source"], configGiven: boolean, limits: LoadLimits): H5Request {
  return { bytes, source, configGiven, maxElements: limits.maxWeightElements ?? DEFAULT_MAX_DATASET_ELEMENTS };
}

function readBudget(limits: LoadLimits): ReadBudget {
  return limits.maxReadSeconds === undefined ? {} : { seconds: limits.maxReadSeconds };
}
