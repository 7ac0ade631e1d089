/**
 * Attention (Luong: `dot` scores q·k, or `concat` scores w·Σ tanh(c·(q + k))) and AdditiveAttention
 * (Bahdanau: Σ_k scale_k · tanh(q_k + k_k)) on inputs [query (T, D), value (S, Dv), key (S, D) =
 * value]: a softmax over keys (the value's mask and the causal rule add −1e9 to masked scores in
 * float32, as Keras' `_apply_scores` does), the weighted sum of values, and rows of masked query
 * steps zeroed. The output carries the query's mask. Dropout does nothing at inference.
 */
import { layerError } from "../../errors.js";
import type { Call, Layer, Shape } from "../../ir/types.js";
import { emitAttentionMask, travellingMask } from "./attention-mask.js";
import { boolParam, fixedDim, stringParam } from "./config.js";
import { configOf } from "./parsed-config.js";
import type { EmitContext, LayerEmitter, ShapeInfo, WeightSpec } from "./types.js";

interface AttentionConfig {
  readonly score: "dot" | "concat" | "additive";
  readonly useScale: boolean;
}

function parse(layer: Layer): AttentionConfig {
  const useScale = boolParam(layer, "use_scale", layer.className === "AdditiveAttention");
  if (layer.className === "AdditiveAttention") return { score: "additive", useScale };
  return { score: stringParam(layer, "score_mode", "dot", ["dot", "concat"]) as "dot" | "concat", useScale };
}

function inputShapes(layer: Layer, inputs: readonly Shape[]): { q: Shape; v: Shape; k: Shape } {
  if (inputs.length < 2 || inputs.length > 3) throw layerError(layer, `takes [query, value] or [query, value, key], got ${inputs.length} tensor(s)`);
  const [q, v, k = inputs[1]!] = inputs as [Shape, Shape, Shape?];
  for (const [what, s] of [["query", q], ["value", v], ["key", k]] as const) {
    if (s.length !== 2) throw layerError(layer, `${what} must be (timesteps, features) per sample, got (${s.join(", ")}); other ranks are not supported`);
  }
  if (k[0] !== v[0]) throw layerError(layer, `key and value lengths differ (${String(k[0])} vs ${String(v[0])})`);
  if (q[1] !== k[1]) throw layerError(layer, `query and key feature sizes differ (${String(q[1])} vs ${String(k[1])})`);
  return { q, v, k };
}

function specs(layer: Layer, inputs: readonly Shape[]): WeightSpec[] {
  const c = configOf(attention, layer);
  if (c.score === "additive") {
    const d = fixedDim(layer, inputShapes(layer, inputs).q[1], "the query's feature size");
    return c.useScale ? [{ name: "scale", shape: [d], slices: ["one weight per feature of tanh(query + key)"] }] : [];
  }
  return [
    ...(c.useScale ? [{ name: "scale", shape: [], slices: [c.score === "dot" ? "multiplies every score" : "multiplies query + key inside tanh"] }] : []),
    ...(c.score === "concat" ? [{ name: "concat_score_weight", shape: [], slices: ["multiplies every score"] }] : []),
  ];
}

export const attention: LayerEmitter<AttentionConfig> = {
  classNames: ["Attention", "AdditiveAttention"],
  docs: "Attention",
  mask: "attention",
  parseConfig: parse,
  outputShapes(layer, inputs, info: ShapeInfo) {
    configOf(attention, layer);
    const named = Object.keys(info.call?.namedInputs ?? {});
    if (named.length > 0) throw layerError(layer, `keyword tensor ${JSON.stringify(named[0])} is not supported`);
    const { q, v } = inputShapes(layer, inputs);
    const out: Shape = [q[0]!, v[1]!];
    return info.call?.options?.["return_attention_scores"] === true ? [out, [q[0]!, v[0]!]] : [out];
  },
  weightSpecs: specs,
  emit(call, ctx) {
    emitAttention(call, ctx);
  },
};

function emitAttention(call: Call, ctx: EmitContext): void {
  const layer = call.layer;
  const c = configOf(attention, layer);
  const [query, value, key = value] = call.inputs as [number, number, number?];
  const [t, s] = [ctx.shape(query)[0]!, ctx.shape(value)[0]!];
  const [tc, sc] = [ctx.dim(t), ctx.dim(s)];
  const d = Number(ctx.shape(query)[1]);
  const dv = Number(ctx.shape(value!)[1]);
  const scores = call.outputs[1] !== undefined ? ctx.buffer(call.outputs[1]) : ctx.scratch(layer, "scores", [t, s]);
  const [q, k] = [ctx.buffer(query), ctx.buffer(key!)];
  ctx.line(`// ${layer.name}: ${c.score} scores of every query against every key`);
  if (c.score === "dot") {
    const scale = c.useScale ? `${ctx.weight(layer, 0, "scale")}[0]!` : "1";
    ctx.line(`${ctx.rt("attentionScores")}(${q}, ${k}, ${tc}, ${sc}, 1, ${d}, ${scale}, ${scores});`);
  } else if (c.score === "concat") {
    const inner = c.useScale ? `${ctx.weight(layer, 0, "scale")}[0]!` : "1";
    const weight = `${ctx.weight(layer, c.useScale ? 1 : 0, "concat_score_weight")}[0]!`;
    ctx.line(`${ctx.rt("additiveScores")}(${q}, ${k}, ${tc}, ${sc}, ${d}, null, ${inner}, ${weight}, ${scores});`);
  } else {
    const perFeature = c.useScale ? ctx.weight(layer, 0, "scale") : "null";
    ctx.line(`${ctx.rt("additiveScores")}(${q}, ${k}, ${tc}, ${sc}, ${d}, ${perFeature}, 1, 1, ${scores});`);
  }
  // Keras masks scores by the value's mask and the causal rule only; the query's mask zeroes output rows.
  // An explicit mask=[query, value] list (as Keras 3.15 records the masks it handed over) wins.
  const explicit = call.maskInputs;
  const valueMask = explicit ? explicit[1] : travellingMask(ctx, value);
  const mask = emitAttentionMask(ctx, layer, {
    query: undefined, value: valueMask, key: undefined, given: undefined,
    causal: call.options?.["use_causal_mask"] === true,
  }, t, s);
  const out = ctx.buffer(call.outputs[0]!);
  ctx.line(`// softmax over the keys, weighted sum of the values`);
  ctx.line(`${ctx.rt("maskedSoftmax")}(${scores}, 1, ${tc}, ${sc}, ${mask}, true);`);
  ctx.line(`${ctx.rt("attentionCombine")}(${scores}, ${ctx.buffer(value!)}, ${tc}, ${sc}, 1, ${dv}, ${out});`);
  const queryMask = explicit ? explicit[0] : travellingMask(ctx, query);
  if (queryMask !== undefined) ctx.line(`${ctx.rt("zeroMaskedRows")}(${out}, ${tc}, ${dv}, ${ctx.buffer(queryMask)});`);
}
