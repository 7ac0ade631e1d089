/**
 * Loading files of every Keras version with that version's meaning: Keras 1 keys and per-gate
 * recurrent weights, Keras 2 defaults and conventions, tf.keras keys, Keras 3 dtype policies and
 * op layers. Old-format files are compared with the same model written the Keras 2/3 way.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generate, KerasError, loadModel } from "../generator/index.js";
import { formatInspect, inspectModel } from "../generator/inspect.js";
import { layerKinds } from "../generator/emit/layers/registry.js";
import { readArchitecture } from "../generator/load/architecture.js";
import { parseKerasVersion } from "../generator/load/version.js";
import { asList, GENERATED, worstExcess, type GeneratedModule } from "./helpers/cases.js";
import { prng } from "./helpers/realworld.js";
import { kerasZip, legacyH5, type TensorSpec } from "./helpers/write-model.js";

const random = prng(9);
const tensor = (name: string, shape: number[]): TensorSpec => ({ name, shape, data: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random() - 0.5) });
const v = parseKerasVersion;

/** Columns of 2-D tensors (or entries of 1-D ones) side by side, as Keras 2's loader fused them. */
function concat(name: string, parts: TensorSpec[]): TensorSpec {
  const rows = parts[0]!.shape.length === 2 ? parts[0]!.shape[0]! : 1;
  const widths = parts.map((p) => p.shape[p.shape.length - 1]!);
  const data: number[] = [];
  for (let r = 0; r < rows; r++) parts.forEach((p, k) => data.push(...Array.from(p.data).slice(r * widths[k]!, (r + 1) * widths[k]!)));
  const total = widths.reduce((a, b) => a + b, 0);
  return { name, shape: parts[0]!.shape.length === 2 ? [rows, total] : [total], data };
}

async function moduleFrom(sub: string, bytes: Uint8Array, configText?: string): Promise<GeneratedModule> {
  const dir = join(GENERATED, "load-versions", sub);
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, "model.ts", { sourceName: `${sub}.h5`, ...(configText ? { configText } : {}) })) writeFileSync(join(dir, f.name), f.text);
  return (await import(join(dir, "model.ts"))) as GeneratedModule;
}

async function expectSameOutputs(a: GeneratedModule, b: GeneratedModule, inputLength: number): Promise<void> {
  for (let s = 0; s < 3; s++) {
    const x = Array.from({ length: inputLength }, () => random() * 2 - 1);
    const want = asList(b.predict(x));
    asList(a.predict(x)).forEach((got, k) => expect(worstExcess(got, Array.from(want[k]!), 1e-7, 0).excess).toBeLessThanOrEqual(0));
  }
}

/** A Keras 1 per-gate recurrent layer: weights named `<layer>_W_<gate>:0` in the file's order. */
const perGate = (layer: string, gates: string[], inputDim: number, units: number) =>
  gates.flatMap((g) => [tensor(`${layer}_W_${g}:0`, [inputDim, units]), tensor(`${layer}_U_${g}:0`, [units, units]), tensor(`${layer}_b_${g}:0`, [units])]);
const pick = (ws: TensorSpec[], gate: string, kind: "W" | "U" | "b") => ws.find((w) => w.name.includes(`_${kind}_${gate}:`))!;

