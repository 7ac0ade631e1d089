/**
 * BatchNormalization (moving statistics), LayerNormalization (statistics of each sample) and
 * UnitNormalization (L2), each over the axes given by `axis` (one integer or a list; Keras counts
 * the batch axis). The axes must form one contiguous run.
 */
import { layerError } from "../../errors.js";
import type { Call, Layer, Shape } from "../../ir/types.js";
import { fixedSize, sampleAxes, spanOf, type Span } from "./axes.js";
import { boolParam, numParam } from "./config.js";
import type { EmitContext, LayerEmitter, WeightSpec } from "./types.js";
import { formatFloat32 } from "../float32.js";

function span(layer: Layer, shape: Shape, fallbackAxis: number): Span {
  return spanOf(layer, shape, sampleAxes(layer, layer.config["axis"] ?? fallbackAxis, shape.length));
}

/** The per-feature parameter shape: the sizes of the normalised axes. */
function paramShape(layer: Layer, shape: Shape): number[] {
  const s = span(layer, shape, -1);
  fixedSize(layer, s.axis, "the normalised axis");
  return s.axis as number[];
}

/** Emits kernel(x, outer, n, inner, …args, out) for the layer's span. */
function emitOverSpan(ctx: EmitContext, call: Call, kernel: string, args: readonly string[]): void {
  const shape = ctx.shape(call.inputs[0]!);
  const s = span(call.layer, shape, -1);
  const n = fixedSize(call.layer, s.axis, "the normalised axis");
  const x = ctx.buffer(call.inputs[0]!);
  const out = ctx.buffer(call.outputs[0]!);
  ctx.line(`${ctx.rt(kernel)}(${[x, ctx.size(s.outer), String(n), ctx.size(s.inner), ...args, out].join(", ")});`);
}

/** Weight order follows Keras: gamma (scale), beta (center), then anything else. */
function affineSpecs(shape: number[], scale: boolean, center: boolean): WeightSpec[] {
  const specs: WeightSpec[] = [];
  if (scale) specs.push({ name: "gamma", shape, slices: ["scale, one per feature"] });
  if (center) specs.push({ name: "beta", shape, slices: ["offset, one per feature"] });
  return specs;
}

export const batchNormalization: LayerEmitter = {
  classNames: ["BatchNormalization"],
  mask: "pass",
  docs: "Normalization",
  outputShapes: (layer, [input]) => {
    // Keras 1 modes 1 and 2 normalise with the statistics of the sample or batch, not the moving ones.
    const mode = layer.config["mode"] ?? 0;
    if (mode !== 0) throw layerError(layer, `Keras 1 BatchNormalization mode ${JSON.stringify(mode)} is not supported (only mode 0)`);
    paramShape(layer, input!);
    return [input!];
  },
  weightSpecs(layer, [input]) {
    const shape = paramShape(layer, input!);
    return [
      ...affineSpecs(shape, boolParam(layer, "scale", true), boolParam(layer, "center", true)),
      { name: "moving_mean", shape, slices: ["one per feature"] },
      { name: "moving_variance", shape, slices: ["one per feature"] },
    ];
  },
  emit(call, ctx) {
    const layer = call.layer;
    const scale = boolParam(layer, "scale", true);
    const center = boolParam(layer, "center", true);
    let k = 0;
    const gamma = scale ? ctx.weight(layer, k++, "gamma") : "null";
    const beta = center ? ctx.weight(layer, k++, "beta") : "null";
    const mean = ctx.weight(layer, k++, "moving_mean");
    const variance = ctx.weight(layer, k++, "moving_variance");
    const eps = formatFloat32(numParam(layer, "epsilon", 1e-3));
    emitOverSpan(ctx, call, "batchNorm", [mean, variance, gamma, beta, eps]);
  },
};

/** rms_scaling (Keras 3) replaces centring: it keeps gamma and drops beta. */
const layerNormFlags = (layer: Layer) => {
  const rms = boolParam(layer, "rms_scaling", false);
  return { rms, scale: rms || boolParam(layer, "scale", true), center: !rms && boolParam(layer, "center", true) };
};

export const layerNormalization: LayerEmitter = {
  classNames: ["LayerNormalization"],
  mask: "pass",
  docs: "Normalization",
  outputShapes: (layer, [input]) => {
    paramShape(layer, input!);
    return [input!];
  },
  weightSpecs(layer, [input]) {
    const { scale, center } = layerNormFlags(layer);
    return affineSpecs(paramShape(layer, input!), scale, center);
  },
  emit(call, ctx) {
    const layer = call.layer;
    const { rms, scale, center } = layerNormFlags(layer);
    const gamma = scale ? ctx.weight(layer, 0, "gamma") : "null";
    const beta = center ? ctx.weight(layer, scale ? 1 : 0, "beta") : "null";
    const eps = formatFloat32(numParam(layer, "epsilon", 1e-3));
    emitOverSpan(ctx, call, "layerNorm", [gamma, beta, eps, String(rms)]);
  },
};

export const unitNormalization: LayerEmitter = {
  classNames: ["UnitNormalization"],
  mask: "pass",
  docs: "Normalization",
  outputShapes: (layer, [input]) => {
    paramShape(layer, input!);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    // Keras 3: x · min(1/√Σx², 1/epsilon), epsilon 1e-12; tf.keras 2: l2_normalize, x / √max(Σx², 1e-12).
    emitOverSpan(ctx, call, "l2Normalize", [ctx.version.major >= 3 ? "1e12" : "1e6"]);
  },
};
