/**
 * Functional graphs through real file layouts: a nested Sequential called twice (shared), a layer
 * with several outputs, a shared layer, outputs listed out of order; written as a Keras 2 legacy
 * HDF5 file (nested weights in one group, trainable first) and as Keras 3 `.keras` zips (with and
 * without recorded layer names). All must agree, and with the same graph built by hand in tfjs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { generate, KerasError, loadModel } from "../generator/index.js";
import { asList, GENERATED, worstExcess, type GeneratedModule } from "./helpers/cases.js";
import { prng } from "./helpers/realworld.js";
import { kerasZip, legacyH5, type Keras3Vars, type TensorSpec } from "./helpers/write-model.js";

const random = prng(5);
const tensor = (name: string, shape: number[]): TensorSpec => ({
  name,
  shape,
  data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (name.includes("variance") ? 0.5 + random() : random() - 0.5)),
});

const W = {
  towerLstm: [tensor("t_lstm/kernel:0", [3, 20]), tensor("t_lstm/recurrent_kernel:0", [5, 20]), tensor("t_lstm/bias:0", [20])],
  towerBn: [tensor("t_bn/gamma:0", [5]), tensor("t_bn/beta:0", [5]), tensor("t_bn/moving_mean:0", [5]), tensor("t_bn/moving_variance:0", [5])],
  towerDense: [tensor("t_dense/kernel:0", [5, 2]), tensor("t_dense/bias:0", [2])],
  enc: [tensor("enc/kernel:0", [3, 12]), tensor("enc/recurrent_kernel:0", [3, 12]), tensor("enc/bias:0", [12])],
  head: [tensor("head/kernel:0", [10, 4]), tensor("head/bias:0", [4])],
  shared: [tensor("shared/kernel:0", [2, 2]), tensor("shared/bias:0", [2])],
};
/** Keras' legacy order for a nested model: every trainable weight, then every non-trainable one. */
const towerLegacy = [...W.towerLstm, ...W.towerBn.slice(0, 2), ...W.towerDense, ...W.towerBn.slice(2)];

const lstm = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  name, units, activation: "tanh", recurrent_activation: "sigmoid", use_bias: true, return_sequences: false, return_state: false, go_backwards: false, stateful: false, ...extra,
});
const towerLayers = [
  { class_name: "LSTM", config: lstm("t_lstm", 5, { batch_input_shape: [null, 4, 3] }) },
  { class_name: "BatchNormalization", config: { name: "t_bn", axis: -1, epsilon: 0.001, center: true, scale: true } },
  { class_name: "Dense", config: { name: "t_dense", units: 2, activation: "tanh", use_bias: true } },
];
const OUTPUTS = [["head", 0, 0], ["shared", 1, 0], ["enc", 0, 2], ["shared", 0, 0]];

/** Keras 2.2.4 JSON: list-style inbound nodes. */
const keras2Config = {
  class_name: "Model",
  config: {
    name: "outer",
    layers: [
      { name: "input_a", class_name: "InputLayer", config: { name: "input_a", batch_input_shape: [null, 4, 3], dtype: "float32" }, inbound_nodes: [] },
      { name: "input_b", class_name: "InputLayer", config: { name: "input_b", batch_input_shape: [null, 4, 3], dtype: "float32" }, inbound_nodes: [] },
      { name: "tower", class_name: "Sequential", config: { name: "tower", layers: towerLayers }, inbound_nodes: [[["input_a", 0, 0, {}]], [["input_b", 0, 0, {}]]] },
      { name: "enc", class_name: "LSTM", config: lstm("enc", 3, { return_state: true }), inbound_nodes: [[["input_a", 0, 0, {}]]] },
      {
        name: "concatenate", class_name: "Concatenate", config: { name: "concatenate", axis: -1 },
        inbound_nodes: [[["tower", 0, 0, {}], ["tower", 1, 0, {}], ["enc", 0, 1, {}], ["enc", 0, 2, {}]]],
      },
      { name: "head", class_name: "Dense", config: { name: "head", units: 4, activation: "softmax", use_bias: true }, inbound_nodes: [[["concatenate", 0, 0, {}]]] },
      { name: "shared", class_name: "Dense", config: { name: "shared", units: 2, activation: "linear", use_bias: true }, inbound_nodes: [[["tower", 0, 0, {}]], [["tower", 1, 0, {}]]] },
    ],
    input_layers: [["input_a", 0, 0], ["input_b", 0, 0]],
    output_layers: OUTPUTS,
  },
};

