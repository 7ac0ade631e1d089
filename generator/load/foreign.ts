/**
 * Files and folders people pass that are not Keras model files (TensorFlow SavedModel, TensorFlow.js,
 * an architecture JSON on its own): one line saying what the input is and what to pass instead.
 */

/** Saving a `.keras` file is what every non-Keras format needs: the same words everywhere. */
export const SAVE_KERAS_HINT = 'in Python, save the Keras model with model.save("model.keras") and pass that file';

const SAVED_MODEL = 'a TensorFlow SavedModel, not a Keras file: in Python, load it (tf.keras.models.load_model, TensorFlow 2) and save it with model.save("model.keras"), then pass that file';
const TFJS = `a TensorFlow.js model (model.json), not a Keras file: keras2ts reads the Keras file it was converted from; ${SAVE_KERAS_HINT}`;
const ARCHITECTURE_ONLY = "an architecture JSON (model.to_json()) without weights: pass the weights file (model.save_weights) as MODEL and this file with --config";

/** Why a file that is neither a zip nor HDF5 cannot be read, from its name and first bytes. */
export function foreignFileReason(bytes: Uint8Array, sourceName: string): string {
  if (/\.pb(txt)?$/i.test(sourceName)) return SAVED_MODEL;
  const json = jsonObject(bytes);
  if (json && ("modelTopology" in json || "weightsManifest" in json)) return TFJS;
  if (json && "class_name" in json && "config" in json) return ARCHITECTURE_ONLY;
  return "not a Keras model: expected a .keras zip or an HDF5 file";
}

/** Why a folder cannot be read, from the names of its entries. */
export function folderReason(entries: readonly string[]): string {
  if (entries.includes("saved_model.pb") || entries.includes("saved_model.pbtxt")) return SAVED_MODEL;
  if (entries.includes("model.json")) return `a folder, not a model file (if its model.json is a TensorFlow.js model: ${SAVE_KERAS_HINT})`;
  return "a folder, not a model file: pass a .keras or .h5 file";
}

/** The file parsed as a JSON object, when it is one (only small enough texts are tried). */
function jsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first !== 0x7b /* { */ || bytes.length > 64 * 1024 * 1024) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
