// Mutations of the architecture JSON: malformed text, wrong types, missing keys, unknown classes, absurd sizes.

/** Every [path, value] in a JSON tree, objects and arrays included (the root excluded). */
export function jsonNodes(tree, path = [], out = []) {
  if (tree && typeof tree === "object") {
    for (const key of Object.keys(tree)) {
      const p = [...path, Array.isArray(tree) ? Number(key) : key];
      out.push([p, tree[key]]);
      jsonNodes(tree[key], p, out);
    }
  }
  return out;
}

function setAt(tree, path, value) {
  const copy = structuredClone(tree);
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(last, 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

const PROTO_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype"];

const WRONG_VALUES = [null, true, false, -1, 0, 1e9, 2.5, -1e308, "x", "", "__proto__", [], [null], {}, { class_name: "x" }];

/** Layer objects of a model config, with their paths. */
function layerNodes(tree) {
  return jsonNodes(tree).filter(([p, v]) => v && typeof v === "object" && typeof v.class_name === "string" && p.includes("layers") && typeof p[p.length - 1] === "number");
}

/** [name, text → text] pairs: each a deterministic mutation of the config text. */
export function jsonMutations(r, count = { wrongType: 6, missingKey: 4 }) {
  const cut = r.next();
  const spot = r.next();
  const muts = [
    ["truncated-text", (t) => t.slice(0, Math.floor(cut * t.length))],
    ["garbage-byte", (t) => { const i = Math.floor(spot * t.length); return `${t.slice(0, i)}\u0000}{${t.slice(i)}`; }],
    ["empty", () => ""],
    ["null", () => "null"],
    ["array", () => "[]"],
    ["number", () => "42"],
    ["deep-nesting", () => `${"[".repeat(200000)}${"]".repeat(200000)}`],
    ["unknown-model-class", (t) => edit(t, (j) => ({ ...j, class_name: "Frobnicate" }))],
    ["model-config-missing", (t) => edit(t, (j) => setAt(j, ["config"], undefined))],
    ["layer-duplicated", (t) => duplicateFirstLayer(t)],
  ];
  for (let k = 0; k < count.wrongType; k++) {
    const value = r.pick(WRONG_VALUES);
    const at = r.next();
    muts.push([`wrong-type-${k}`, (t) => edit(t, (j) => { const nodes = jsonNodes(j); return nodes.length ? setAt(j, pickNodeAt(at, nodes), value) : j; })]);
  }
  for (let k = 0; k < count.missingKey; k++) {
    const at = r.next();
    muts.push([`missing-key-${k}`, (t) => edit(t, (j) => { const nodes = jsonNodes(j).filter(([p]) => typeof p[p.length - 1] === "string"); return nodes.length ? setAt(j, pickNodeAt(at, nodes), undefined) : j; })]);
  }
  // Strings from the file used as keys into plain objects must not find Object.prototype members.
  for (let k = 0; k < 3; k++) {
    const at = r.next();
    const name = r.pick(PROTO_NAMES);
    muts.push([`proto-class-${k}`, (t) => edit(t, (j) => { const nodes = jsonNodes(j).filter(([, v]) => v && typeof v === "object" && typeof v.class_name === "string"); return nodes.length ? setAt(j, [...pickNodeAt(at, nodes), "class_name"], name) : j; })]);
  }
  for (let k = 0; k < 4; k++) {
    const at = r.next();
    const name = r.pick(PROTO_NAMES);
    muts.push([`proto-string-${k}`, (t) => edit(t, (j) => { const nodes = jsonNodes(j).filter(([, v]) => typeof v === "string"); return nodes.length ? setAt(j, pickNodeAt(at, nodes), name) : j; })]);
  }
  muts.push(...layerMutations(r));
  return muts;
}

/** A node chosen by a fixed fraction (drawn when the recipe is made), 70% of the time inside layer configs. */
function pickNodeAt(at, nodes) {
  const inLayers = nodes.filter(([p]) => p.includes("layers"));
  const list = at < 0.7 && inLayers.length ? inLayers : nodes;
  return list[Math.floor((at < 0.7 ? at / 0.7 : (at - 0.7) / 0.3) * list.length) % list.length][0];
}

/** Mutations aimed at one layer: class, sizes, shapes, names, inbound nodes. */
function layerMutations(r) {
  const at = r.next();
  const onLayer = (name, f) => [name, (t) => edit(t, (j) => { const layers = layerNodes(j); if (!layers.length) return j; const [p, layer] = layers[Math.floor(at * layers.length)]; return setAt(j, p, f(structuredClone(layer))); })];
  const withConfig = (name, f) => onLayer(name, (l) => ({ ...l, config: f({ ...(l.config ?? {}) }) }));
  return [
    onLayer("unknown-layer-class", (l) => ({ ...l, class_name: "Frobnicate" })),
    onLayer("layer-class-proto", (l) => ({ ...l, class_name: "__proto__" })),
    onLayer("layer-class-constructor", (l) => ({ ...l, class_name: "constructor" })),
    withConfig("units-1e9", (c) => ({ ...c, units: 1e9 })),
    withConfig("units-negative", (c) => ({ ...c, units: -4 })),
    withConfig("units-zero", (c) => ({ ...c, units: 0 })),
    withConfig("units-fraction", (c) => ({ ...c, units: 2.5 })),
    withConfig("units-string", (c) => ({ ...c, units: "8" })),
    withConfig("batch-shape-zero", (c) => ({ ...c, batch_shape: [null, 0, 4], batch_input_shape: [null, 0, 4] })),
    withConfig("batch-shape-negative", (c) => ({ ...c, batch_shape: [null, -1, 4], batch_input_shape: [null, -1, 4] })),
    withConfig("batch-shape-huge", (c) => ({ ...c, batch_shape: [null, 1e9, 1e9], batch_input_shape: [null, 1e9, 1e9] })),
    withConfig("batch-shape-product-huge", (c) => ({ ...c, batch_shape: [null, 200000, 200000], batch_input_shape: [null, 200000, 200000] })),
    withConfig("batch-shape-not-list", (c) => ({ ...c, batch_shape: "(None, 5)", batch_input_shape: 5 })),
    withConfig("activation-unknown", (c) => ({ ...c, activation: "frobnicate" })),
    withConfig("activation-object", (c) => ({ ...c, activation: { class_name: "function", config: { deep: [1] } } })),
    withConfig("name-empty", (c) => ({ ...c, name: "" })),
    withConfig("name-number", (c) => ({ ...c, name: 7 })),
    onLayer("inbound-garbage", (l) => ({ ...l, inbound_nodes: [[["nowhere", 5, 9, {}]]] })),
    ["inbound-nested", (t) => edit(t, (j) => { const layers = layerNodes(j); if (!layers.length) return j; const [p, l] = layers[layers.length - 1]; return setAt(j, p, { ...l, inbound_nodes: [{ args: NEST_MARK, kwargs: {} }] }); }).replace(JSON.stringify(NEST_MARK), nested(20000))],
  ];
}

const NEST_MARK = "__keras2ts_fuzz_nest__";

/** JSON text of a tensor reference wrapped in `depth` arrays (too deep for recursive readers). */
function nested(depth) {
  return `${"[".repeat(depth)}{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0]}}${"]".repeat(depth)}`;
}

function edit(text, f) {
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  return JSON.stringify(f(json));
}

/** Config text whose first layer is listed twice (two layers of the same name). */
export function duplicateFirstLayer(text) {
  return edit(text, (j) => {
    const layers = j?.config?.layers;
    if (Array.isArray(layers) && layers.length > 1) layers.splice(1, 0, structuredClone(layers[1]));
    return j;
  });
}
