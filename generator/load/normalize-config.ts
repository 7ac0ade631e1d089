/**
 * Per-layer config normalisation across Keras versions: everything downstream reads Keras 3 keys
 * and sees the defaults of the Keras version that wrote the file made explicit.
 */
import type { Config, KerasVersion } from "../ir/types.js";

const RNN_CLASSES = new Set(["LSTM", "GRU", "SimpleRNN", "CuDNNLSTM", "CuDNNGRU"]);

export function normalizeLayerConfig(className: string, name: string, config: Config, version: KerasVersion, notes: string[]): Config {
  const c: Config = { ...config };
  if (Array.isArray(c["batch_input_shape"]) && c["batch_shape"] === undefined) c["batch_shape"] = c["batch_input_shape"];
  if (RNN_CLASSES.has(className)) {
    c["__takes_sequence"] = true;
    if (c["recurrent_activation"] === undefined) {
      // Keras 1/2 defaulted to hard_sigmoid; tf.keras 2 and Keras 3 to sigmoid (always written since).
      c["recurrent_activation"] = version.major < 3 ? "hard_sigmoid" : "sigmoid";
    }
    if (className === "GRU" && c["reset_after"] === undefined) {
      const resetAfter = version.major >= 3;
      c["reset_after"] = resetAfter;
      notes.push(`GRU "${name}": no reset_after in the config; Keras ${version.raw} meant reset_after=${resetAfter}`);
    }
  }
  for (const key of ["layer", "backward_layer"]) {
    const inner = c[key];
    if (inner && typeof inner === "object" && !Array.isArray(inner)) {
      const o = inner as Record<string, unknown>;
      const innerConfig = (o["config"] ?? {}) as Config;
      const innerName = typeof innerConfig["name"] === "string" ? innerConfig["name"] : `${name}_${key}`;
      c[key] = { ...o, config: normalizeLayerConfig(String(o["class_name"]), innerName, innerConfig, version, notes) };
    }
  }
  return c;
}
