/**
 * Models nobody saved: seeded random Sequential stacks (recurrent, Bidirectional, TimeDistributed,
 * Conv1D, pooling, Dense, activations), built once in TensorFlow.js straight from a layer list (not
 * from our IR), written as Keras 2 legacy HDF5 files with tfjs' randomised weights, then run through
 * the whole keras2ts pipeline (loader, config normalisation, emitters). Both must agree.
 */
import { describe, expect, it } from "vitest";
import { asList, generateInto, importGenerated } from "./helpers/cases.js";
import { tf } from "./helpers/tfjs-reference.js";
import { legacyH5, type TensorSpec } from "./helpers/write-model.js";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { GENERATED } from "./helpers/cases.js";

/** More or other models: RANDOM_MODELS=500 RANDOM_MODELS_SEED=7 npx vitest run test/random-models.test.ts */
const MODELS = Number(process.env["RANDOM_MODELS"] ?? 48);
const SEED = Number(process.env["RANDOM_MODELS_SEED"] ?? 1000);
const KERAS_VERSION = "2.4.0";
/** Activations with one meaning in tfjs and Keras 2 (hard_sigmoid is Keras 2's 0.2x + 0.5 in both). */
const ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear", "hard_sigmoid", "softsign", "elu", "selu", "softplus"] as const;
type Act = (typeof ACTIVATIONS)[number];
const TFJS_ACT: Record<Act, string> = { tanh: "tanh", sigmoid: "sigmoid", relu: "relu", linear: "linear", hard_sigmoid: "hardSigmoid", softsign: "softsign", elu: "elu", selu: "selu", softplus: "softplus" };

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 4294967296;
  };
}

/** One layer: its Keras 2 config (class_name, config) and the equivalent tfjs layer. */
interface LayerSpec {
  readonly keras: { class_name: string; config: Record<string, unknown> };
  readonly tfjs: () => tf.layers.Layer;
}

interface Shape {
  steps: number | null; // null once the sequence is gone
  features: number;
}

let counter = 0;
const name = (base: string) => `${base}_${++counter}`;

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function recurrent(r: () => number, returnSequences: boolean): { keras: Record<string, unknown>; cls: string; make: (cfg: Record<string, unknown>) => tf.layers.RNN } {
  const cls = pick(r, ["LSTM", "GRU", "SimpleRNN"]);
  const units = 1 + Math.floor(r() * 9);
  const activation = pick(r, ACTIVATIONS);
  // Gates stay in (0, 1) as in practice: a tanh gate lets (1 - z) exceed 1 and makes long GRU runs
  // chaotic (a 1e-6 input change flips the output), where no float32 reference can be matched.
  const recurrentActivation = pick(r, ["sigmoid", "hard_sigmoid"] as const);
  const useBias = r() < 0.8;
  const goBackwards = r() < 0.3;
  const keras: Record<string, unknown> = { units, activation, use_bias: useBias, return_sequences: returnSequences, go_backwards: goBackwards };
  if (cls !== "SimpleRNN") keras["recurrent_activation"] = recurrentActivation;
  if (cls === "GRU") keras["reset_after"] = false; // tfjs implements only reset_after=False
  const make = (cfg: Record<string, unknown>) => {
    const args = { units, activation: TFJS_ACT[activation] as never, useBias, returnSequences, goBackwards: cfg["go_backwards"] as boolean };
    if (cls === "LSTM") return tf.layers.lstm({ ...args, recurrentActivation: TFJS_ACT[recurrentActivation] as never });
    if (cls === "GRU") return tf.layers.gru({ ...args, recurrentActivation: TFJS_ACT[recurrentActivation] as never });
    return tf.layers.simpleRNN(args);
  };
  return { keras, cls, make };
}

/** Next layer for the current shape; updates the shape. */
function nextLayer(r: () => number, shape: Shape, last: boolean): LayerSpec {
  const seq = shape.steps !== null;
  const roll = r();
  if (seq && roll < 0.35) {
    const returnSequences = !last && r() < 0.6;
    const rnn = recurrent(r, returnSequences);
    const units = rnn.keras["units"] as number;
    if (r() < 0.35) {
      const mode = pick(r, ["concat", "sum", "mul", "ave"] as const);
      const inner = { class_name: rnn.cls, config: { name: name(rnn.cls.toLowerCase()), ...rnn.keras } };
      shape.features = mode === "concat" ? 2 * units : units;
      if (!returnSequences) shape.steps = null;
      return {
        keras: { class_name: "Bidirectional", config: { name: name("bidirectional"), layer: inner, merge_mode: mode } },
        tfjs: () => tf.layers.bidirectional({ layer: rnn.make(rnn.keras), mergeMode: mode }),
      };
    }
    shape.features = units;
    if (!returnSequences) shape.steps = null;
    return { keras: { class_name: rnn.cls, config: { name: name(rnn.cls.toLowerCase()), ...rnn.keras } }, tfjs: () => rnn.make(rnn.keras) };
  }
  if (seq && roll < 0.5 && shape.steps! >= 3) {
    const filters = 1 + Math.floor(r() * 6);
    const kernel = 1 + Math.floor(r() * Math.min(3, shape.steps!));
    const padding = pick(r, ["valid", "same"] as const);
    const dilation = kernel > 1 && r() < 0.3 ? 2 : 1;
    if (padding === "valid" && (kernel - 1) * dilation >= shape.steps!) return activation(r);
    const activationName = pick(r, ACTIVATIONS);
    shape.steps = padding === "same" ? shape.steps! : shape.steps! - (kernel - 1) * dilation;
    shape.features = filters;
    return {
      keras: { class_name: "Conv1D", config: { name: name("conv1d"), filters, kernel_size: [kernel], strides: [1], padding, dilation_rate: [dilation], activation: activationName, use_bias: true } },
      tfjs: () => tf.layers.conv1d({ filters, kernelSize: kernel, padding, dilationRate: dilation, activation: TFJS_ACT[activationName] as never }),
    };
  }
  if (seq && roll < 0.58 && shape.steps! >= 2) {
    shape.steps = Math.floor(shape.steps! / 2);
    return { keras: { class_name: "MaxPooling1D", config: { name: name("max_pooling1d"), pool_size: [2], strides: [2], padding: "valid" } }, tfjs: () => tf.layers.maxPooling1d({ poolSize: 2 }) };
  }
  if (seq && roll < 0.68) {
    const units = 1 + Math.floor(r() * 8);
    const activationName = pick(r, ACTIVATIONS);
    shape.features = units;
    const inner = { class_name: "Dense", config: { name: name("dense"), units, activation: activationName, use_bias: true } };
    return {
      keras: { class_name: "TimeDistributed", config: { name: name("time_distributed"), layer: inner } },
      tfjs: () => tf.layers.timeDistributed({ layer: tf.layers.dense({ units, activation: TFJS_ACT[activationName] as never }) }),
    };
  }
  if (roll < 0.85) {
    const units = 1 + Math.floor(r() * 8);
    const activationName = pick(r, ACTIVATIONS);
    const useBias = r() < 0.8;
    shape.features = units;
    return {
      keras: { class_name: "Dense", config: { name: name("dense"), units, activation: activationName, use_bias: useBias } },
      tfjs: () => tf.layers.dense({ units, activation: TFJS_ACT[activationName] as never, useBias }),
    };
  }
  if (roll < 0.92) return { keras: { class_name: "Dropout", config: { name: name("dropout"), rate: 0.5 } }, tfjs: () => tf.layers.dropout({ rate: 0.5 }) };
  return activation(r);
}

