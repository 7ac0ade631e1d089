/**
 * MultiHeadAttention (Keras 3.15) on (T, Dq) queries and (S, Dv) values (keys: the value unless a
 * key is given; higher ranks attend over all positions, e.g. an image's H·W): per-head projections (EinsumDense kernels (D, heads, key_dim)), scores
 * q·k/√key_dim, a softmax over keys under the combined mask (query/value/key masks, attention_mask,
 * causal), the weighted sum of values, and the output projection (heads, value_dim, *output_shape).
 * Dropout does nothing at inference. Masked keys follow Keras' two code paths: its fused attention
 * (the default) gives them weight 0 (a fully masked row: equal weights); with
 * return_attention_scores its explicit softmax adds −1e9 in float32 (see `maskedSoftmax`).
 */
import { layerError } from "../../errors.js";
import type { Call, Layer, Shape } from "../../ir/types.js";
import { emitAttentionMask, travellingMask } from "./attention-mask.js";
import { boolParam, fixedDim, intParam } from "./config.js";
import { configOf } from "./parsed-config.js";
import { emitProjection } from "./projection.js";
import type { EmitContext, LayerEmitter, ShapeInfo, WeightSpec } from "./types.js";

interface MhaConfig {
  readonly heads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly useBias: boolean;
  /** Output dims per query step; undefined: the query's feature size. */
  readonly outputShape: readonly number[] | undefined;
  /** Keras numbering (batch = 0); null: every axis but the batch and the features. */
  readonly attentionAxes: readonly number[] | null;
}

function parseMha(layer: Layer): MhaConfig {
  const c = layer.config;
  if (c["use_gate"] === true) throw layerError(layer, "use_gate=True is not supported");
  if (c["sliding_window"] !== undefined && c["sliding_window"] !== null) throw layerError(layer, "sliding_window is not supported");
  const axes = c["attention_axes"] ?? null;
  const axisList = typeof axes === "number" ? [axes] : axes;
  if (!(axisList === null || (Array.isArray(axisList) && axisList.every((a) => Number.isInteger(a))))) {
    throw layerError(layer, `attention_axes must be integers or None, got ${JSON.stringify(axes)}`);
  }
  const keyDim = intParam(layer, "key_dim");
  const out = c["output_shape"];
  const outputShape = out === undefined || out === null ? undefined : (Array.isArray(out) ? out : [out]).map((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 1) throw layerError(layer, `output_shape entry ${i} must be a positive integer, got ${JSON.stringify(d)}`);
    return d;
  });
  return {
    heads: intParam(layer, "num_heads"),
    keyDim,
    valueDim: c["value_dim"] === null || c["value_dim"] === undefined ? keyDim : intParam(layer, "value_dim"),
    useBias: boolParam(layer, "use_bias", true),
    outputShape,
    attentionAxes: axisList as number[] | null,
  };
}

/** The call's tensors: positional (query, value[, key]) or by keyword. */
interface MhaInputs<T> {
  readonly query: T;
  readonly value: T;
  readonly key: T | undefined;
  readonly attentionMask: T | undefined;
  readonly keyGiven: boolean;
  /** Masks passed by keyword (they replace the masks travelling with the tensors). */
  readonly masks: { readonly value: T | undefined; readonly key: T | undefined };
}

function mhaInputs<T>(layer: Layer, positional: readonly T[], named: Readonly<Record<string, T>>): MhaInputs<T> {
  for (const k of Object.keys(named)) {
    if (!["key", "value", "attention_mask", "query_mask", "value_mask", "key_mask"].includes(k)) throw layerError(layer, `keyword tensor ${JSON.stringify(k)} is not supported`);
  }
  const query = positional[0];
  const value = positional[1] ?? named["value"];
  const key = positional[2] ?? named["key"];
  if (query === undefined || value === undefined) throw layerError(layer, "needs a query and a value tensor");
  const masks = { value: named["value_mask"], key: named["key_mask"] };
  return { query, value, key, attentionMask: named["attention_mask"], keyGiven: key !== undefined, masks };
}

