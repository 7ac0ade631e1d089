/**
 * Reads weight tensors from the two HDF5 layouts Keras writes, keyed by layer name, each list in
 * Keras' `get_weights()` order.
 */
import type { Weight } from "./types.js";
import { KerasError } from "../errors.js";
import type { H5File } from "./hdf5.js";

export type WeightsByLayer = Map<string, Weight[]>;

/** Children of a saveable, in the order Keras appends their variables to `layer.weights`. */
const CHILD_ORDER = [
  "cell", "forward_layer", "backward_layer", "layer", "cells",
  // MultiHeadAttention's projections (its weights: query, key, value, output).
  "query_dense", "key_dense", "value_dense", "output_dense",
];

/** Nested models (or wrapped layers) deeper than this are a hard-link cycle, not a Keras model. */
const MAX_NESTING = 32;

/**
 * Keras 3 layout (`model.weights.h5` in a `.keras` zip, or a Keras 3 `.weights.h5`): one group per
 * layer under `layers/`, named after the layer's class; the layer's real name is the `name`
 * attribute of its `vars` group. Nested models recurse and are keyed `outer/inner`.
 */
export function readKeras3Weights(h5: H5File, root = "layers", prefix = "", depth = 0): WeightsByLayer {
  const out: WeightsByLayer = new Map();
  if (depth > MAX_NESTING) throw new KerasError(`the weights file nests models more than ${MAX_NESTING} deep (a hard-link cycle?)`);
  for (const key of h5.keys(root)) {
    const group = `${root}/${key}`;
    if (h5.kind(group) !== "group") continue;
    const name = h5.stringAttr(`${group}/vars`, "name") ?? key;
    if (h5.kind(`${group}/layers`) === "group") {
      for (const [inner, weights] of readKeras3Weights(h5, `${group}/layers`, `${prefix}${name}/`, depth + 1)) out.set(inner, weights);
    }
    out.set(prefix + name, collectSaveable(h5, group, ""));
  }
  return out;
}

/** Keras 3 before ~3.5 wrote no `name` attribute on `vars` groups: then weights are keyed by path only. */
export function keras3HasLayerNames(h5: H5File, root = "layers"): boolean {
  const groups = h5.keys(root).filter((k) => h5.kind(`${root}/${k}/vars`) === "group");
  return groups.length > 0 && groups.every((k) => h5.stringAttr(`${root}/${k}/vars`, "name") !== undefined);
}

function collectSaveable(h5: H5File, group: string, rel: string, depth = 0): Weight[] {
  const weights: Weight[] = [];
  if (depth > MAX_NESTING) throw new KerasError(`the weights file nests layers more than ${MAX_NESTING} deep (a hard-link cycle?)`);
  const vars = `${group}/vars`;
  const indices = h5.keys(vars).filter((k) => /^\d+$/.test(k)).map(Number).sort((a, b) => a - b);
  for (const i of indices) {
    const { shape, data } = h5.readFloat32(`${vars}/${i}`);
    weights.push({ name: `${rel}vars/${i}`, shape, data });
  }
  const children = h5.keys(group).filter((k) => k !== "vars" && k !== "layers" && h5.kind(`${group}/${k}`) === "group");
  children.sort((a, b) => childRank(a) - childRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const child of children) weights.push(...collectSaveable(h5, `${group}/${child}`, `${rel}${child}/`, depth + 1));
  return weights;
}

function childRank(name: string): number {
  const i = CHILD_ORDER.indexOf(name);
  return i < 0 ? CHILD_ORDER.length : i;
}

/**
 * Legacy layout (`model.save("m.h5")` and Keras 1/2 `save_weights`): a group per layer holding a
 * `weight_names` attribute that gives the order; datasets sit at those names below the group.
 */
export function readLegacyWeights(h5: H5File, root: string): WeightsByLayer {
  const out: WeightsByLayer = new Map();
  const base = root === "" ? "" : `${root}/`;
  // Unique names: a list repeating one name 100,000 times must not mean 100,000 reads.
  const names = [...new Set(h5.stringListAttr(root, "layer_names"))];
  const layers = names.length > 0 ? names : h5.keys(root);
  for (const layer of layers) {
    const group = `${base}${layer}`;
    if (h5.kind(group) !== "group") continue;
    const weightNames = h5.stringListAttr(group, "weight_names").filter((n) => n !== "");
    out.set(
      layer,
      weightNames.map((name) => ({ name, ...h5.readFloat32(`${group}/${name}`) })),
    );
  }
  return out;
}