function activation(r: () => number): LayerSpec {
  const a = pick(r, ACTIVATIONS);
  return { keras: { class_name: "Activation", config: { name: name("activation"), activation: a } }, tfjs: () => tf.layers.activation({ activation: TFJS_ACT[a] as never }) };
}

interface RandomModel {
  readonly config: unknown;
  readonly tfModel: tf.Sequential;
  readonly inputShape: [number, number];
  readonly weights: Record<string, TensorSpec[]>;
  readonly summary: string;
}

function randomModel(seed: number): RandomModel {
  const r = rng(seed);
    // A quarter of the sequences are longer than the default unroll limit (32): looped code too.
  const steps = r() < 0.25 ? 33 + Math.floor(r() * 20) : 1 + Math.floor(r() * 12);
  const inputShape: [number, number] = [steps, 1 + Math.floor(r() * 6)];
  const shape: Shape = { steps: inputShape[0], features: inputShape[1] };
  const depth = 1 + Math.floor(r() * 4);
  const specs = Array.from({ length: depth }, (_, k) => nextLayer(r, shape, k === depth - 1));
  const tfModel = tf.sequential();
  tfModel.add(tf.layers.inputLayer({ inputShape }));
  const tfLayers = specs.map((s) => s.tfjs());
  tfLayers.forEach((l) => tfModel.add(l));
  // Random weights everywhere (biases included), the same in both files.
  const weights: Record<string, TensorSpec[]> = {};
  tfLayers.forEach((layer, k) => {
    const values = layer.getWeights().map((w) => tf.randomUniform(w.shape, -0.9, 0.9, "float32", seed * 31 + k));
    layer.setWeights(values);
    const kerasName = specs[k]!.keras.config["name"] as string;
    weights[kerasName] = values.map((v, i) => ({ name: `${kerasName}/w${i}:0`, shape: v.shape, data: v.dataSync() }));
  });
  const config = {
    class_name: "Sequential",
    config: {
      name: `random_${seed}`,
      layers: [{ class_name: "InputLayer", config: { name: name("input"), batch_input_shape: [null, ...inputShape], dtype: "float32" } }, ...specs.map((s) => s.keras)],
    },
  };
  const summary = specs.map((s) => s.keras.class_name + (s.keras.class_name === "Bidirectional" ? `(${(s.keras.config["layer"] as { class_name: string }).class_name})` : "")).join(" → ");
  return { config, tfModel, inputShape, weights, summary };
}

describe("random Keras 2 models: keras2ts vs TensorFlow.js", () => {
  it.each(Array.from({ length: MODELS }, (_, k) => [k]))("model %i", async (k) => {
    await tf.setBackend("cpu");
    const m = randomModel(SEED + k);
    if (process.env["SHOW_RANDOM_MODELS"]) console.log(`model ${k}: (${m.inputShape.join(", ")}) → ${m.summary}\n${JSON.stringify(m.config)}`);
    const bytes = await legacyH5(m.weights, m.config, KERAS_VERSION);
    const dir = join(GENERATED, "random-models");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `m${k}.h5`);
    writeFileSync(file, bytes);
    const mod = await importGenerated(await generateInto(`random-models/m${k}`, { label: "h5", model: file }));
    const r = rng(k);
    for (let trial = 0; trial < 3; trial++) {
      const x = Float32Array.from({ length: m.inputShape[0] * m.inputShape[1] }, () => (r() - 0.5) * 4);
      const want = (m.tfModel.predict(tf.tensor(x, [1, ...m.inputShape])) as tf.Tensor).dataSync();
      const got = asList(mod.predict(x))[0]!;
      expect(got.length, m.summary).toBe(want.length);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w), `${m.summary}: element ${i}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(w)));
    }
    m.tfModel.dispose();
  });
});
