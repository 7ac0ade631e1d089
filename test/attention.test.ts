/**
 * MultiHeadAttention, Attention, AdditiveAttention and EinsumDense against float64 references
 * written here from Keras 3.15's semantics, over random shapes, head counts and options: cross
 * attention (query, value and key lengths differ), causal and explicit attention masks, masks from
 * Masking, Embedding(mask_zero) and Bidirectional LSTMs, return_attention_scores, and EinsumDense
 * equations of Keras' own layers and of the general einsum rule.
 */
import { describe, expect, it } from "vitest";
import { generated, generatedPaths, random, randomArray, type Weights } from "./helpers/layer-models.js";
import { keras3Functional, type CallSpec, type Ref } from "./helpers/keras3-arch.js";
import { typecheck } from "./helpers/typecheck.js";

type Mat = number[][];
const f32 = Math.fround;
const rows = (flat: readonly number[], n: number): Mat => Array.from({ length: flat.length / n }, (_, i) => flat.slice(i * n, i * n + n));
const int = (rnd: () => number, lo: number, hi: number) => lo + Math.floor((rnd() + 0.5) * (hi - lo + 1));
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor((rnd() + 0.5) * xs.length)]!;

function expectClose(got: ArrayLike<number>, want: readonly number[], what: string, tol = 2e-5): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!);
    expect(err, `${what}: element ${i} got ${got[i]} want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!)));
  }
}

/** x (rows × n) · kernel (n × m, flat, float32) + bias. */
function project(x: Mat, kernel: readonly number[], bias: readonly number[] | null, m: number): Mat {
  return x.map((r) => Array.from({ length: m }, (_, j) => r.reduce((s, v, i) => s + v * f32(kernel[i * m + j]!), bias ? f32(bias[j]!) : 0)));
}

/**
 * Keras' softmax over keys of one row of scores. `explicit`: its MultiHeadAttention with
 * return_attention_scores and its Attention layers add −1e9 to masked scores in float32; otherwise its
 * fused dot_product_attention replaces them with −0.7 · float32 max.
 */
function softmaxRow(scores: readonly number[], allowed: readonly boolean[] | null, explicit: boolean): number[] {
  const logits = scores.map((s, j) => (!allowed || allowed[j] ? s : explicit ? f32(f32(s) - 1e9) : -0.7 * 3.4028234663852886e38));
  const max = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

interface MhaCase {
  heads: number; keyDim: number; valueDim: number; useBias: boolean; outDim: number | null;
  causal: boolean; scores: boolean;
}

/** MultiHeadAttention on one sample; `allowed(i, j)`: query i may attend key j (null: everything). */
function mhaRef(q: Mat, v: Mat, k: Mat, w: Weights[string], c: MhaCase, allowed: ((i: number, j: number) => boolean) | null) {
  const h = c.heads;
  let n = 0;
  const next = () => w[n++]!.data;
  const proj = (x: Mat, size: number) => project(x, next(), c.useBias ? next() : null, h * size);
  const [qp, kp, vp] = [proj(q, c.keyDim), proj(k, c.keyDim), proj(v, c.valueDim)];
  const t = q.length;
  const s = v.length;
  const probs: number[] = [];
  const combined: Mat = Array.from({ length: t }, () => new Array<number>(h * c.valueDim).fill(0));
  for (let head = 0; head < h; head++) {
    for (let i = 0; i < t; i++) {
      const raw = Array.from({ length: s }, (_, j) => {
        let dot = 0;
        for (let d = 0; d < c.keyDim; d++) dot += qp[i]![head * c.keyDim + d]! * kp[j]![head * c.keyDim + d]!;
        return dot / Math.sqrt(c.keyDim);
      });
      const p = softmaxRow(raw, allowed ? raw.map((_, j) => allowed(i, j)) : null, c.scores);
      probs.push(...p);
      for (let j = 0; j < s; j++) for (let d = 0; d < c.valueDim; d++) combined[i]![head * c.valueDim + d]! += p[j]! * vp[j]![head * c.valueDim + d]!;
    }
  }
  const outDim = c.outDim ?? q[0]!.length;
  const out = project(combined, next(), c.useBias ? next() : null, outDim);
  return { out: out.flat(), probs };
}

/** Inputs with some all-zero steps, which Masking(0) masks. */
function stepsWithGaps(rnd: () => number, steps: number, features: number, gaps: boolean): number[] {
  return Array.from({ length: steps }, (_, i) => (gaps && (i === steps - 1 || rnd() < -0.2) && i > 0 ? new Array<number>(features).fill(0) : randomArray(features, rnd))).flat();
}

const mask = (x: readonly number[], features: number) => rows([...x], features).map((r) => r.some((v) => v !== 0));

describe("MultiHeadAttention", () => {
  it("matches the reference over random heads, sizes, cross attention, keys, biases, output shapes, causal, explicit and Masking masks", async () => {
    const rnd = random(901);
    for (let trial = 0; trial < 14; trial++) {
      const c: MhaCase = {
        heads: int(rnd, 1, 4), keyDim: int(rnd, 1, 5), valueDim: int(rnd, 1, 5), useBias: rnd() > -0.3,
        outDim: rnd() > 0 ? int(rnd, 1, 6) : null, causal: rnd() > 0, scores: rnd() > 0,
      };
      const [t, s, dq, dv] = [int(rnd, 1, 6), int(rnd, 1, 7), int(rnd, 1, 6), int(rnd, 1, 6)];
      const withKey = rnd() > 0;
      const dk = withKey ? int(rnd, 1, 5) : dv;
      const masking = trial % 3 !== 2;
      const givenMask = trial % 4 === 1;
      const inputs: [string, number[]][] = [["q", [t, dq]], ["v", [s, dv]], ...(withKey ? [["k", [s, dk]] as [string, number[]]] : []), ...(givenMask ? [["am", [t, s]] as [string, number[]]] : [])];
      const layers: CallSpec[] = masking ? [
        { cls: "Masking", config: { name: "qm", mask_value: 0 }, args: [["q", 0]] },
        { cls: "Masking", config: { name: "vm", mask_value: 0 }, args: [["v", 0]] },
      ] : [];
      const src = (name: string): Ref => [masking ? `${name}m` : name, 0];
      const kwargs: Record<string, Ref | boolean> = { use_causal_mask: c.causal, return_attention_scores: c.scores };
      if (withKey) kwargs["key"] = ["k", 0];
      if (givenMask) kwargs["attention_mask"] = ["am", 0];
      layers.push({
        cls: "MultiHeadAttention",
        config: { name: "mha", num_heads: c.heads, key_dim: c.keyDim, value_dim: c.valueDim, use_bias: c.useBias, output_shape: c.outDim, dropout: 0.3, attention_axes: null },
        args: [src("q"), src("v")], kwargs,
      });
      const arch = keras3Functional(inputs, layers, c.scores ? [["mha", 0], ["mha", 1]] : [["mha", 0]]);
      const { weights, run } = await generated(`attention/mha_${trial}`, arch, 900 + trial);
      for (let sample = 0; sample < 2; sample++) {
        const q = stepsWithGaps(rnd, t, dq, masking);
        const v = stepsWithGaps(rnd, s, dv, masking);
        const k = withKey ? randomArray(s * dk, rnd) : v;
        const am = Array.from({ length: t * s }, () => (rnd() > -0.3 ? 1 : 0));
        const [qm, vm] = [mask(q, dq), mask(v, dv)];
        const allowed = (i: number, j: number) => (!masking || (qm[i]! && vm[j]!)) && (!c.causal || j <= i) && (!givenMask || am[i * s + j] === 1);
        const useMask = masking || c.causal || givenMask;
        const want = mhaRef(rows(q, dq), rows(v, dv), rows(k, dk), weights["mha"]!, c, useMask ? allowed : null);
        const got = run(q, v, ...(withKey ? [k] : []), ...(givenMask ? [am] : []));
        const what = `trial ${trial} ${JSON.stringify({ ...c, t, s, dq, dv, dk, withKey, masking, givenMask })}`;
        expectClose(got[0]!, want.out, what);
        if (c.scores) expectClose(got[1]!, want.probs, `${what} scores`);
      }
    }
  });

  it.each([false, true])("applies Embedding(mask_zero) and causal masks after a Bidirectional LSTM, its output keeps the query mask (masks recorded as NotEqual nodes: %s)", async (recorded) => {
    const [t, vocab, units] = [7, 9, 3];
    const c: MhaCase = { heads: 3, keyDim: 2, valueDim: 4, useBias: true, outDim: null, causal: true, scores: false };
    // Keras 3.15 records the masks it hands RNNs and pooling as mask= keywords fed by the traced NotEqual.
    const maskKw = recorded ? { mask: ["ne", 0] as Ref } : undefined;
    const arch = keras3Functional([["tokens", [t], "int32"]], [
      { cls: "Embedding", config: { name: "emb", input_dim: vocab, output_dim: 4, mask_zero: true }, args: [["tokens", 0]] },
      ...(recorded ? [{ cls: "NotEqual", module: "keras.src.ops.numpy", config: { name: "ne" }, args: [["tokens", 0] as Ref, 0] }] : []),
      { cls: "Bidirectional", config: { name: "bi", merge_mode: "concat", layer: { class_name: "LSTM", config: { name: "lstm", units, return_sequences: true } } }, args: [["emb", 0]], ...(maskKw ? { kwargs: maskKw } : {}) },
      { cls: "MultiHeadAttention", config: { name: "mha", num_heads: c.heads, key_dim: c.keyDim, value_dim: c.valueDim }, args: [["bi", 0], ["bi", 0]], kwargs: { use_causal_mask: true } },
      { cls: "GlobalAveragePooling1D", config: { name: "gap" }, args: [["mha", 0]], ...(maskKw ? { kwargs: maskKw } : {}) },
    ], [["bi", 0], ["mha", 0], ["gap", 0]]);
    const { weights, run } = await generated(`attention/mha_bilstm_${recorded}`, arch, 77);
    const rnd = random(78);
    for (const length of [7, 4, 1]) {
      const tokens = Array.from({ length: t }, (_, i) => (i < length ? int(rnd, 1, vocab - 1) : 0));
      const [h, out, pooled] = run(tokens);
      const seq = rows(Array.from(h!), 2 * units);
      const allowed = (i: number, j: number) => i < length && j < length && j <= i;
      const want = mhaRef(seq, seq, seq, weights["mha"]!, c, allowed);
      expectClose(out!, want.out, `length ${length}`);
      // The query mask travels on: the pooled average covers the real steps only.
      const real = rows(want.out, 2 * units).slice(0, length);
      expectClose(pooled!, real[0]!.map((_, f) => real.reduce((a, r) => a + r[f]!, 0) / length), `pooled, length ${length}`);
    }
  });

  it("handles variable sequence lengths (None timesteps) for cross attention with a causal mask", async () => {
    const c: MhaCase = { heads: 2, keyDim: 3, valueDim: 2, useBias: true, outDim: 5, causal: true, scores: true };
    const arch = keras3Functional([["q", [null, 4]], ["v", [null, 3]]], [
      { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 5 }, args: [["q", 0], ["v", 0]], kwargs: { use_causal_mask: true, return_attention_scores: true } },
    ], [["mha", 0], ["mha", 1]]);
    const cross = await generated("attention/mha_two_lengths", arch, 5);
    const rnd = random(7);
    for (const [t, s] of [[1, 3], [4, 2], [6, 6]] as const) {
      const q = randomArray(t * 4, rnd);
      const v = randomArray(s * 3, rnd);
      const want = mhaRef(rows(q, 4), rows(v, 3), rows(v, 3), cross.weights["mha"]!, c, (i, j) => j <= i);
      const [out, scores] = cross.run(q, v);
      expectClose(out!, want.out, `lengths ${t}, ${s}`);
      expectClose(scores!, want.probs, `scores, lengths ${t}, ${s}`);
    }
    const same = keras3Functional([["q", [null, 4]]], [
      { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 5 }, args: [["q", 0], ["q", 0]], kwargs: { use_causal_mask: true, return_attention_scores: true } },
    ], [["mha", 0], ["mha", 1]]);
    const { weights, run } = await generated("attention/mha_variable", same, 6);
    for (const t of [1, 4, 9]) {
      const q = randomArray(t * 4, rnd);
      const want = mhaRef(rows(q, 4), rows(q, 4), rows(q, 4), weights["mha"]!, c, (i, j) => j <= i);
      const [out, scores] = run(q);
      expectClose(out!, want.out, `length ${t}`);
      expectClose(scores!, want.probs, `scores, length ${t}`);
    }
  });

  it("attends over every position of higher-rank inputs (an image's rows × columns, attention_axes None or (1, 2))", async () => {
    const rnd = random(4401);
    for (const [trial, axes] of ([null, [1, 2], [-3, -2]] as const).entries()) {
      const c: MhaCase = { heads: 2, keyDim: 3, valueDim: 2, useBias: true, outDim: 4, causal: false, scores: true };
      const arch = keras3Functional([["img", [2, 3, 5]], ["ctx", [4, 1, 3]]], [
        { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 2, key_dim: 3, value_dim: 2, output_shape: 4, attention_axes: axes }, args: [["img", 0], ["ctx", 0]], kwargs: { return_attention_scores: true } },
      ], [["mha", 0], ["mha", 1]]);
      const { weights, run } = await generated(`attention/mha_image_${trial}`, arch, 4400 + trial);
      const img = randomArray(2 * 3 * 5, rnd);
      const context = randomArray(4 * 1 * 3, rnd);
      const want = mhaRef(rows(img, 5), rows(context, 3), rows(context, 3), weights["mha"]!, c, null);
      const [out, scores] = run(img, context);
      expectClose(out!, want.out, `attention_axes ${JSON.stringify(axes)}`);
      expectClose(scores!, want.probs, `scores, attention_axes ${JSON.stringify(axes)}`);
    }
  });

  it("refuses what it does not compute, with one-line layer errors", async () => {
    const arch = (config: Record<string, unknown>) => keras3Functional([["x", [3, 4]]], [
      { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 2, key_dim: 2, ...config }, args: [["x", 0], ["x", 0]] },
    ], [["mha", 0]]);
    await expect(generated("attention/refuse_gate", arch({ use_gate: true }), 1)).rejects.toThrow(/^use_gate=True is not supported$/);
    await expect(generated("attention/refuse_axes", arch({ attention_axes: [1, 2] }), 1)).rejects.toThrow(/attention_axes \[1,2\] is not supported/);
    const image = keras3Functional([["x", [2, 3, 4]]], [
      { cls: "MultiHeadAttention", config: { name: "mha", num_heads: 2, key_dim: 2, attention_axes: [2] }, args: [["x", 0], ["x", 0]] },
    ], [["mha", 0]]);
    await expect(generated("attention/refuse_axis_2", image, 1)).rejects.toThrow(/attention_axes \[2\] is not supported/);
  });
});

type ScoreMode = "dot" | "concat" | "additive";

/** Attention / AdditiveAttention on one sample (weights in Keras order). */
function attentionRef(q: Mat, v: Mat, k: Mat, mode: ScoreMode, useScale: boolean, w: Weights[string], vMask: boolean[] | null, qMask: boolean[] | null, causal: boolean) {
  const scale = useScale ? w[0]!.data.map(f32) : null;
  const concatWeight = mode === "concat" ? f32(w[useScale ? 1 : 0]!.data[0]!) : 1;
  const probs: number[] = [];
  const out = q.map((qi, i) => {
    const raw = k.map((kj) => {
      if (mode === "dot") return qi.reduce((a, x, d) => a + x * kj[d]!, 0) * (scale ? scale[0]! : 1);
      if (mode === "concat") return concatWeight * qi.reduce((a, x, d) => a + Math.tanh((scale ? scale[0]! : 1) * (x + kj[d]!)), 0);
      return qi.reduce((a, x, d) => a + (scale ? scale[d]! : 1) * Math.tanh(x + kj[d]!), 0);
    });
    const allowed = raw.map((_, j) => (!vMask || vMask[j]!) && (!causal || j <= i));
    const p = softmaxRow(raw, vMask || causal ? allowed : null, true);
    probs.push(...p);
    const row = v[0]!.map((_, d) => p.reduce((a, pj, j) => a + pj * v[j]![d]!, 0));
    return qMask && !qMask[i] ? row.map(() => 0) : row;
  });
  return { out: out.flat(), probs };
}

describe("Attention and AdditiveAttention", () => {
  it("take the explicit mask=[query mask, value mask] list Keras 3.15 records (NotEqual nodes after Embedding mask_zero)", async () => {
    const [t, s, vocab, dim] = [5, 6, 7, 3];
    const arch = keras3Functional([["qt", [t], "int32"], ["vt", [s], "int32"]], [
      { cls: "Embedding", config: { name: "eq", input_dim: vocab, output_dim: dim, mask_zero: true }, args: [["qt", 0]] },
      { cls: "Embedding", config: { name: "ev", input_dim: vocab, output_dim: dim, mask_zero: true }, args: [["vt", 0]] },
      { cls: "NotEqual", module: "keras.src.ops.numpy", config: { name: "nq" }, args: [["qt", 0], 0] },
      { cls: "NotEqual", module: "keras.src.ops.numpy", config: { name: "nv" }, args: [["vt", 0], 0] },
      { cls: "Attention", config: { name: "att", use_scale: false, score_mode: "dot" }, args: [[["eq", 0], ["ev", 0]]], kwargs: { mask: [["nq", 0], ["nv", 0]], use_causal_mask: true } },
      // A residual: the attention output's mask is the query's, so the merge keeps it and pooling applies it.
      { cls: "Add", config: { name: "res" }, args: [[["eq", 0], ["att", 0]]] },
      { cls: "GlobalAveragePooling1D", config: { name: "gap" }, args: [["res", 0]] },
    ], [["att", 0], ["gap", 0]]);
    const { weights, run } = await generated("attention/att_mask_list", arch, 55);
    const embed = (name: string, ids: number[]) => ids.map((id) => weights[name]![0]!.data.slice(id * dim, id * dim + dim).map(f32));
    for (const [qLen, vLen] of [[5, 6], [3, 2], [1, 6]] as const) {
      const qt = Array.from({ length: t }, (_, i) => (i < qLen ? 1 + (i % (vocab - 1)) : 0));
      const vt = Array.from({ length: s }, (_, i) => (i < vLen ? 1 + ((2 * i + 1) % (vocab - 1)) : 0));
      const want = attentionRef(embed("eq", qt), embed("ev", vt), embed("ev", vt), "dot", false, [], vt.map((id) => id !== 0), qt.map((id) => id !== 0), true);
      const [att, pooled] = run(qt, vt);
      expectClose(att!, want.out, `lengths ${qLen}, ${vLen}`);
      const res = embed("eq", qt).map((r, i) => r.map((x, d) => x + want.out[i * dim + d]!)).slice(0, qLen);
      expectClose(pooled!, res[0]!.map((_, d) => res.reduce((a, r) => a + r[d]!, 0) / qLen), `pooled, lengths ${qLen}, ${vLen}`);
    }
  });

  it("match the reference over score modes, use_scale, keys, causal masks, query/value masks and returned scores", async () => {
    const rnd = random(1201);
    for (let trial = 0; trial < 12; trial++) {
      const mode = pick<ScoreMode>(rnd, ["dot", "concat", "additive"]);
      const useScale = rnd() > -0.2;
      const [t, s, d, dv] = [int(rnd, 1, 6), int(rnd, 1, 6), int(rnd, 1, 5), int(rnd, 1, 5)];
      const withKey = trial % 3 === 0;
      const masking = trial % 2 === 0;
      const causal = rnd() > 0;
      const scores = rnd() > 0;
      const valueDim = withKey ? dv : d;
      const src = (name: string): Ref => [masking ? `${name}m` : name, 0];
      const layer: CallSpec = {
        cls: mode === "additive" ? "AdditiveAttention" : "Attention",
        config: mode === "additive" ? { name: "att", use_scale: useScale, dropout: 0.5 } : { name: "att", use_scale: useScale, score_mode: mode, dropout: 0.5 },
        args: [[src("q"), src("v"), ...(withKey ? [["k", 0] as Ref] : [])]],
        kwargs: { use_causal_mask: causal, return_attention_scores: scores },
      };
      const inputs: [string, number[]][] = [["q", [t, d]], ["v", [s, valueDim]], ...(withKey ? [["k", [s, d]] as [string, number[]]] : [])];
      const maskings: CallSpec[] = masking ? [
        { cls: "Masking", config: { name: "qm" }, args: [["q", 0]] },
        { cls: "Masking", config: { name: "vm" }, args: [["v", 0]] },
      ] : [];
      const arch = keras3Functional(inputs, [...maskings, layer], scores ? [["att", 0], ["att", 1]] : [["att", 0]]);
      const { weights, run } = await generated(`attention/att_${trial}`, arch, 1200 + trial);
      for (let sample = 0; sample < 2; sample++) {
        const q = stepsWithGaps(rnd, t, d, masking);
        const v = stepsWithGaps(rnd, s, valueDim, masking);
        const k = withKey ? randomArray(s * d, rnd) : v;
        const want = attentionRef(rows(q, d), rows(v, valueDim), rows(k, d), mode, useScale, weights["att"] ?? [], masking ? mask(v, valueDim) : null, masking ? mask(q, d) : null, causal);
        const got = run(q, v, ...(withKey ? [k] : []));
        const what = `trial ${trial} ${JSON.stringify({ mode, useScale, t, s, d, dv, withKey, masking, causal })}`;
        expectClose(got[0]!, want.out, what);
        if (scores) expectClose(got[1]!, want.probs, `${what} scores`);
      }
    }
  });
});

/** einsum of one sample by the definition: every output index sums input × kernel over the other letters. */
function einsumRef(inSpec: string, kSpec: string, outSpec: string, x: number[], xShape: number[], w: readonly number[], size: Record<string, number>): number[] {
  const summed = [...new Set([...inSpec, ...kSpec])].filter((c) => !outSpec.includes(c));
  const flat = (spec: string, idx: Record<string, number>) => [...spec].reduce((o, c) => o * size[c]! + idx[c]!, 0);
  const all = (letters: string[]): Record<string, number>[] =>
    letters.reduce<Record<string, number>[]>((acc, c) => acc.flatMap((a) => Array.from({ length: size[c]! }, (_, i) => ({ ...a, [c]: i }))), [{}]);
  expect(x.length).toBe(xShape.reduce((a, b) => a * b, 1));
  return all([...outSpec]).map((o) => all(summed).reduce((s, z) => s + x[flat(inSpec, { ...o, ...z })]! * f32(w[flat(kSpec, { ...o, ...z })]!), 0));
}

describe("EinsumDense", () => {
  // [equation, per-sample input shape, output_shape, bias_axes, per-sample letters (in, kernel, out), sizes]
  const CASES: [string, number[], (number | null)[] | number, string | null, [string, string, string], Record<string, number>][] = [
    ["abc,cd->abd", [5, 3], [null, 4], "d", ["bc", "cd", "bd"], { b: 5, c: 3, d: 4 }],
    ["ab,bc->ac", [6], 3, "c", ["b", "bc", "c"], { b: 6, c: 3 }],
    ["abc,cde->abde", [4, 3], [null, 2, 5], "de", ["bc", "cde", "bde"], { b: 4, c: 3, d: 2, e: 5 }],
    ["abcd,cde->abe", [3, 2, 4], [3, 5], "e", ["bcd", "cde", "be"], { b: 3, c: 2, d: 4, e: 5 }],
    ["...b,bc->...c", [4, 3], 2, "c", ["xb", "bc", "xc"], { x: 4, b: 3, c: 2 }],
    // General rule: a kernel read transposed, an output axis moved, a bias on a leading axis, an input-only sum.
    ["abc,dc->adb", [4, 3], [5, 4], "d", ["bc", "dc", "db"], { b: 4, c: 3, d: 5 }],
    ["abc,cd->abd", [4, 3], [4, 2], "b", ["bc", "cd", "bd"], { b: 4, c: 3, d: 2 }],
    ["abc,d->ad", [3, 2], [4], null, ["bc", "d", "d"], { b: 3, c: 2, d: 4 }],
  ];

  it("matches the einsum definition for Keras' own equations and general ones, with bias_axes and activation", async () => {
    const rnd = random(3301);
    for (const [i, [equation, shape, outputShape, biasAxes, [inSpec, kSpec, outSpec], size]] of CASES.entries()) {
      const arch = keras3Functional([["x", shape]], [
        { cls: "EinsumDense", config: { name: "ed", equation, output_shape: outputShape, bias_axes: biasAxes, activation: "tanh" }, args: [["x", 0]] },
      ], [["ed", 0]]);
      const { weights, run } = await generated(`attention/einsum_${i}`, arch, 3300 + i);
      const x = randomArray(shape.reduce((a, b) => a * b, 1), rnd);
      const [kernel, bias] = weights["ed"]!;
      const raw = einsumRef(inSpec, kSpec, outSpec, x, shape, kernel!.data, size);
      // The bias broadcasts over the output axes that are not bias axes.
      const biasOf = (flatOut: number) => {
        if (!bias || !biasAxes) return 0;
        const idx: Record<string, number> = {};
        let rest = flatOut;
        for (const c of [...outSpec].reverse()) {
          idx[c] = rest % size[c]!;
          rest = Math.floor(rest / size[c]!);
        }
        const letters = [...biasAxes].sort((a, b) => outSpec.indexOf(a) - outSpec.indexOf(b));
        return f32(bias.data[letters.reduce((o, c) => o * size[c]! + idx[c]!, 0)]!);
      };
      expectClose(run(x)[0]!, raw.map((v, k) => Math.tanh(v + biasOf(k))), equation);
    }
  });

  it("runs Dense-like and general equations on a variable sequence length", async () => {
    const rnd = random(3401);
    for (const [i, [equation, outputShape, bias, spec]] of ([
      ["abc,cd->abd", [null, 4], "d", ["bc", "cd", "bd"]],
      ["abc,dc->adb", [4, null], "d", ["bc", "dc", "db"]],
    ] as const).entries()) {
      const arch = keras3Functional([["x", [null, 3]]], [
        { cls: "EinsumDense", config: { name: "ed", equation, output_shape: [...outputShape], bias_axes: bias, activation: "linear" }, args: [["x", 0]] },
      ], [["ed", 0]]);
      const { weights, run } = await generated(`attention/einsum_variable_${i}`, arch, 3400 + i);
      for (const t of [1, 5]) {
        const x = randomArray(t * 3, rnd);
        const raw = einsumRef(spec[0], spec[1], spec[2], x, [t, 3], weights["ed"]![0]!.data, { b: t, c: 3, d: 4 });
        const b = weights["ed"]![1]!.data;
        // The bias is over "d": position d of the output (last axis in "bd", first in "db").
        const want = raw.map((v, k) => v + f32(b[spec[2] === "bd" ? k % 4 : Math.floor(k / t)]!));
        expectClose(run(x)[0]!, want, `${equation}, length ${t}`);
      }
    }
  });

  it("refuses equations it cannot compute with a clear error", async () => {
    const arch = (equation: string) => keras3Functional([["x", [3, 4]]], [
      { cls: "EinsumDense", config: { name: "ed", equation, output_shape: [3, 2], bias_axes: null } , args: [["x", 0]] },
    ], [["ed", 0]]);
    await expect(generated("attention/einsum_bad1", arch("abc,cd,de->abe"), 1)).rejects.toThrow(/^equation "abc,cd,de->abe" is not of the form/);
    await expect(generated("attention/einsum_bad2", arch("abc,acd->abd"), 1)).rejects.toThrow(/the batch axis "a" must lead the output and stay out of the kernel/);
    await expect(generated("attention/einsum_bad3", arch("abb,bd->abd"), 1)).rejects.toThrow(/repeats a letter/);
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  }, 120_000);
});
