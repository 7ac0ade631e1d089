/**
 * Crafted model files: real Keras fixtures with every layer (and the model) renamed, so the same
 * numbers flow under hostile names. `.keras`: config.json and the weights' `vars` name attributes;
 * legacy `.h5`: model_config, layer_names and the per-layer weight groups.
 */
import { DROP, editH5 } from "../../scripts/fuzz/h5kit.js";
import { readZip, writeZip } from "../../scripts/fuzz/zipkit.js";

type Json = unknown;

/** Renames layers in a config tree: layer names, tensor references, and the model's own name. */
export function renameConfig(config: Json, names: Record<string, string>, modelName: string): Json {
  const map = (s: string) => (Object.hasOwn(names, s) ? names[s]! : s);
  const walk = (v: Json): Json => {
    if (Array.isArray(v)) {
      // A tensor reference: [layer, node, tensor] (with optional kwargs), or keras_history.
      if (typeof v[0] === "string" && typeof v[1] === "number" && typeof v[2] === "number") return [map(v[0]), ...v.slice(1).map(walk)];
      return v.map(walk);
    }
    if (v && typeof v === "object") {
      const o: Record<string, Json> = {};
      for (const [k, x] of Object.entries(v)) o[k] = k === "name" && typeof x === "string" ? map(x) : walk(x);
      return o;
    }
    return v;
  };
  const out = walk(config) as { config: { name?: string } };
  out.config.name = modelName;
  return out;
}

/** A `.keras` file with renamed layers and model. */
export async function renameKeras(bytes: Uint8Array, names: Record<string, string>, modelName: string): Promise<Uint8Array> {
  const utf8 = new TextEncoder();
  const entries = readZip(bytes).map(async (e) => {
    if (e.name === "config.json") {
      const config = renameConfig(JSON.parse(new TextDecoder().decode(e.data)), names, modelName);
      return { ...e, data: utf8.encode(JSON.stringify(config)) };
    }
    if (e.name === "model.weights.h5") {
      const attr = (_path: string, name: string, value: unknown) =>
        name === "name" && typeof value === "string" && Object.hasOwn(names, value) ? names[value] : undefined;
      return { ...e, data: await editH5(e.data, { attr }) };
    }
    return e;
  });
  return writeZip(await Promise.all(entries));
}

/** A legacy full-model `.h5` with renamed layers and model (names must not contain "/"). */
export async function renameH5(bytes: Uint8Array, names: Record<string, string>, modelName: string): Promise<Uint8Array> {
  const map = (s: string) => (Object.hasOwn(names, s) ? names[s]! : s);
  const attr = (path: string, name: string, value: unknown) => {
    if (path === "" && name === "model_config") return JSON.stringify(renameConfig(JSON.parse(String(value)), names, modelName));
    if (path === "model_weights" && name === "layer_names") return Array.from(value as ArrayLike<unknown>, (v) => map(String(v)));
    return undefined;
  };
  const rename = (path: string) => {
    const parts = path.split("/");
    if (parts[0] === "model_weights" && parts.length >= 2) parts[1] = map(parts[1]!);
    return parts.join("/");
  };
  return editH5(bytes, { attr, rename });
}

export { DROP };
