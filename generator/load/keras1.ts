/**
 * Keras 1 files: layer config keys renamed to their Keras 2/3 names, and recurrent weights stored
 * one tensor per gate fused into the Keras 2 layout (what Keras 2's own loader did for them).
 */
import { KerasError } from "../errors.js";
import type { Config, Weight } from "./types.js";
import type { WeightsByLayer } from "./weights.js";

const RNN = new Set(["LSTM", "GRU", "SimpleRNN"]);

/** Keras 1 key → Keras 2 key, for every layer class that had the key. */
const COMMON_RENAMES = new Map(Object.entries({
  init: "kernel_initializer",
  inner_init: "recurrent_initializer",
  inner_activation: "recurrent_activation",
  W_regularizer: "kernel_regularizer",
  U_regularizer: "recurrent_regularizer",
  b_regularizer: "bias_regularizer",
  W_constraint: "kernel_constraint",
  U_constraint: "recurrent_constraint",
  b_constraint: "bias_constraint",
  dropout_W: "dropout",
  dropout_U: "recurrent_dropout",
  bias: "use_bias",
}));

const IMPLEMENTATION = new Map([["cpu", 0], ["mem", 1], ["gpu", 2]]);

/** Renames worth a note: the others (initializers, regularizers, constraints) do nothing at inference. */
const MEANINGFUL = new Set(["units", "recurrent_activation", "use_bias", "rate"]);

/** Classes whose Keras 1 `output_dim` is Keras 2 `units` (Embedding keeps `output_dim`). */
const UNITS_CLASSES = new Set(["Dense", "LSTM", "GRU", "SimpleRNN", "Highway", "MaxoutDense"]);

/** True when a config still uses Keras 1 names (a JSON without `keras_version` can be Keras 1). */
export function looksLikeKeras1(className: string, config: Config): boolean {
  return (UNITS_CLASSES.has(className) && config["output_dim"] !== undefined && config["units"] === undefined) || config["inner_activation"] !== undefined;
}

/** A copy of a Keras 1 config with Keras 2 key names; `notes` records the renames that matter. */
export function upgradeKeras1Config(className: string, name: string, config: Config, notes: string[]): Config {
  const c: Config = {};
  const renamed: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    let target = COMMON_RENAMES.get(key) ?? key;
    if (key === "output_dim" && UNITS_CLASSES.has(className)) target = "units";
    if (key === "p" && /Dropout/.test(className)) target = "rate";
    if (className === "Embedding" && key === "init") target = "embeddings_initializer";
    if (className === "Embedding" && key === "dropout") continue; // Keras 1 word dropout: training only
    if (target !== key && MEANINGFUL.has(target)) renamed.push(`${key}→${target}`);
    Object.defineProperty(c, target, { value, enumerable: true, writable: true, configurable: true }); // even "__proto__"
  }
  if (RNN.has(className) && typeof config["consume_less"] === "string") {
    c["implementation"] = IMPLEMENTATION.get(config["consume_less"]) ?? 0;
    delete c["consume_less"];
  }
  if (renamed.length > 0) notes.push(`${className} "${name}": Keras 1 config keys ${renamed.join(", ")}`);
  return c;
}

/** Per-gate tensor counts of Keras 1 recurrent layers, and the order the gates are stored in. */
const PER_GATE: Record<string, { count: number; order: readonly number[]; gates: string }> = {
  // Stored W_i U_i b_i, W_c U_c b_c, W_f U_f b_f, W_o U_o b_o; Keras 2 wants i, f, c, o.
  LSTM: { count: 12, order: [0, 2, 1, 3], gates: "i, c, f, o → i, f, c, o" },
  // Stored W_z U_z b_z, W_r U_r b_r, W_h U_h b_h: already Keras 2's z, r, h order.
  GRU: { count: 9, order: [0, 1, 2], gates: "z, r, h" },
};

export interface LayerWeightsInfo {
  readonly className: string;
  readonly name: string;
  readonly config: Config;
}

/**
 * Fuses Keras 1 per-gate recurrent weights (found by count: Keras 2 and 3 never store 12 LSTM or
 * 9 GRU tensors) into kernel, recurrent kernel and bias; wrapped layers (Bidirectional halves,
 * TimeDistributed) are fused per inner layer.
 */
export function fuseKeras1Weights(layers: readonly LayerWeightsInfo[], weights: WeightsByLayer, notes: string[]): WeightsByLayer {
  const out: WeightsByLayer = new Map(weights);
  for (const layer of layers) {
    const list = weights.get(layer.name);
    if (!list || list.length === 0) continue;
    const inner = wrappedClass(layer.config, "layer");
    const parts =
      layer.className === "Bidirectional" && inner
        ? [fuseOne(inner, layer.name, list.slice(0, list.length / 2)), fuseOne(wrappedClass(layer.config, "backward_layer") ?? inner, layer.name, list.slice(list.length / 2))]
        : [fuseOne(layer.className === "TimeDistributed" && inner ? inner : layer.className, layer.name, list)];
    if (parts.some((p) => p.gates === undefined)) continue;
    out.set(layer.name, parts.flatMap((p) => p.weights));
    notes.push(`${layer.className} "${layer.name}": Keras 1 per-gate weights (${parts[0]!.gates}) fused into kernel, recurrent_kernel, bias`);
  }
  return out;
}

function wrappedClass(config: Config, key: string): string | undefined {
  const o = config[key];
  if (!o || typeof o !== "object") return undefined;
  const cls = (o as Record<string, unknown>)["class_name"];
  return typeof cls === "string" ? cls : undefined;
}

function fuseOne(className: string, layerName: string, list: Weight[]): { weights: Weight[]; gates?: string } {
  const spec = Object.hasOwn(PER_GATE, className) ? PER_GATE[className] : undefined;
  if (!spec || list.length !== spec.count) return { weights: list };
  const gates = spec.order.map((g) => list.slice(3 * g, 3 * g + 3));
  const names = ["kernel", "recurrent_kernel", "bias"];
  return { weights: names.map((name, k) => concatColumns(layerName, gates.map((g) => g[k]!), name)), gates: spec.gates };
}

/** Concatenates 1-D or 2-D tensors along their last axis. */
function concatColumns(layerName: string, parts: Weight[], name: string): Weight {
  const first = parts[0]!;
  const rows = first.shape.length === 2 ? first.shape[0]! : 1;
  if (first.shape.length < 1 || first.shape.length > 2 || parts.some((p) => p.shape.length !== first.shape.length || (p.shape.length === 2 && p.shape[0] !== rows))) {
    throw new KerasError(`layer "${layerName}": Keras 1 per-gate ${name} tensors have mismatched shapes (${parts.map((p) => `[${p.shape.join(", ")}]`).join(", ")})`);
  }
  const widths = parts.map((p) => p.shape[p.shape.length - 1]!);
  const total = widths.reduce((a, b) => a + b, 0);
  const data = new Float32Array(rows * total);
  let offset = 0;
  parts.forEach((p, k) => {
    for (let r = 0; r < rows; r++) data.set(p.data.subarray(r * widths[k]!, (r + 1) * widths[k]!), r * total + offset);
    offset += widths[k]!;
  });
  return { name: `${name} (fused from ${parts.map((p) => p.name).join(", ")})`, shape: first.shape.length === 2 ? [rows, total] : [total], data };
}
