/**
 * MultiHeadAttention (Keras 3.15) on (T, Dq) queries and (S, Dv) values (keys: the value unless a
 * key is given): per-head projections (EinsumDense kernels (D, heads, key_dim)), scores
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
}

function parseMha(layer: Layer): MhaConfig {
  const c = layer.config;
  if (c["use_gate"] === true) throw layerError(layer, "use_gate=True is not supported");
  if (c["sliding_window"] !== undefined && c["sliding_window"] !== null) throw layerError(layer, "sliding_window is not supported");
  const axes = c["attention_axes"];
  if (!(axes === undefined || axes === null || (Array.isArray(axes) && axes.length === 1 && (axes[0] === 1 || axes[0] === -2)))) {
    throw layerError(layer, `attention_axes ${JSON.stringify(axes)} is not supported (attention over the sequence axis only)`);
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

function checkShapes(layer: Layer, s: MhaInputs<Shape>): { t: Shape[number]; sLen: Shape[number] } {
  for (const [what, shape] of [["query", s.query], ["value", s.value], ["key", s.key ?? s.value]] as const) {
    if (shape.length !== 2) throw layerError(layer, `${what} must be (timesteps, features) per sample, got (${shape.join(", ")}); other ranks are not supported`);
  }
  if ((s.key ?? s.value)[0] !== s.value[0]) throw layerError(layer, `key and value lengths differ (${String(s.key![0])} vs ${String(s.value[0])})`);
  const m = s.attentionMask;
  if (m && (m.length !== 2 || m[0] !== s.query[0] || m[1] !== s.value[0])) {
    throw layerError(layer, `attention_mask must be (${String(s.query[0])}, ${String(s.value[0])}) per sample, got (${m.join(", ")})`);
  }
  return { t: s.query[0]!, sLen: s.value[0]! };
}

const returnsScores = (options: Readonly<Record<string, unknown>> | undefined) => options?.["return_attention_scores"] === true;

function specs(layer: Layer, inputs: readonly Shape[], info: ShapeInfo): WeightSpec[] {
  const c = configOf(multiHeadAttention, layer);
  const { query, value, key } = mhaInputs(layer, inputs, info.call?.namedInputs ?? {});
  const dq = fixedDim(layer, query![1], "the query's feature size");
  const dv = fixedDim(layer, value![1], "the value's feature size");
  const dk = key ? fixedDim(layer, key[1], "the key's feature size") : dv;
  const out = c.outputShape ?? [dq];
  const h = c.heads;
  const proj = (name: string, d: number, size: number, what: string): WeightSpec[] => [
    { name: `${name}/kernel`, shape: [d, h, size], slices: [`(input features, head, ${what}): head h reads [:, h, :]`] },
    ...(c.useBias ? [{ name: `${name}/bias`, shape: [h, size], slices: ["(head, feature)"] }] : []),
  ];
  return [
    ...proj("query", dq, c.keyDim, "key_dim"),
    ...proj("key", dk, c.keyDim, "key_dim"),
    ...proj("value", dv, c.valueDim, "value_dim"),
    { name: "attention_output/kernel", shape: [h, c.valueDim, ...out], slices: ["(head, value_dim, output…): the heads' outputs summed"] },
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
    const { t, sLen } = checkShapes(layer, shapes);
    const out: Shape = [t, ...(c.outputShape ?? [shapes.query[1]!])];
    return returnsScores(info.call?.options) ? [out, [c.heads, t, sLen]] : [out];
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
  const [t, s] = [qShape[0]!, vShape[0]!];
  const h = c.heads;
  const bias = (k: number) => (c.useBias ? k + 1 : undefined);
  const step = c.useBias ? 2 : 1;
  const q = ctx.scratch(layer, "query", [t, h * c.keyDim]);
  const k = ctx.scratch(layer, "key", [s, h * c.keyDim]);
  const v = ctx.scratch(layer, "value", [s, h * c.valueDim]);
  ctx.line(`// ${layer.name}: project queries, keys and values into ${h} heads`);
  emitProjection(ctx, layer, { x: ctx.buffer(ins.query), rows: ctx.dim(t), n: Number(qShape[1]), m: h * c.keyDim, kernel: 0, bias: bias(0), out: q, label: "query" });
  emitProjection(ctx, layer, { x: ctx.buffer(key), rows: ctx.dim(s), n: Number(ctx.shape(key)[1]), m: h * c.keyDim, kernel: step, bias: bias(step), out: k, label: "key" });
  emitProjection(ctx, layer, { x: ctx.buffer(ins.value), rows: ctx.dim(s), n: Number(vShape[1]), m: h * c.valueDim, kernel: 2 * step, bias: bias(2 * step), out: v, label: "value" });
  const mask = emitAttentionMask(ctx, layer, {
    // Keras' call reads the query's mask from the tensor itself, whatever query_mask says.
    query: travellingMask(ctx, ins.query),
    value: ins.masks.value ?? travellingMask(ctx, ins.value),
    key: ins.masks.key ?? (ins.keyGiven ? travellingMask(ctx, key) : undefined),
    given: ins.attentionMask,
    causal: call.options?.["use_causal_mask"] === true,
  }, t, s);
  const withScores = returnsScores(call.options);
  const scores = withScores ? ctx.buffer(call.outputs[1]!) : ctx.scratch(layer, "scores", [h, t, s]);
  const [tc, sc] = [ctx.dim(t), ctx.dim(s)];
  ctx.line(`// scores: query · key / √${c.keyDim}, then a softmax over the keys`);
  ctx.line(`${ctx.rt("attentionScores")}(${q}, ${k}, ${tc}, ${sc}, ${h}, ${c.keyDim}, ${1 / Math.sqrt(c.keyDim)}, ${scores});`);
  ctx.line(`${ctx.rt("maskedSoftmax")}(${scores}, ${h}, ${tc}, ${sc}, ${mask}, ${withScores});`);
  const combined = ctx.scratch(layer, "combined", [t, h * c.valueDim]);
  const outSize = (c.outputShape ?? [Number(qShape[1])]).reduce((a, b) => a * b, 1);
  ctx.line(`// weighted sum of the values, then the output projection over all heads`);
  ctx.line(`${ctx.rt("attentionCombine")}(${scores}, ${v}, ${tc}, ${sc}, ${h}, ${c.valueDim}, ${combined});`);
  emitProjection(ctx, layer, { x: combined, rows: tc, n: h * c.valueDim, m: outSize, kernel: 3 * step, bias: bias(3 * step), out: ctx.buffer(call.outputs[0]!), label: "output" });
}
