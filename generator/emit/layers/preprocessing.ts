/**
 * Numeric preprocessing layers: Normalization (adapted or given mean/variance, any kept axes,
 * `invert`), Discretization (bin boundaries → bin index, or encoded) and CategoryEncoding
 * (one_hot, multi_hot, count). Their statistics and boundaries are fixed at inference.
 */
import { layerError } from "../../errors.js";
import type { Call, Dim, Layer, Shape } from "../../ir/types.js";
import { fixedSize, sampleAxes, spanOf } from "./axes.js";
import { boolParam, intParam, stringParam } from "./config.js";
import { formatFloat32 } from "../float32.js";
import { configOf } from "./parsed-config.js";
import type { EmitContext, LayerEmitter } from "./types.js";

/** Keras' backend epsilon: Normalization divides by max(√variance, 1e-7). */
const BACKEND_EPSILON = 1e-7;

interface NormalizationConfig {
  /** Kept axes as Keras lists them (counting the batch axis); empty: one mean for everything. */
  readonly axis: readonly number[];
  readonly invert: boolean;
  /** Mean and variance given in the config (no weights), else adapted (weights mean, variance, count). */
  readonly given?: { readonly mean: readonly number[]; readonly variance: readonly number[] };
}

const numberList = (v: unknown): number[] | undefined => {
  if (typeof v === "number") return [v];
  if (!Array.isArray(v)) return undefined;
  const flat = (v as unknown[]).flat(8);
  return flat.every((x) => typeof x === "number") ? (flat as number[]) : undefined;
};

/** The kept axes as one contiguous run of per-sample axes: (outer, n, inner). */
function normSpan(layer: Layer, shape: Shape): { outer: readonly Dim[]; n: number; inner: readonly Dim[] } {
  const c = configOf(normalization, layer);
  if (c.axis.length === 0) return { outer: [], n: 1, inner: shape };
  const span = spanOf(layer, shape, sampleAxes(layer, c.axis, shape.length));
  return { outer: span.outer, n: fixedSize(layer, span.axis, "a kept axis"), inner: span.inner };
}

export const normalization: LayerEmitter<NormalizationConfig> = {
  classNames: ["Normalization"],
  mask: "pass",
  docs: "Preprocessing",
  parseConfig(layer) {
    const spec = layer.config["axis"] === undefined ? [-1] : layer.config["axis"];
    const axis = spec === null ? [] : numberList(spec);
    if (!axis) throw layerError(layer, `axis must be an integer, a list of them or None, got ${JSON.stringify(spec)}`);
    const mean = layer.config["mean"];
    const given = mean === null || mean === undefined ? undefined : { mean: numberList(mean), variance: numberList(layer.config["variance"]) };
    if (given && (!given.mean || !given.variance)) throw layerError(layer, "mean and variance must be numbers or lists of numbers");
    return { axis, invert: boolParam(layer, "invert", false), ...(given ? { given: given as { mean: number[]; variance: number[] } } : {}) };
  },
  outputShapes(layer, [input]) {
    const { n } = normSpan(layer, input!);
    const given = configOf(normalization, layer).given;
    if (given && ![1, n].includes(given.mean.length)) throw layerError(layer, `a mean of ${given.mean.length} values does not fit ${n} kept positions`);
    return [input!];
  },
  weightSpecs(layer, [input]) {
    if (configOf(normalization, layer).given) return [];
    const c = configOf(normalization, layer);
    const shape = c.axis.length === 0 ? [] : (spanOf(layer, input!, sampleAxes(layer, c.axis, input!.length)).axis as number[]);
    return [
      { name: "mean", shape, slices: ["adapted mean"] },
      { name: "variance", shape, slices: ["adapted variance"] },
      { name: "count", shape: [], slices: ["number of adapted samples (unused at inference)"] },
    ];
  },
  emit(call, ctx) {
    const layer = call.layer;
    const c = configOf(normalization, layer);
    const shape = ctx.shape(call.inputs[0]!);
    const { outer, n, inner } = normSpan(layer, shape);
    const widen = (v: readonly number[]) => Float32Array.from(v.length === 1 ? Array.from({ length: n }, () => v[0]!) : v);
    const mean = c.given ? ctx.weight(layer, 0, "mean", widen(c.given.mean)) : ctx.weight(layer, 0, "mean");
    const variance = c.given ? ctx.weight(layer, 1, "variance", widen(c.given.variance)) : ctx.weight(layer, 1, "variance");
    const x = ctx.buffer(call.inputs[0]!);
    const out = ctx.buffer(call.outputs[0]!);
    const formula = (k: string) => (c.invert ? `${mean}[j]! + ${x}[${k}]! * d` : `(${x}[${k}]! - ${mean}[j]!) / d`);
    const denominator = `const d = Math.max(Math.sqrt(${variance}[j]!), ${formatFloat32(BACKEND_EPSILON)});`;
    const [o, i] = [ctx.size(outer), ctx.size(inner)];
    if (o === "1" && i === "1") {
      ctx.line(`for (let j = 0; j < ${n}; j++) {`, `  ${denominator}`, `  ${out}[j] = ${formula("j")};`, "}");
      return;
    }
    ctx.line(
      `for (let o = 0; o < ${o}; o++) {`,
      `  for (let j = 0; j < ${n}; j++) {`,
      `    ${denominator}`,
      `    for (let i = 0; i < ${i}; i++) {`,
      `      const k = (o * ${n} + j) * ${i} + i;`,
      `      ${out}[k] = ${formula("k")};`,
      "    }",
      "  }",
      "}",
    );
  },
};

