// The mutant catalogue: deterministic recipes (all randomness drawn when the list is built) whose
// `make()` derives one bad input from one fixture file.
import { configTextOf, DROP, weightsBytesOf, withConfigText, withWeightEdits } from "./access.js";
import { datasetPaths } from "./h5kit.js";
import { hostileMutations } from "./hostile-mutations.js";
import { jsonMutations } from "./json-mutations.js";
import { hash, rng } from "./rng.js";
import { sourceInput } from "./sources.js";
import { concat, readZip, writeZip } from "./zipkit.js";

/**
 * Every recipe: {id, category, source, expect, options?, make}. `expect` is "reject" (must fail),
 * "same" (must generate a module computing what the fixture computes) or "any" (either, honestly classified).
 */
export async function buildRecipes(sources, seed = 1) {
  const recipes = [];
  for (const source of sources) {
    const r = rng(seed ^ hash(source.id));
    const input = sourceInput(source);
    const add = (category, name, expect, make, options) => recipes.push({ id: `${source.id}/${category}/${name}`, category, source, expect, make, ...(options ? { options } : {}) });
    truncations(r, input, add);
    bitflips(r, input, add);
    if (source.format === "keras") zipMutations(input, add);
    for (const [name, f] of jsonMutations(r)) add("json", name, "any", async () => withConfigText(source, input, f(await configTextOf(source, input))));
    await weightMutations(r, source, input, add);
    hostileMutations(r, source, input, add);
  }
  return recipes;
}

function truncations(r, input, add) {
  const n = input.bytes.length;
  const cuts = new Set([0, 1, 7, 64, 512, n >> 2, n >> 1, n - 1, 1 + r.int(n - 2), 1 + r.int(n - 2)]);
  for (const cut of cuts) add("truncate", `at-${cut}`, "reject", async () => ({ ...input, bytes: input.bytes.slice(0, cut) }));
}

function bitflips(r, input, add) {
  const n = input.bytes.length;
  for (let k = 0; k < 8; k++) {
    const at = k < 2 ? r.int(Math.min(n, 1024)) : r.int(n);
    const bit = r.int(8);
    add("bitflip", `byte-${at}-bit-${bit}`, "any", async () => {
      const bytes = input.bytes.slice();
      bytes[at] ^= 1 << bit;
      return { ...input, bytes };
    });
  }
  const at = r.int(Math.max(1, n - 16));
  const fill = r.int(256);
  add("bitflip", `run-${at}`, "any", async () => {
    const bytes = input.bytes.slice();
    bytes.fill(fill, at, at + 16);
    return { ...input, bytes };
  });
}

const utf8 = new TextEncoder();

/** Zip structure: entries missing, renamed, doubled, lying sizes and checksums, path tricks, bombs. */
function zipMutations(input, add) {
  const entries = readZip(input.bytes);
  const rezip = (f) => async () => ({ bytes: writeZip(f(entries.map((e) => ({ ...e })))) });
  const rename = (from, to) => rezip((es) => es.map((e) => (e.name === from ? { ...e, name: to } : e)));
  for (const name of ["config.json", "model.weights.h5"]) {
    add("zip", `drop-${name}`, "reject", rezip((es) => es.filter((e) => e.name !== name)));
    for (const to of [name.toUpperCase(), `./${name}`, `../${name}`, `/${name}`, `sub/${name}`]) add("zip", `rename-${name}-to-${to}`, "reject", rename(name, to));
  }
  add("zip", "drop-metadata.json", "same", rezip((es) => es.filter((e) => e.name !== "metadata.json")));
  add("zip", "rezipped-deflated", "same", rezip((es) => es.map((e) => ({ ...e, deflate: true }))));
  add("zip", "path-traversal-extras", "same", rezip((es) => [...es, ...["../../evil.txt", "/tmp/keras2ts-evil", "..\\evil.txt", "C:/evil"].map((name) => ({ name, data: utf8.encode("pwned") }))]));
  add("zip", "duplicate-config", "reject", rezip((es) => [...es, { name: "config.json", data: utf8.encode("{}") }]));
  add("zip", "bad-crc", "reject", rezip((es) => es.map((e) => (e.name === "config.json" ? { ...e, crc: 12345 } : e))));
  add("zip", "declared-size-huge", "reject", rezip((es) => es.map((e) => (e.name === "model.weights.h5" ? { ...e, deflate: true, declaredSize: 0xfffffff0 } : e))));
  add("zip", "declared-size-small", "reject", rezip((es) => es.map((e) => (e.name === "model.weights.h5" ? { ...e, deflate: true, declaredSize: 100 } : e))));
  add("zip", "stored-size-mismatch", "reject", rezip((es) => es.map((e) => (e.name === "config.json" ? { ...e, declaredSize: e.data.length + 1 } : e))));
  add("zip", "deflate-garbage", "reject", rezip((es) => es.map((e) => (e.name === "config.json" ? { ...e, compressed: utf8.encode("not deflate at all") } : e))));
  add("zip", "real-bomb", "reject", rezip((es) => [...es.filter((e) => e.name !== "config.json"), { name: "config.json", data: concat([es.find((e) => e.name === "config.json").data, new Uint8Array(20 << 20).fill(32)]), deflate: true }]), { maxUnzippedBytes: 4 << 20 });
  add("zip", "no-entries", "reject", async () => ({ bytes: writeZip([]) }));
  const metadata = (text) => rezip((es) => es.map((e) => (e.name === "metadata.json" ? { ...e, data: utf8.encode(text) } : e)));
  add("zip", "metadata-garbage", "reject", metadata("{not json"));
  add("zip", "metadata-version-injection", "same", metadata(JSON.stringify({ keras_version: "3.15.1\n*/ globalThis.__k2tsPwned = 1; /*\u2028", date_saved: "x" })));
}