/** The same model as Keras 3 writes it. */
const kt = (layer: string, node = 0, index = 0) => ({ class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: [layer, node, index] } });
const node = (...args: unknown[]) => ({ args, kwargs: {} });
const keras3Config = {
  class_name: "Functional",
  config: {
    name: "outer",
    layers: [
      { class_name: "InputLayer", name: "input_a", config: { name: "input_a", batch_shape: [null, 4, 3], dtype: "float32" }, inbound_nodes: [] },
      { class_name: "InputLayer", name: "input_b", config: { name: "input_b", batch_shape: [null, 4, 3], dtype: "float32" }, inbound_nodes: [] },
      {
        class_name: "Sequential", name: "tower",
        config: { name: "tower", layers: [{ class_name: "InputLayer", config: { name: "tower_in", batch_shape: [null, 4, 3] } }, ...towerLayers] },
        inbound_nodes: [node(kt("input_a")), node(kt("input_b"))],
      },
      { class_name: "LSTM", name: "enc", config: lstm("enc", 3, { return_state: true }), inbound_nodes: [node(kt("input_a"))] },
      { class_name: "Concatenate", name: "concatenate", config: { name: "concatenate", axis: -1 }, inbound_nodes: [node([kt("tower", 0), kt("tower", 1), kt("enc", 0, 1), kt("enc", 0, 2)])] },
      { class_name: "Dense", name: "head", config: { name: "head", units: 4, activation: "softmax" }, inbound_nodes: [node(kt("concatenate"))] },
      { class_name: "Dense", name: "shared", config: { name: "shared", units: 2 }, inbound_nodes: [node(kt("tower", 0)), node(kt("tower", 1))] },
    ],
    input_layers: [["input_a", 0, 0], ["input_b", 0, 0]],
    output_layers: OUTPUTS,
  },
};

/** Keras 3 weight paths come from class names counted in model order, not from layer names. */
function keras3Saveables(named: boolean): Keras3Vars[] {
  const s = (path: string, name: string, vars: TensorSpec[] = []): Keras3Vars => ({ path, vars, ...(named ? { name } : {}) });
  return [
    s("input_layer", "input_a"), s("input_layer_1", "input_b"), s("sequential", "tower"),
    s("sequential/layers/lstm", "t_lstm"), s("sequential/layers/lstm/cell", "lstm_cell", W.towerLstm),
    s("sequential/layers/batch_normalization", "t_bn", W.towerBn), s("sequential/layers/dense", "t_dense", W.towerDense),
    s("lstm", "enc"), s("lstm/cell", "lstm_cell", W.enc), s("concatenate", "concatenate"), s("dense", "head", W.head), s("dense_1", "shared", W.shared),
  ];
}

async function legacyFile(): Promise<Uint8Array> {
  return legacyH5({ input_a: [], input_b: [], tower: towerLegacy, enc: W.enc, concatenate: [], head: W.head, shared: W.shared }, keras2Config, "2.2.4");
}

async function moduleFrom(bytes: Uint8Array, sub: string): Promise<GeneratedModule> {
  const dir = join(GENERATED, "functional-graph", sub);
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, "model.ts", { sourceName: `${sub}.bin` })) writeFileSync(join(dir, f.name), f.text);
  return (await import(join(dir, "model.ts"))) as GeneratedModule;
}

/** The model built by hand in tfjs (which cannot deserialize nested models), weights set the Keras 2 way. */
function tfjsTwin(): tf.LayersModel {
  const zeros = { kernelInitializer: "zeros", recurrentInitializer: "zeros" } as const;
  const tower = tf.sequential({
    layers: [
      tf.layers.lstm({ units: 5, inputShape: [4, 3], recurrentActivation: "sigmoid", ...zeros }),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.dense({ units: 2, activation: "tanh" }),
    ],
  });
  const a = tf.input({ shape: [4, 3] });
  const b = tf.input({ shape: [4, 3] });
  const ta = tower.apply(a) as tf.SymbolicTensor;
  const tb = tower.apply(b) as tf.SymbolicTensor;
  const enc = tf.layers.lstm({ units: 3, returnState: true, recurrentActivation: "sigmoid", ...zeros });
  const [, h, c] = enc.apply(a) as tf.SymbolicTensor[];
  const head = tf.layers.dense({ units: 4, activation: "softmax" });
  const shared = tf.layers.dense({ units: 2 });
  const merged = tf.layers.concatenate().apply([ta, tb, h!, c!]) as tf.SymbolicTensor;
  const outputs = [head.apply(merged), shared.apply(tb), c!, shared.apply(ta)] as tf.SymbolicTensor[];
  const set = (layer: tf.layers.Layer, ws: TensorSpec[]) => layer.setWeights(ws.map((w) => tf.tensor(Array.from(w.data), [...w.shape])));
  set(tower, towerLegacy); // a nested model takes the legacy order too: trainable weights first
  set(enc, W.enc);
  set(head, W.head);
  set(shared, W.shared);
  return tf.model({ inputs: [a, b], outputs });
}

const inputs = () => [Array.from({ length: 12 }, () => random() * 2 - 1), Array.from({ length: 12 }, () => random() * 2 - 1)];

