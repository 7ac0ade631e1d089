/**
 * tfjs (a faithful port of Keras 2 layers, pure JS CPU backend) as a second reference for single layers.
 * The backend is process-wide: each call selects the one it needs (another test file in the same
 * process may have left the wasm backend selected).
 */
import * as tf from "@tensorflow/tfjs";
import { activationName } from "../../generator/emit/activations.js";
import type { Call, Config, KerasVersion, Layer as IrLayer, Model } from "../../generator/ir/types.js";
import { emitterFor } from "../../generator/emit/layers/registry.js";
import { opsFamily } from "../../generator/emit/layers/ops/index.js";

/** Selects a tfjs backend (the wasm one must be registered by the caller: import "@tensorflow/tfjs-backend-wasm"). */
async function useBackend(backend: "cpu" | "wasm"): Promise<void> {
  if (tf.getBackend() !== backend && !(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to start`);
}

/** Runs one tfjs layer on one sample after setting its weights; returns the flattened output. */
export async function tfjsLayer(layer: tf.layers.Layer, inputShape: number[], weights: { shape: number[]; data: number[] }[], x: number[]): Promise<number[]> {
  await useBackend("cpu");
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape }));
  model.add(layer);
  layer.setWeights(weights.map((w) => tf.tensor(w.data, w.shape)));
  const y = model.predict(tf.tensor(x, [1, ...inputShape])) as tf.Tensor;
  const out = Array.from(await y.data());
  tf.dispose([y]);
  model.dispose();
  return out;
}

export { tf };

/*
 * A whole-model reference: a loaded model's IR rebuilt with tfjs layers (shared layers stay shared,
 * initial states and masks flow as tfjs passes them) and given the same weights. tfjs has Keras 2
 * semantics (hard_sigmoid = clip(0.2x + 0.5, 0, 1); GRU only reset_after=False) and computes in
 * float32; whatever it cannot mirror faithfully throws NoReference.
 */

/** The model uses something tfjs has no faithful equivalent for: no reference, not a failure. */
export class NoReference extends Error {}

export interface TfjsReference {
  /** One sample per input, flattened like the generated module's arguments; one array per output. */
  predict(...xs: ArrayLike<number>[]): Float32Array[];
  dispose(): void;
}

type Sym = tf.SymbolicTensor;
type ActivationId = NonNullable<Parameters<typeof tf.layers.dense>[0]["activation"]>;
type MakeLayer = (c: Config, layer: IrLayer, v: KerasVersion) => tf.layers.Layer;

const TFJS_ACTIVATIONS: Record<string, ActivationId> = {
  linear: "linear", relu: "relu", relu6: "relu6", sigmoid: "sigmoid", tanh: "tanh", softmax: "softmax", softplus: "softplus",
  softsign: "softsign", selu: "selu", elu: "elu", swish: "swish", silu: "swish", mish: "mish", hard_sigmoid: "hardSigmoid",
};

/** A Keras activation as a tfjs identifier, refusing the ones whose meaning differs. */
function act(spec: unknown, v: KerasVersion): ActivationId {
  const { name, params } = activationName(spec);
  if (name === "hard_sigmoid" && v.major >= 3) throw new NoReference("Keras 3 hard_sigmoid (x/6 + 0.5) differs from tfjs' Keras 2 formula");
  if (name === "elu" && params["alpha"] !== undefined && params["alpha"] !== 1) throw new NoReference("elu with alpha != 1");
  const id = TFJS_ACTIVATIONS[name];
  if (!id) throw new NoReference(`activation ${name} has no tfjs equivalent`);
  return id;
}

const flag = (c: Config, key: string, fallback = false): boolean => (typeof c[key] === "boolean" ? (c[key] as boolean) : fallback);

function rnnArgs(c: Config, v: KerasVersion) {
  if (c["stateful"] === true) throw new NoReference("stateful RNN");
  return {
    units: c["units"] as number,
    activation: act(c["activation"] ?? "tanh", v),
    useBias: flag(c, "use_bias", true),
    returnSequences: flag(c, "return_sequences"),
    returnState: flag(c, "return_state"),
    goBackwards: flag(c, "go_backwards"),
    // setWeights replaces them; tfjs' default Orthogonal initializer takes minutes on the cpu backend.
    kernelInitializer: "zeros",
    recurrentInitializer: "zeros",
  } as const;
}

const RECURRENT: Record<string, MakeLayer> = {
  LSTM: (c, _l, v) => tf.layers.lstm({ ...rnnArgs(c, v), recurrentActivation: act(c["recurrent_activation"] ?? "sigmoid", v) }),
  GRU: (c, _l, v) => {
    if (c["reset_after"] !== false) throw new NoReference("GRU reset_after=True (tfjs has only reset_after=False)");
    return tf.layers.gru({ ...rnnArgs(c, v), recurrentActivation: act(c["recurrent_activation"] ?? "sigmoid", v) });
  },
  SimpleRNN: (c, _l, v) => tf.layers.simpleRNN(rnnArgs(c, v)),
};

/** Layers that are the identity at predict time. */
const identity = (c: Config) => tf.layers.dropout({ rate: typeof c["rate"] === "number" ? c["rate"] : 0 });

/** A 1-D window size as Keras writes it: a number or a one-element list. */
const one = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number));

const LAYERS: Record<string, MakeLayer> = {
  ...RECURRENT,
  Dense: (c, _l, v) => tf.layers.dense({ units: c["units"] as number, activation: act(c["activation"], v), useBias: flag(c, "use_bias", true) }),
  Activation: (c, _l, v) => tf.layers.activation({ activation: act(c["activation"], v) }),
  Dropout: identity,
  SpatialDropout1D: identity,
  GaussianNoise: identity,
  GaussianDropout: identity,
  AlphaDropout: identity,
  Embedding: (c) => tf.layers.embedding({ inputDim: c["input_dim"] as number, outputDim: c["output_dim"] as number, maskZero: flag(c, "mask_zero") }),
  Masking: (c) => tf.layers.masking({ maskValue: typeof c["mask_value"] === "number" ? c["mask_value"] : 0 }),
  Flatten: () => tf.layers.flatten(),
  RepeatVector: (c) => tf.layers.repeatVector({ n: c["n"] as number }),
  Reshape: (c) => tf.layers.reshape({ targetShape: c["target_shape"] as number[] }),
  Permute: (c) => tf.layers.permute({ dims: c["dims"] as number[] }),
  Concatenate: (c) => tf.layers.concatenate({ axis: typeof c["axis"] === "number" ? c["axis"] : -1 }),
  Add: () => tf.layers.add(),
  Multiply: () => tf.layers.multiply(),
  Average: () => tf.layers.average(),
  Maximum: () => tf.layers.maximum(),
  Minimum: () => tf.layers.minimum(),
  BatchNormalization: (c) => {
    const axis = Array.isArray(c["axis"]) ? (c["axis"] as number[])[0] : c["axis"];
    return tf.layers.batchNormalization({ axis: typeof axis === "number" ? axis : -1, epsilon: (c["epsilon"] as number | undefined) ?? 1e-3, center: flag(c, "center", true), scale: flag(c, "scale", true) });
  },
  Conv1D: (c, _l, v) => {
    if ((c["groups"] ?? 1) !== 1 || (c["data_format"] ?? "channels_last") !== "channels_last") throw new NoReference("Conv1D with groups or channels_first");
    if (c["padding"] === "causal") throw new NoReference("causal Conv1D (tfjs has not implemented it)");
    return tf.layers.conv1d({
      filters: c["filters"] as number, kernelSize: one(c["kernel_size"]), strides: one(c["strides"] ?? 1), dilationRate: one(c["dilation_rate"] ?? 1),
      padding: (c["padding"] as "valid" | "same" | undefined) ?? "valid", activation: act(c["activation"], v), useBias: flag(c, "use_bias", true),
      kernelInitializer: "zeros",
    });
  },
  MaxPooling1D: (c) => tf.layers.maxPooling1d({ poolSize: one(c["pool_size"] ?? 2), strides: one(c["strides"] ?? c["pool_size"] ?? 2), padding: (c["padding"] as "valid" | "same" | undefined) ?? "valid" }),
  ConvLSTM2D: (c, _l, v) => {
    if (c["stateful"] === true) throw new NoReference("stateful ConvLSTM2D");
    return tf.layers.convLstm2d({
      filters: c["filters"] as number, kernelSize: c["kernel_size"] as [number, number], strides: (c["strides"] as [number, number] | undefined) ?? 1,
      padding: (c["padding"] as "valid" | "same" | undefined) ?? "valid", dilationRate: (c["dilation_rate"] as [number, number] | undefined) ?? 1,
      kernelInitializer: "zeros", recurrentInitializer: "zeros",
      activation: act(c["activation"] ?? "tanh", v), recurrentActivation: act(c["recurrent_activation"] ?? "sigmoid", v),
      useBias: flag(c, "use_bias", true), returnSequences: flag(c, "return_sequences"), returnState: flag(c, "return_state"), goBackwards: flag(c, "go_backwards"),
    });
  },
  Bidirectional: (c, layer, v) => {
    const forward = layer.inner["forward"];
    const backward = layer.inner["backward"];
    const make = forward && RECURRENT[forward.className];
    if (!forward || !make) throw new NoReference("Bidirectional around a non-recurrent layer");
    // tfjs derives the backward layer from the forward one: a different backward_layer cannot be mirrored.
    const same = (k: string) => JSON.stringify(backward?.config[k]) === JSON.stringify(forward.config[k]);
    if (backward && !["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "reset_after"].every(same)) {
      throw new NoReference("Bidirectional with a backward_layer unlike the forward one");
    }
    const mode = c["merge_mode"] === undefined ? "concat" : c["merge_mode"];
    return tf.layers.bidirectional({ layer: make(forward.config, forward, v) as tf.RNN, mergeMode: (mode ?? undefined) as "concat" });
  },
  TimeDistributed: (_c, layer, v) => {
    const inner = layer.inner["layer"];
    const make = inner && LAYERS[inner.className];
    if (!inner || !make) throw new NoReference(`TimeDistributed(${inner?.className ?? "?"})`);
    return tf.layers.timeDistributed({ layer: make(inner.config, inner, v) });
  },
};

/** Builds the tfjs twin of a loaded model; throws NoReference when some part cannot be mirrored. */
export async function buildTfjsReference(model: Model, backend: "cpu" | "wasm" = "cpu"): Promise<TfjsReference> {
  await useBackend(backend);
  const symbols = new Map<number, Sym>();
  const inputs = model.inputs.map((io) => {
    const input = tf.input({ shape: model.values[io.value]!.shape.map((d) => (typeof d === "number" ? d : null)) });
    symbols.set(io.value, input);
    return input;
  });
  const made = new Map<IrLayer, tf.layers.Layer>();
  for (const call of model.calls) applyCall(call, model, made, symbols);
  const tfModel = tf.model({ inputs, outputs: model.outputs.map((io) => symbols.get(io.value)!) });
  for (const [layer, tfLayer] of made) {
    if (layer.weights.length > 0) tfLayer.setWeights(layer.weights.map((w) => tf.tensor(w.data, [...w.shape])));
  }
  return {
    predict: (...xs) => tf.tidy(() => predictOnce(model, tfModel, xs)),
    dispose: () => tfModel.dispose(),
  };
}

function predictOnce(model: Model, tfModel: tf.LayersModel, xs: ArrayLike<number>[]): Float32Array[] {
  const feeds = xs.map((x, k) => {
    const shape = model.values[model.inputs[k]!.value]!.shape;
    const fixed = shape.reduce<number>((n, d) => n * (typeof d === "number" ? d : 1), 1);
    return tf.tensor(Float32Array.from(x), [1, ...shape.map((d) => (typeof d === "number" ? d : x.length / fixed))]);
  });
  const out = tfModel.predict(feeds.length === 1 ? feeds[0]! : feeds);
  return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync()));
}

function applyCall(call: Call, model: Model, made: Map<IrLayer, tf.layers.Layer>, symbols: Map<number, Sym>): void {
  const layer = call.layer;
  if (call.maskInput !== undefined || emitterFor(layer) === opsFamily) throw new NoReference(`${layer.name}: explicit mask or Keras op layer`);
  let tfLayer = made.get(layer);
  if (!tfLayer) {
    const make = LAYERS[layer.className];
    if (!make) throw new NoReference(`no tfjs layer for ${layer.className}`);
    tfLayer = make(layer.config, layer, model.kerasVersion);
    made.set(layer, tfLayer);
  }
  const ins = call.inputs.map((v) => symbols.get(v)!);
  const kwargs = call.initialState.length > 0 ? { initialState: call.initialState.map((v) => symbols.get(v)!) } : {};
  const out = tfLayer.apply(ins.length === 1 ? ins[0]! : ins, kwargs) as Sym | Sym[];
  const outs = Array.isArray(out) ? out : [out];
  if (outs.length !== call.outputs.length) throw new Error(`${layer.name}: tfjs gives ${outs.length} outputs, the IR ${call.outputs.length}`);
  call.outputs.forEach((v, k) => symbols.set(v, outs[k]!));
}