type EncodeMode = "int" | "one_hot" | "multi_hot" | "count";

/** Output shape of encoding per-sample `shape` into `depth` categories (Keras' encode_categorical_inputs). */
function encodedShape(mode: EncodeMode, shape: Shape, depth: number): Dim[] {
  if (mode === "int") return [...shape];
  if (shape.length === 0) return [depth];
  if (mode === "one_hot") return shape[shape.length - 1] === 1 ? [...shape.slice(0, -1), depth] : [...shape, depth];
  return [...shape.slice(0, -1), depth];
}

/**
 * Emits the encoding of `index(k)` (code for the category of input element k) into the output:
 * int copies it, one_hot writes one 1 per element, multi_hot/count mark or count per row.
 */
function emitEncode(ctx: EmitContext, call: Call, mode: EncodeMode, depth: number, index: (k: string) => string): void {
  const shape = ctx.shape(call.inputs[0]!);
  const out = ctx.buffer(call.outputs[0]!);
  const total = ctx.size(shape);
  if (mode === "int") {
    ctx.line(`for (let k = 0; k < ${total}; k++) ${out}[k] = ${index("k")};`);
    return;
  }
  // one_hot: a row per input element; multi_hot/count: a row per run of the last axis.
  const row = mode === "one_hot" || shape.length === 0 ? "1" : ctx.dim(shape[shape.length - 1]!);
  const put = mode === "count" ? `${out}[r * ${depth} + c] = ${out}[r * ${depth} + c]! + 1` : `${out}[r * ${depth} + c] = 1`;
  ctx.line(
    `${out}.fill(0);`,
    `for (let k = 0; k < ${total}; k++) {`,
    `  const c = ${index("k")};`,
    `  const r = ${row === "1" ? "k" : `Math.floor(k / ${row})`};`,
    `  // out-of-range categories encode to nothing, as Keras' one_hot does`,
    `  if (c >= 0 && c < ${depth}) ${put};`,
    "}",
  );
}

interface DiscretizationConfig {
  readonly boundaries: readonly number[];
  readonly mode: EncodeMode;
}

const MODES = ["int", "one_hot", "multi_hot", "count"] as const;

export const discretization: LayerEmitter<DiscretizationConfig> = {
  classNames: ["Discretization"],
  docs: "Preprocessing",
  parseConfig(layer) {
    const boundaries = layer.config["bin_boundaries"];
    if (!Array.isArray(boundaries) || !boundaries.every((b) => typeof b === "number")) {
      throw layerError(layer, `needs bin_boundaries (a list of numbers; adapt() records them), got ${JSON.stringify(boundaries)}`);
    }
    for (let i = 1; i < boundaries.length; i++) if (!(boundaries[i]! >= boundaries[i - 1]!)) throw layerError(layer, "bin_boundaries must be sorted");
    return { boundaries, mode: stringParam(layer, "output_mode", "int", MODES) as EncodeMode };
  },
  outputShapes(layer, [input]) {
    const c = configOf(discretization, layer);
    return [encodedShape(c.mode, input!, c.boundaries.length + 1)];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const c = configOf(discretization, call.layer);
    const x = ctx.buffer(call.inputs[0]!);
    // numpy's digitize against float64 boundaries: the number of boundaries ≤ x (NaN: past the last bin).
    const bins = ctx.id(call.layer, "boundaries");
    ctx.declare(`const ${bins} = [${c.boundaries.map((b) => String(b)).join(", ")}];`);
    const fn = ctx.id(call.layer, "bin");
    ctx.func([
      `function ${fn}(v: number): number {`,
      `  if (Number.isNaN(v)) return ${c.boundaries.length};`,
      "  let b = 0;",
      `  while (b < ${c.boundaries.length} && ${bins}[b]! <= v) b++;`,
      "  return b;",
      "}",
    ]);
    emitEncode(ctx, call, c.mode, c.boundaries.length + 1, (k) => `${fn}(${x}[${k}]!)`);
  },
};

interface CategoryEncodingConfig {
  readonly depth: number;
  readonly mode: EncodeMode;
}

export const categoryEncoding: LayerEmitter<CategoryEncodingConfig> = {
  classNames: ["CategoryEncoding"],
  docs: "Preprocessing",
  parseConfig(layer) {
    const mode = stringParam(layer, "output_mode", "multi_hot", ["one_hot", "multi_hot", "count"]) as EncodeMode;
    return { depth: intParam(layer, "num_tokens"), mode };
  },
  outputShapes(layer, [input]) {
    const c = configOf(categoryEncoding, layer);
    return [encodedShape(c.mode, input!, c.depth)];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const c = configOf(categoryEncoding, call.layer);
    const x = ctx.buffer(call.inputs[0]!);
    // Keras casts the ids to int: truncation toward zero.
    emitEncode(ctx, call, c.mode, c.depth, (k) => `Math.trunc(${x}[${k}]!)`);
  },
};