/**
 * Queries (…T, Dq) and values (…S, Dv) of one rank; attention runs over all their axes but the
 * features (one sequence axis, or e.g. an image's rows and columns taken together, row-major).
 */
function checkShapes(layer: Layer, s: MhaInputs<Shape>, options: Readonly<Record<string, unknown>>): { t: Shape; sDims: Shape } {
  const rank = s.query.length;
  for (const [what, shape] of [["query", s.query], ["value", s.value], ["key", s.key ?? s.value]] as const) {
    if (shape.length !== rank || rank < 2) throw layerError(layer, `${what} has shape (${shape.join(", ")}); query, value and key need one rank of at least 2 per sample`);
  }
  const axes = configOf(multiHeadAttention, layer).attentionAxes;
  const normalized = (axes ?? []).map((a) => (a >= 0 ? a : rank + 1 + a)).sort((a, b) => a - b);
  if (axes !== null && !(normalized.length === rank - 1 && normalized.every((a, i) => a === i + 1))) {
    throw layerError(layer, `attention_axes ${JSON.stringify(axes)} is not supported (attention over every axis but the batch and the features only)`);
  }
  const [t, sDims, kDims] = [s.query.slice(0, -1), s.value.slice(0, -1), (s.key ?? s.value).slice(0, -1)];
  if (kDims.some((d, i) => d !== sDims[i])) throw layerError(layer, `key and value lengths differ (${kDims.join(", ")} vs ${sDims.join(", ")})`);
  if (rank > 2 && (s.attentionMask || options["use_causal_mask"] === true)) {
    throw layerError(layer, "attention_mask and use_causal_mask are supported for (timesteps, features) inputs only");
  }
  const m = s.attentionMask;
  if (m && (m.length !== 2 || m[0] !== t[0] || m[1] !== sDims[0])) {
    throw layerError(layer, `attention_mask must be (${String(t[0])}, ${String(sDims[0])}) per sample, got (${m.join(", ")})`);
  }
  return { t, sDims };
}

const returnsScores = (options: Readonly<Record<string, unknown>> | undefined) => options?.["return_attention_scores"] === true;

function specs(layer: Layer, inputs: readonly Shape[], info: ShapeInfo): WeightSpec[] {
  const c = configOf(multiHeadAttention, layer);
  const { query, value, key } = mhaInputs(layer, inputs, info.call?.namedInputs ?? {});
  const last = (shape: Shape) => shape[shape.length - 1];
  const dq = fixedDim(layer, last(query), "the query's feature size");
  const dv = fixedDim(layer, last(value), "the value's feature size");
  const dk = key ? fixedDim(layer, last(key), "the key's feature size") : dv;
  const out = c.outputShape ?? [dq];
  const h = c.heads;
  const proj = (name: string, d: number, size: number, what: string): WeightSpec[] => [
    { name: `${name}/kernel`, shape: [d, h, size], slices: [`${d} input features × ${h} heads × ${size} (${what}): head h projects with [:, h, :]`] },
    ...(c.useBias ? [{ name: `${name}/bias`, shape: [h, size], slices: [`${h} heads × ${size}: row h is head h's bias`] }] : []),
  ];
  return [
    ...proj("query", dq, c.keyDim, "key_dim"),
    ...proj("key", dk, c.keyDim, "key_dim"),
    ...proj("value", dv, c.valueDim, "value_dim"),
    { name: "attention_output/kernel", shape: [h, c.valueDim, ...out], slices: [`${h} heads × ${c.valueDim} (value_dim) × output ${out.join("×")}: head h's attended values through [h, :, …], summed over heads`] },
    ...(c.useBias ? [{ name: "attention_output/bias", shape: [...out], slices: ["one per output feature"] }] : []),
  ];
}

export const multiHeadAttention: LayerEmitter<MhaConfig> = {
  classNames: ["MultiHeadAttention"],
  docs: "Attention",
  mask: "attention",
  parseConfig: parseMha,
  outputShapes(layer, inputs, info: ShapeInfo) {
    const c = configOf(multiHeadAttention, layer);
    const shapes = mhaInputs(layer, inputs, info.call?.namedInputs ?? {});
    const { t, sDims } = checkShapes(layer, shapes, info.call?.options ?? {});
    const out: Shape = [...t, ...(c.outputShape ?? [shapes.query[shapes.query.length - 1]!])];
    return returnsScores(info.call?.options) ? [out, [c.heads, ...t, ...sDims]] : [out];
  },
  weightSpecs: specs,
  emit(call, ctx) {
    emitMha(call, ctx);
  },
};