describe("Keras 1 files", () => {
  const lstmW = perGate("lstm_1", ["i", "c", "f", "o"], 3, 4);
  const denseW = [tensor("dense_1_W:0", [4, 2]), tensor("dense_1_b:0", [2])];
  const keras1Json = JSON.stringify({
    class_name: "Sequential",
    keras_version: "1.2.2",
    config: [
      { class_name: "LSTM", config: { name: "lstm_1", output_dim: 4, inner_activation: "hard_sigmoid", activation: "tanh", batch_input_shape: [null, 5, 3], input_dim: 3, return_sequences: false, consume_less: "cpu" } },
      { class_name: "Dense", config: { name: "dense_1", output_dim: 2, activation: "softmax", bias: true, init: "glorot_uniform" } },
    ],
  });

  it("reads the version from the JSON of a weights-only file and fuses i, c, f, o gates into i, f, c, o", async () => {
    const bytes = await legacyH5({ lstm_1: lstmW, dense_1: denseW });
    const model = await loadModel(bytes, { sourceName: "w.h5", configText: keras1Json });
    expect(model.kerasVersion.raw).toBe("1.2.2");
    const lstm = model.calls.find((c) => c.layer.name === "lstm_1")!.layer;
    expect(lstm.config["units"]).toBe(4);
    expect(lstm.config["recurrent_activation"]).toBe("hard_sigmoid");
    const order = ["i", "f", "c", "o"];
    expect(Array.from(lstm.weights[0]!.data)).toEqual(Array.from(Float32Array.from(concat("k", order.map((g) => pick(lstmW, g, "W"))).data)));
    expect(Array.from(lstm.weights[1]!.data)).toEqual(Array.from(Float32Array.from(concat("u", order.map((g) => pick(lstmW, g, "U"))).data)));
    expect(Array.from(lstm.weights[2]!.data)).toEqual(Array.from(Float32Array.from(concat("b", order.map((g) => pick(lstmW, g, "b"))).data)));
    const report = formatInspect(inspectModel(model));
    expect(report).toContain("(Keras 1.2.2)");
    expect(report).toMatch(/note: LSTM "lstm_1": Keras 1 per-gate weights \(i, c, f, o → i, f, c, o\)/);
    expect(report).toMatch(/note: LSTM "lstm_1": recurrent_activation hard_sigmoid is Keras 1's clip\(0\.2·x \+ 0\.5, 0, 1\)/);
  });

  it("computes what the same model saved by Keras 2 (fused weights, new keys) computes", async () => {
    const keras1 = await moduleFrom("k1-lstm", await legacyH5({ lstm_1: lstmW, dense_1: denseW }), keras1Json);
    const order = ["i", "f", "c", "o"];
    const fused = (["W", "U", "b"] as const).map((kind, k) => concat(`lstm_1/${["kernel", "recurrent_kernel", "bias"][k]}:0`, order.map((g) => pick(lstmW, g, kind))));
    const keras2Config = {
      class_name: "Sequential",
      config: [
        { class_name: "LSTM", config: { name: "lstm_1", units: 4, recurrent_activation: "hard_sigmoid", activation: "tanh", batch_input_shape: [null, 5, 3] } },
        { class_name: "Dense", config: { name: "dense_1", units: 2, activation: "softmax" } },
      ],
    };
    const keras2 = await moduleFrom("k2-lstm", await legacyH5({ lstm_1: fused, dense_1: denseW }, keras2Config, "2.1.6"));
    await expectSameOutputs(keras1, keras2, 15);
  });

  it("fuses GRU z, r, h gates (reset_after=False), inside TimeDistributed and Bidirectional wrappers too", async () => {
    const gru = perGate("gru_1", ["z", "r", "h"], 3, 4);
    const td = [tensor("dense_1_W:0", [4, 3]), tensor("dense_1_b:0", [3])];
    const json = JSON.stringify({
      class_name: "Sequential",
      keras_version: "1.1.1",
      config: [
        { class_name: "GRU", config: { name: "gru_1", output_dim: 4, input_dim: 3, input_length: 5, inner_activation: "hard_sigmoid", activation: "tanh", return_sequences: true } },
        { class_name: "TimeDistributed", config: { name: "timedistributed_1", layer: { class_name: "Dense", config: { name: "dense_1", output_dim: 3, activation: "linear", input_dim: null } } } },
        { class_name: "Bidirectional", config: { name: "bidirectional_1", merge_mode: "concat", layer: { class_name: "LSTM", config: { name: "lstm_b", output_dim: 2, input_dim: 3, inner_activation: "hard_sigmoid", activation: "tanh" } } } },
      ],
    });
    // Bidirectional: forward then backward, 12 per-gate tensors each, over the 3 TimeDistributed features.
    const biW = [...perGate("forward", ["i", "c", "f", "o"], 3, 2), ...perGate("backward", ["i", "c", "f", "o"], 3, 2)];
    const model = await loadModel(await legacyH5({ gru_1: gru, timedistributed_1: td, bidirectional_1: biW }), { sourceName: "w.h5", configText: json });
    const layer = (name: string) => model.calls.find((c) => c.layer.name === name)!.layer;
    expect(layer("gru_1").config["reset_after"]).toBe(false);
    expect(Array.from(layer("gru_1").weights[0]!.data)).toEqual(Array.from(Float32Array.from(concat("k", ["z", "r", "h"].map((g) => pick(gru, g, "W"))).data)));
    expect(layer("timedistributed_1").weights.map((w) => w.shape)).toEqual([[4, 3], [3]]);
    const biLayer = layer("bidirectional_1");
    expect(biLayer.weights.map((w) => w.shape)).toEqual([[3, 8], [2, 8], [8], [3, 8], [2, 8], [8]]);
    const backward = biW.slice(12);
    expect(Array.from(biLayer.weights[3]!.data)).toEqual(Array.from(Float32Array.from(concat("k", ["i", "f", "c", "o"].map((g) => pick(backward, g, "W"))).data)));
  });
});

describe("Keras 2 and tf.keras conventions", () => {
  const read = (raw: unknown, version = "2.2.4") => readArchitecture(raw, v(version), layerKinds);
  const functional = (layers: unknown[], inputs: unknown[], outputs: unknown[]) => ({ class_name: "Model", config: { name: "m", layers, input_layers: inputs, output_layers: outputs } });
  const input = (name: string, shape: unknown[]) => ({ name, class_name: "InputLayer", config: { name, batch_input_shape: shape }, inbound_nodes: [] });

  it("reads extra inbound tensors of an RNN as its initial state, but not of other layers", () => {
    const arch = read(
      functional(
        [
          input("x", [null, 4, 3]),
          input("h", [null, 2]),
          { name: "lstm", class_name: "LSTM", config: { name: "lstm", units: 2 }, inbound_nodes: [[["x", 0, 0, {}], ["h", 0, 0, {}], ["h", 0, 0, {}]]] },
          { name: "cat", class_name: "Concatenate", config: { name: "cat" }, inbound_nodes: [[["lstm", 0, 0, {}], ["h", 0, 0, {}]]] },
        ],
        [["x", 0, 0], ["h", 0, 0]],
        [["cat", 0, 0]],
      ),
    );
    const lstm = arch.layers.find((l) => l.name === "lstm")!;
    expect(lstm.calls[0]!.args).toEqual([["x", 0, 0]]);
    expect(lstm.calls[0]!.initialState).toEqual([["h", 0, 0], ["h", 0, 0]]);
    expect(arch.layers.find((l) => l.name === "cat")!.calls[0]!.args).toHaveLength(2);
    expect(arch.notes.join("\n")).toContain('LSTM "lstm": inbound tensors after the first are its initial state');
  });

  it("makes version defaults explicit: GRU reset_after, recurrent hard_sigmoid, Embedding dtype as input dtype", () => {
    const seq = (layers: unknown[]) => ({ class_name: "Sequential", config: { name: "s", layers } });
    const k2 = read(seq([{ class_name: "Embedding", config: { name: "e", input_dim: 10, output_dim: 3, batch_input_shape: [null, 7], dtype: "int32" } }, { class_name: "GRU", config: { name: "g", units: 2 } }]), "2.0.4");
    expect(k2.layers[0]!.config["dtype"]).toBe("int32"); // the synthesised InputLayer
    expect(k2.layers[1]!.config["dtype"]).toBe("float32");
    expect(k2.layers[2]!.config["reset_after"]).toBe(false);
    expect(k2.layers[2]!.config["recurrent_activation"]).toBe("hard_sigmoid");
    const k3 = read(seq([{ class_name: "InputLayer", config: { name: "i", batch_shape: [null, 7, 2] } }, { class_name: "GRU", config: { name: "g", units: 2, dtype: { module: "keras", class_name: "DTypePolicy", config: { name: "float32" } } } }]), "3.7.0");
    expect(k3.layers[1]!.config["reset_after"]).toBe(true);
    expect(k3.layers[1]!.config["dtype"]).toBe("float32");
  });

  it("drops tf.keras time_major=False and refuses time_major=True with a clear error", () => {
    const seq = (timeMajor: boolean) => ({ class_name: "Sequential", config: { name: "s", layers: [{ class_name: "LSTM", config: { name: "l", units: 2, batch_input_shape: [null, 3, 2], time_major: timeMajor } }] } });
    expect(read(seq(false), "2.10.0").layers[1]!.config["time_major"]).toBeUndefined();
    const err = (() => {
      try {
        read(seq(true), "2.10.0");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(KerasError);
    expect((err as KerasError).message).toContain("time_major=True");
    expect((err as KerasError).layer?.name).toBe("l");
  });
});

describe("Keras 3 files", () => {
  it("maps weights by class-counter path when the file records no layer names", async () => {
    // Named against their order: Keras 3 stores the first Dense at `dense`, whatever its name.
    const config = {
      class_name: "Sequential",
      config: {
        name: "s",
        layers: [
          { class_name: "InputLayer", config: { name: "in", batch_shape: [null, 3] } },
          { class_name: "Dense", config: { name: "dense_1", units: 4 } },
          { class_name: "Dense", config: { name: "dense", units: 2 } },
        ],
      },
    };
    const first = [tensor("0", [3, 4]), tensor("1", [4])];
    const second = [tensor("0", [4, 2]), tensor("1", [2])];
    const model = await loadModel(await kerasZip(config, [{ path: "dense", vars: first }, { path: "dense_1", vars: second }], "3.4.1"), { sourceName: "m.keras" });
    const weights = (name: string) => model.calls.find((c) => c.layer.name === name)!.layer.weights.map((w) => w.shape);
    expect(weights("dense_1")).toEqual([[3, 4], [4]]);
    expect(weights("dense")).toEqual([[4, 2], [2]]);
  });

  it("runs a NotEqual op layer passed as mask= like Embedding(mask_zero=True)", async () => {
    const kt = (layer: string) => ({ class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: [layer, 0, 0] } });
    const emb = tensor("0", [6, 3]);
    const cell = [tensor("0", [3, 8]), tensor("1", [2, 8]), tensor("2", [8])];
    const config = (explicit: boolean) => ({
      class_name: "Functional",
      config: {
        name: "f",
        layers: [
          { class_name: "InputLayer", name: "ids", config: { name: "ids", batch_shape: [null, 5] }, inbound_nodes: [] },
          { class_name: "Embedding", name: "embedding", config: { name: "embedding", input_dim: 6, output_dim: 3, mask_zero: !explicit }, inbound_nodes: [{ args: [kt("ids")], kwargs: {} }] },
          ...(explicit ? [{ class_name: "NotEqual", name: "not_equal", config: { name: "not_equal" }, inbound_nodes: [{ args: [kt("ids"), 0], kwargs: {} }] }] : []),
          {
            class_name: "LSTM", name: "lstm", config: { name: "lstm", units: 2, return_sequences: true },
            inbound_nodes: [{ args: [kt("embedding")], kwargs: explicit ? { mask: kt("not_equal") } : {} }],
          },
        ],
        input_layers: [["ids", 0, 0]],
        output_layers: [["lstm", 0, 0]],
      },
    });
    const saveables = (explicit: boolean) => [
      { path: "input_layer", name: "ids", vars: [] },
      { path: "embedding", name: "embedding", vars: [emb] },
      ...(explicit ? [{ path: "not_equal", name: "not_equal", vars: [] }] : []),
      { path: "lstm", name: "lstm", vars: [] },
      { path: "lstm/cell", name: "lstm_cell", vars: cell },
    ];
    const withOp = await moduleFrom("not-equal", await kerasZip(config(true), saveables(true)));
    const withMaskZero = await moduleFrom("mask-zero", await kerasZip(config(false), saveables(false)));
    for (const ids of [[1, 2, 3, 0, 0], [5, 0, 4, 0, 1], [0, 0, 0, 0, 0]]) {
      expect(Array.from(asList(withOp.predict(ids))[0]!)).toEqual(Array.from(asList(withMaskZero.predict(ids))[0]!));
    }
  });

  it("does not hand an RNN called with initial_state its input's mask, unlike Keras 2", async () => {
    const emb = tensor("e", [6, 3]);
    const cell = [tensor("k", [3, 8]), tensor("r", [2, 8]), tensor("b", [8])];
    const kt = (layer: string) => ({ class_name: "__keras_tensor__", config: { shape: [], dtype: "float32", keras_history: [layer, 0, 0] } });
    const lstmConfig = { name: "lstm", units: 2, recurrent_activation: "sigmoid" };
    const keras3 = (maskZero: boolean) => ({
      class_name: "Functional",
      config: {
        name: "f",
        layers: [
          { class_name: "InputLayer", name: "ids", config: { name: "ids", batch_shape: [null, 5] }, inbound_nodes: [] },
          { class_name: "InputLayer", name: "state", config: { name: "state", batch_shape: [null, 2] }, inbound_nodes: [] },
          { class_name: "Embedding", name: "embedding", config: { name: "embedding", input_dim: 6, output_dim: 3, mask_zero: maskZero }, inbound_nodes: [{ args: [kt("ids")], kwargs: {} }] },
          { class_name: "LSTM", name: "lstm", config: lstmConfig, inbound_nodes: [{ args: [kt("embedding")], kwargs: { initial_state: [kt("state"), kt("state")] } }] },
        ],
        input_layers: [["ids", 0, 0], ["state", 0, 0]],
        output_layers: [["lstm", 0, 0]],
      },
    });
    const keras2 = (maskZero: boolean) => ({
      class_name: "Model",
      config: {
        name: "f",
        layers: [
          { name: "ids", class_name: "InputLayer", config: { name: "ids", batch_input_shape: [null, 5] }, inbound_nodes: [] },
          { name: "state", class_name: "InputLayer", config: { name: "state", batch_input_shape: [null, 2] }, inbound_nodes: [] },
          { name: "embedding", class_name: "Embedding", config: { name: "embedding", input_dim: 6, output_dim: 3, mask_zero: maskZero }, inbound_nodes: [[["ids", 0, 0, {}]]] },
          { name: "lstm", class_name: "LSTM", config: lstmConfig, inbound_nodes: [[["embedding", 0, 0, {}], ["state", 0, 0, {}], ["state", 0, 0, {}]]] },
        ],
        input_layers: [["ids", 0, 0], ["state", 0, 0]],
        output_layers: [["lstm", 0, 0]],
      },
    });
    const saveables = [
      { path: "input_layer", name: "ids", vars: [] },
      { path: "input_layer_1", name: "state", vars: [] },
      { path: "embedding", name: "embedding", vars: [emb] },
      { path: "lstm", name: "lstm", vars: [] },
      { path: "lstm/cell", name: "lstm_cell", vars: cell },
    ];
    const k3Masked = await moduleFrom("k3-state-masked", await kerasZip(keras3(true), saveables));
    const k3Plain = await moduleFrom("k3-state-plain", await kerasZip(keras3(false), saveables));
    const k2Masked = await moduleFrom("k2-state-masked", await legacyH5({ ids: [], state: [], embedding: [emb], lstm: cell }, keras2(true), "2.2.4"));
    const k2Plain = await moduleFrom("k2-state-plain", await legacyH5({ ids: [], state: [], embedding: [emb], lstm: cell }, keras2(false), "2.2.4"));
    const run = (m: GeneratedModule) => Array.from(asList(m.predict([1, 2, 0, 0, 0], [0.3, -0.2]))[0]!);
    expect(run(k3Masked)).toEqual(run(k3Plain));
    expect(run(k2Plain)).toEqual(run(k3Plain));
    expect(run(k2Masked)).not.toEqual(run(k2Plain));
  });
});
