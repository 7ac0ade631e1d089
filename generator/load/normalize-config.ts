/**
 * Per-layer config normalisation across Keras versions: everything downstream reads Keras 3 keys
 * and sees the defaults of the Keras version that wrote the file made explicit.
 */
import { layerError } from "../errors.js";
import type { Config, KerasVersion } from "../ir/types.js";
import { looksLikeKeras1, upgradeKeras1Config } from "./keras1.js";

const RNN_CLASSES = new Set(["LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU"]);
/** RNNs with gates (SimpleRNN has no recurrent_activation). */
const GATED = new Set(["LSTM", "GRU", "CuDNNLSTM", "CuDNNGRU"]);

export function normalizeLayerConfig(className: string, name: string, config: Config, version: KerasVersion, notes: string[]): Config {
  const c: Config = version.major === 1 || looksLikeKeras1(className, config) ? upgradeKeras1Config(className, name, config, notes) : { ...config };
  if (Array.isArray(c["batch_input_shape"]) && c["batch_shape"] === undefined) c["batch_shape"] = c["batch_input_shape"];
  // Keras 3 writes dtype as a DTypePolicy object; only its name matters at inference.
  if (isObject(c["dtype"]) && isObject(c["dtype"]["config"]) && typeof c["dtype"]["config"]["name"] === "string") c["dtype"] = c["dtype"]["config"]["name"];
  if (c["time_major"] === true) throw layerError({ name, className }, "time_major=True (time-first tensors) is not supported");
  if (c["time_major"] === false) {
    delete c["time_major"]; // tf.keras 2.x key; False is the only meaning Keras 3 has
    notes.push(`${className} "${name}": tf.keras key time_major=False dropped (batch-first, as always)`);
  }
  if (className === "Embedding" && version.major < 3 && typeof c["dtype"] === "string" && /int/.test(c["dtype"])) {
    // Keras 2: an Embedding's dtype was its input placeholder's dtype; the table stayed float32.
    c["input_dtype"] ??= c["dtype"];
    c["dtype"] = "float32";
    notes.push(`Embedding "${name}": dtype ${String(c["input_dtype"])} is the input's dtype (Keras ${version.raw}); the table is float32`);
  }
  if (RNN_CLASSES.has(className)) {
    c["__takes_sequence"] = true;
    if (GATED.has(className) && c["recurrent_activation"] === undefined) {
      // Keras 1/2 defaulted to hard_sigmoid; tf.keras 2 and Keras 3 to sigmoid (always written since).
      c["recurrent_activation"] = version.major < 3 ? "hard_sigmoid" : "sigmoid";
    }
    if (className === "GRU" && c["reset_after"] === undefined) {
      const resetAfter = version.major >= 3;
      c["reset_after"] = resetAfter;
      notes.push(`GRU "${name}": no reset_after in the config; Keras ${version.raw} meant reset_after=${resetAfter}`);
    }
  }
  noteHardSigmoid(className, name, c, version, notes);
  for (const key of ["layer", "backward_layer"]) {
    const inner = c[key];
    if (isObject(inner)) {
      const innerConfig = (isObject(inner["config"]) ? inner["config"] : {}) as Config;
      const innerName = typeof innerConfig["name"] === "string" ? innerConfig["name"] : `${name}_${key}`;
      c[key] = { ...inner, config: normalizeLayerConfig(String(inner["class_name"]), innerName, innerConfig, version, notes) };
    }
  }
  return c;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Keras 3 redefined hard_sigmoid; say which formula an older file gets. */
function noteHardSigmoid(className: string, name: string, c: Config, version: KerasVersion, notes: string[]): void {
  if (version.major >= 3) return;
  const keys = ["activation", "recurrent_activation"].filter((k) => c[k] === "hard_sigmoid");
  if (keys.length > 0) notes.push(`${className} "${name}": ${keys.join(", ")} hard_sigmoid is Keras ${version.major}'s clip(0.2·x + 0.5, 0, 1)`);
}
