// Issue 8's classes as mutation kinds: HDF5 link graphs (hard-link cycles, deep DAGs), chunk headers
// declaring huge chunks, zeroed blocks, repeated layer_names, deep JSON in layer configs, and graph
// blow-ups (nested models calling each other several times per level, repeated outputs, chains in
// reverse). Each must give a clean one-line error (or a correct module) within the per-input ceiling.
import { configTextOf, weightsBytesOf, withConfigText, withWeightEdits } from "./access.js";
import { datasetPaths } from "./h5kit.js";
import { readZip, writeZip } from "./zipkit.js";

export function hostileMutations(r, source, input, add) {
  linkGraphs(source, input, add);
  chunkHeaders(source, input, add);
  zeroedBlocks(r, source, input, add);
  if (source.format === "h5") add("hostile", "layer-names-repeated", "any", async () => withWeightEdits(source, input, { attr: (p, name) => (p === "model_weights" && name === "layer_names" ? Array(20000).fill(firstName(p)) : undefined) }));
  const json = (name, f) => add("hostile", name, "any", async () => withConfigText(source, input, f(await configTextOf(source, input))));
  json("deep-config-value", (t) => t.replace(/"config":\s*\{/, `"config": {"deep": ${"[".repeat(12000)}${"]".repeat(12000)}, `));
  json("deep-config-object", (t) => t.replace(/"config":\s*\{/, `"config": {"deep": ${'{"a":'.repeat(12000)}1${"}".repeat(12000)}, `));
  json("outputs-repeated", (t) => editJson(t, (j) => { const c = j.config; if (Array.isArray(c?.output_layers) && c.output_layers.length) c.output_layers = Array(20000).fill(c.output_layers[0]); return j; }));
  json("layers-reversed", (t) => editJson(t, (j) => { if (Array.isArray(j.config?.layers) && j.class_name !== "Sequential") j.config.layers.reverse(); return j; }));
  json("nested-fanout", (t) => editJson(t, (j) => fanoutModel(j, 6, 8)));
  json("nested-fanout-small", (t) => editJson(t, (j) => fanoutModel(j, 2, 2)));
}

const firstName = () => "lstm";

/** Hard-link cycle and a 2^24-path DAG below the weights' first group. */
function linkGraphs(source, input, add) {
  const top = source.format === "h5" ? "model_weights" : source.format === "keras" ? "layers" : "layers";
  add("hostile", "hard-link-cycle", "any", async () => withWeightEdits(source, input, { groups: ["loop"], hardLinks: [{ path: "loop/layers", target: `/${top}` }, { path: `${top}/zz_loop`, target: "/loop" }] }));
  const groups = [];
  const hardLinks = [];
  const depth = 24;
  for (let i = 0; i < depth; i++) groups.push(`dag${i}`, `dag${i}/layers`);
  for (let i = 0; i < depth - 1; i++) for (const k of ["a", "b"]) hardLinks.push({ path: `dag${i}/layers/${k}`, target: `/dag${i + 1}` });
  hardLinks.push({ path: `${top}/zz_dag`, target: "/dag0" });
  add("hostile", "hard-link-dag", "any", async () => withWeightEdits(source, input, { groups, hardLinks }));
}

/**
 * A weight rewritten gzip-compressed in one chunk of 2^20 values along its first axis (4 MB that
 * HDF5 allocates to read a tiny dataset): refused under --max-weights 500000, read under the default.
 * (Written directly: patching a chunk size into the file would break the header checksum.)
 */
function chunkHeaders(source, input, add) {
  for (const options of [{ maxWeightElements: 500_000 }, undefined]) {
    add("hostile", `huge-chunk${options ? "-over-limit" : ""}`, "any", async () => {
      const target = (await datasetPaths(weightsBytesOf(source, input))).find((d) => d.shape.length > 0);
      if (!target) return input;
      const chunks = target.shape.map((_, i) => (i === 0 ? 1 << 20 : 1));
      return withWeightEdits(source, input, { dataset: (p, d) => (p === target.path ? { ...d, compression: 6, chunks } : undefined) });
    }, options);
  }
}

/** Blocks of 512 to 4096 zero bytes at several places of the HDF5 data (superblock, headers, heaps, data). */
function zeroedBlocks(r, source, input, add) {
  const h5 = weightsBytesOf(source, input);
  for (let k = 0; k < 6; k++) {
    const size = 512 << r.int(4);
    const at = k === 0 ? 0 : r.int(Math.max(1, h5.length - 512));
    add("hostile", `zeroed-${at}-${size}`, "any", async () => {
      const bytes = h5.slice();
      bytes.fill(0, at, at + size);
      if (source.format !== "keras") return { ...input, bytes };
      return { bytes: writeZip(readZip(input.bytes).map((e) => (e.name === "model.weights.h5" ? { ...e, data: bytes } : e))) };
    });
  }
}

/**
 * Wraps the model `levels` times in a Functional model whose one nested-model layer is called `k`
 * times (each call's outputs averaged): k^levels calls from a few KB of JSON.
 */
export function fanoutModel(model, levels, k, repeatOutputs = 1) {
  let inner = model;
  const inputShape = firstInputShape(model);
  if (!inputShape) return model;
  for (let level = 0; level < levels; level++) {
    const name = `fan${level}`;
    inner = {
      class_name: "Functional",
      config: {
        name,
        layers: [
          { class_name: "InputLayer", name: `${name}_in`, config: { name: `${name}_in`, batch_shape: inputShape }, inbound_nodes: [] },
          { ...inner, name: `${name}_body`, config: { ...inner.config, name: `${name}_body` }, inbound_nodes: Array.from({ length: k }, () => [[`${name}_in`, 0, 0, {}]]) },
          { class_name: "Add", name: `${name}_sum`, config: { name: `${name}_sum` }, inbound_nodes: [Array.from({ length: k }, (_, n) => [`${name}_body`, n, 0, {}])] },
        ],
        input_layers: [[`${name}_in`, 0, 0]],
        output_layers: Array.from({ length: level === levels - 1 ? repeatOutputs : 1 }, () => [`${name}_sum`, 0, 0]),
      },
    };
  }
  return inner;
}

function firstInputShape(model) {
  const layers = model?.config?.layers;
  const input = Array.isArray(layers) ? layers.find((l) => l?.class_name === "InputLayer") : undefined;
  return input?.config?.batch_shape ?? input?.config?.batch_input_shape;
}

function editJson(text, f) {
  try {
    return JSON.stringify(f(JSON.parse(text)));
  } catch {
    return text;
  }
}