function emitMha(call: Call, ctx: EmitContext): void {
  const layer = call.layer;
  const c = configOf(multiHeadAttention, layer);
  const ins = mhaInputs(layer, call.inputs, call.namedInputs ?? {});
  const qShape = ctx.shape(ins.query);
  const vShape = ctx.shape(ins.value);
  const key = ins.key ?? ins.value;
  // Every axis but the features is a position: (…T) queries attend (…S) keys, flattened row-major.
  const [tDims, sDims] = [qShape.slice(0, -1), vShape.slice(0, -1)];
  const [t, s] = [tDims[0]!, sDims[0]!];
  const feature = (shape: Shape) => Number(shape[shape.length - 1]);
  const h = c.heads;
  const bias = (k: number) => (c.useBias ? k + 1 : undefined);
  const step = c.useBias ? 2 : 1;
  const [tc, sc] = [ctx.size(tDims), ctx.size(sDims)];
  const q = ctx.scratch(layer, "query", [...tDims, h * c.keyDim]);
  const k = ctx.scratch(layer, "key", [...sDims, h * c.keyDim]);
  const v = ctx.scratch(layer, "value", [...sDims, h * c.valueDim]);
  ctx.line(`// ${layer.name}: project queries, keys and values into ${h} heads`);
  emitProjection(ctx, layer, { x: ctx.buffer(ins.query), rows: tc, n: feature(qShape), m: h * c.keyDim, kernel: 0, bias: bias(0), out: q, label: "query" });
  emitProjection(ctx, layer, { x: ctx.buffer(key), rows: sc, n: feature(ctx.shape(key)), m: h * c.keyDim, kernel: step, bias: bias(step), out: k, label: "key" });
  emitProjection(ctx, layer, { x: ctx.buffer(ins.value), rows: sc, n: feature(vShape), m: h * c.valueDim, kernel: 2 * step, bias: bias(2 * step), out: v, label: "value" });
  const mask = emitAttentionMask(ctx, layer, {
    // Keras' call reads the query's mask from the tensor itself, whatever query_mask says.
    query: travellingMask(ctx, ins.query),
    value: ins.masks.value ?? travellingMask(ctx, ins.value),
    key: ins.masks.key ?? (ins.keyGiven ? travellingMask(ctx, key) : undefined),
    given: ins.attentionMask,
    causal: call.options?.["use_causal_mask"] === true,
  }, t, s);
  const withScores = returnsScores(call.options);
  const scores = withScores ? ctx.buffer(call.outputs[1]!) : ctx.scratch(layer, "scores", [h, ...tDims, ...sDims]);
  ctx.line(`// scores: query · key / √${c.keyDim}, then a softmax over the keys`);
  ctx.line(`${ctx.rt("attentionScores")}(${q}, ${k}, ${tc}, ${sc}, ${h}, ${c.keyDim}, ${1 / Math.sqrt(c.keyDim)}, ${scores});`);
  ctx.line(`${ctx.rt("maskedSoftmax")}(${scores}, ${h}, ${tc}, ${sc}, ${mask}, ${withScores});`);
  const combined = ctx.scratch(layer, "combined", [...tDims, h * c.valueDim]);
  const outSize = (c.outputShape ?? [feature(qShape)]).reduce((a, b) => a * b, 1);
  ctx.line(`// weighted sum of the values, then the output projection over all heads`);
  ctx.line(`${ctx.rt("attentionCombine")}(${scores}, ${v}, ${tc}, ${sc}, ${h}, ${c.valueDim}, ${combined});`);
  emitProjection(ctx, layer, { x: combined, rows: tc, n: h * c.valueDim, m: outSize, kernel: 3 * step, bias: bias(3 * step), out: ctx.buffer(call.outputs[0]!), label: "output" });
}
