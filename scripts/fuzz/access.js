// Getting at and replacing the parts of a model file that mutations change: config JSON and weights.
import { DROP, editH5, withH5 } from "./h5kit.js";
import { readZip, writeZip } from "./zipkit.js";

const text = new TextDecoder();
const utf8 = new TextEncoder();

/** The architecture JSON text of an input (config.json, the model_config attribute, or --config). */
export async function configTextOf(source, input) {
  if (source.format === "keras") return text.decode(readZip(input.bytes).find((e) => e.name === "config.json").data);
  if (source.format === "weights") return input.configText;
  return withH5(input.bytes, (f) => String(f.attrs["model_config"].value));
}

/** The input with its architecture JSON text replaced. */
export async function withConfigText(source, input, configText) {
  if (source.format === "weights") return { ...input, configText };
  if (source.format === "keras") {
    const entries = readZip(input.bytes).map((e) => (e.name === "config.json" ? { ...e, data: utf8.encode(configText) } : e));
    return { bytes: writeZip(entries) };
  }
  const attr = (path, name) => (path === "" && name === "model_config" ? configText : undefined);
  return { bytes: await editH5(input.bytes, { attr }) };
}

/** The input with its weights HDF5 rewritten through `editH5` edits. */
export async function withWeightEdits(source, input, edits) {
  if (source.format !== "keras") return { ...input, bytes: await editH5(input.bytes, edits) };
  const entries = await Promise.all(
    readZip(input.bytes).map(async (e) => (e.name === "model.weights.h5" ? { ...e, data: await editH5(e.data, edits) } : e)),
  );
  return { bytes: writeZip(entries) };
}

/** The weights HDF5 bytes of an input (inside the zip for .keras). */
export function weightsBytesOf(source, input) {
  return source.format === "keras" ? readZip(input.bytes).find((e) => e.name === "model.weights.h5").data : input.bytes;
}

export { DROP };