/** Weights: missing, extra, wrong shape, huge declared shape, wrong dtype, NaN values, broken name lists. */
async function weightMutations(r, source, input, add) {
  const datasets = (await datasetPaths(weightsBytesOf(source, input))).filter((d) => d.shape.length > 0);
  if (datasets.length === 0) return;
  const target = () => r.pick(datasets);
  const edit = (name, expect, edits) => add("weights", name, expect, async () => withWeightEdits(source, input, edits));
  const drop = target();
  edit(`drop-${drop.path}`, "any", { skip: (p) => p === drop.path });
  const transposed = target();
  edit(`transpose-${transposed.path}`, "any", { dataset: (p, d) => (p === transposed.path ? { ...d, shape: [...d.shape].reverse() } : undefined) });
  const flat = target();
  edit(`extra-dim-${flat.path}`, "any", { dataset: (p, d) => (p === flat.path ? { ...d, shape: [...d.shape, 1] } : undefined) });
  const small = target();
  edit(`one-element-${small.path}`, "any", { dataset: (p, d) => (p === small.path ? { data: new Float32Array([1]), shape: [1], dtype: "<f" } : undefined) });
  const huge = target();
  edit(`huge-shape-${huge.path}`, "reject", { skip: (p) => p === huge.path, extra: [{ path: huge.path, hugeShape: [1 << 17, 1 << 17] }] });
  const str = target();
  edit(`string-dtype-${str.path}`, "any", { dataset: (p, d) => (p === str.path ? { data: Array.from({ length: d.data.length }, () => "x"), shape: d.shape } : undefined) });
  const nan = target();
  edit(`nan-values-${nan.path}`, "any", { dataset: (p, d) => (p === nan.path ? { ...d, data: new Float32Array(d.data.length).fill(NaN) } : undefined) });
  const extraParent = target().path.split("/").slice(0, -1).join("/");
  edit(`extra-weight-in-${extraParent}`, "any", { extra: [{ path: `${extraParent}/${source.format === "h5" ? "extra_weight" : "99"}`, data: new Float32Array(4), shape: [4], dtype: "<f" }] });
  if (source.format === "h5") {
    edit("weight-names-extra", "any", { extra: [{ path: `${extraParent}/listed_extra`, data: new Float32Array(4), shape: [4], dtype: "<f" }], attr: (p, name, v) => (name === "weight_names" && `model_weights/${p.split("/")[1]}` === extraParent.split("/").slice(0, 2).join("/") && Array.isArray(v) ? [...v, extraParent.split("/").slice(2).concat("listed_extra").join("/")] : undefined) });
    edit("weight-names-reordered", "any", { attr: (_p, name, v) => (name === "weight_names" && Array.isArray(v) && v.length > 1 ? [v[1], v[0], ...v.slice(2)] : undefined) });
    edit("weight-names-dangling", "any", { attr: (_p, name, v) => (name === "weight_names" && Array.isArray(v) && v.length ? [...v.slice(0, -1), "no/such/weight"] : undefined) });
    edit("layer-names-garbage", "any", { attr: (p, name) => (p === "model_weights" && name === "layer_names" ? ["nope", "../..", ""] : undefined) });
    edit("model-config-dropped", "reject", { attr: (p, name) => (p === "" && name === "model_config" ? DROP : undefined) });
  }
}
