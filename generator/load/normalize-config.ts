/**
 * Per-layer config normalisation across Keras versions: everything downstream reads Keras 3 keys
 * and sees the defaults of the Keras version that wrote the file made explicit.
 */
import { layerError } from "../errors.js";
import type { Config, KerasVersion } from "./types.js";
import { looksLikeKeras1, upgradeKeras1Config } from "./keras1.js";
import type { LayerKinds } from "./layer-kinds.js";

/** Rules for every class here; a kind's own rules come from its descriptor through `kinds`. */
export function normalizeLayerConfig(className: string, name: string, config: Config, version: KerasVersion, notes: string[], kinds: LayerKinds): Config {
  const c: Config = version.major === 1 || looksLikeKeras1(className, config) ? upgradeKeras1Config(className, name, config, notes) : { ...config };
  if (Array.isArray(c["batch_input_shape"]) && c["batch_shape"] === undefined) c["batch_shape"] = c["batch_input_shape"];
  // Keras 3 writes dtype as a DTypePolicy object; only its name matters at inference.
  if (isObject(c["dtype"]) && isObject(c["dtype"]["config"]) && typeof c["dtype"]["config"]["name"] === "string") c["dtype"] = c["dtype"]["config"]["name"];
  if (c["time_major"] === true) throw layerError({ name, className }, "time_major=True (time-first tensors) is not supported");
  if (c["time_major"] === false) {
    delete c["time_major"]; // tf.keras 2.x key; False is the only meaning Keras 3 has
    notes.push(`${className} "${name}": tf.keras key time_major=False dropped (batch-first, as always)`);
  }
  kinds.normalizeConfig(className, name, c, version, notes);
  noteHardSigmoid(className, name, c, version, notes);
  for (const key of ["layer", "backward_layer"]) {
    const inner = c[key];
    if (isObject(inner)) {
      const innerConfig = (isObject(inner["config"]) ? inner["config"] : {}) as Config;
      const innerName = typeof innerConfig["name"] === "string" ? innerConfig["name"] : `${name}_${key}`;
      c[key] = { ...inner, config: normalizeLayerConfig(String(inner["class_name"]), innerName, innerConfig, version, notes, kinds) };
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