function expectClose(got: Float32Array[], want: Float32Array[], atol: number, rtol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => expect(worstExcess(g, Array.from(want[k]!), atol, rtol).excess, `output ${k}`).toBeLessThanOrEqual(0));
}

describe("functional graphs from files", () => {
  it("keeps the model's input and output names and order, flattening the nested model", async () => {
    const model = await loadModel(await legacyFile(), { sourceName: "m.h5" });
    expect(model.inputs.map((i) => i.name)).toEqual(["input_a", "input_b"]);
    expect(model.outputs.map((o) => o.name)).toEqual(["head", "shared", "enc:2", "shared_2"]);
    expect(model.calls.map((c) => c.layer.name)).toContain("tower/t_lstm");
    expect(model.calls.filter((c) => c.layer.name === "tower/t_bn")).toHaveLength(2);
    expect(model.notes.some((n) => n.includes('nested Sequential "tower" flattened'))).toBe(true);
    // The grouped legacy weights went to the right layers (BatchNormalization statistics last in the file).
    const bn = model.calls.find((c) => c.layer.name === "tower/t_bn")!.layer;
    expect(Array.from(bn.weights[2]!.data)).toEqual(Array.from(Float32Array.from(W.towerBn[2]!.data)));
  });

  it("legacy HDF5 matches the same graph built in tfjs with a nested, shared Sequential", async () => {
    const mod = await moduleFrom(await legacyFile(), "legacy");
    await tf.setBackend("cpu");
    const reference = tfjsTwin();
    for (let s = 0; s < 3; s++) {
      const xs = inputs();
      const want = reference.predict(xs.map((x) => tf.tensor(x, [1, 4, 3]))) as tf.Tensor[];
      expectClose(asList(mod.predict(...xs)), want.map((t) => t.dataSync() as Float32Array), 1e-5, 1e-4);
    }
    reference.dispose();
  });

  it(".keras zips, with and without recorded layer names, match the legacy HDF5 file", async () => {
    const legacy = await moduleFrom(await legacyFile(), "legacy2");
    const named = await moduleFrom(await kerasZip(keras3Config, keras3Saveables(true)), "named");
    const unnamed = await moduleFrom(await kerasZip(keras3Config, keras3Saveables(false), "3.4.1"), "unnamed");
    for (let s = 0; s < 3; s++) {
      const xs = inputs();
      const want = asList(legacy.predict(...xs));
      expectClose(asList(named.predict(...xs)), want, 1e-7, 0);
      expectClose(asList(unnamed.predict(...xs)), want, 1e-7, 0);
    }
  });

  it("takes a Sequential's input shape from a nested model that is its first layer", async () => {
    const d1 = [tensor("d1/kernel:0", [3, 4]), tensor("d1/bias:0", [4])];
    const d2 = [tensor("d2/kernel:0", [4, 2]), tensor("d2/bias:0", [2])];
    const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({ class_name: "Dense", config: { name, units, activation: "tanh", ...extra } });
    const base = {
      class_name: "Model",
      config: {
        name: "base",
        layers: [
          { name: "base_in", class_name: "InputLayer", config: { name: "base_in", batch_input_shape: [null, 3] }, inbound_nodes: [] },
          { name: "d1", ...dense("d1", 4), inbound_nodes: [[["base_in", 0, 0, {}]]] },
        ],
        input_layers: [["base_in", 0, 0]],
        output_layers: [["d1", 0, 0]],
      },
    };
    const nested = await moduleFrom(await legacyH5({ base: d1, d2 }, { class_name: "Sequential", config: { name: "s", layers: [base, dense("d2", 2)] } }, "2.2.4"), "first-nested");
    const flat = await moduleFrom(await legacyH5({ d1, d2 }, { class_name: "Sequential", config: { name: "s", layers: [dense("d1", 4, { batch_input_shape: [null, 3] }), dense("d2", 2)] } }, "2.2.4"), "first-flat");
    expect(nested.inputs[0]!.shape).toEqual([3]);
    for (let s = 0; s < 3; s++) {
      const x = [random(), random(), random()];
      expect(Array.from(asList(nested.predict(x))[0]!)).toEqual(Array.from(asList(flat.predict(x))[0]!));
    }
  });

  it("refuses absurdly deep nesting with a clear error", async () => {
    let config: unknown = { class_name: "Sequential", config: { name: "m0", layers: [{ class_name: "Dense", config: { name: "d", units: 1, batch_input_shape: [null, 1] } }] } };
    for (let k = 1; k < 40; k++) config = { class_name: "Sequential", config: { name: `m${k}`, layers: [config] } };
    const err = await loadModel(await legacyH5({}, config, "2.2.4"), { sourceName: "deep.h5" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect(String((err as Error).message)).toContain("nested more than");
  });
});
