/**
 * ReLU (max_value, negative_slope, threshold, computed exactly as Keras does), ThresholdedReLU, and
 * PReLU (a learned slope per position, shared along `shared_axes`).
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize } from "./axes.js";
import { numParam } from "./config.js";
import { formatFloat32 } from "../float32.js";
import { configOf } from "./parsed-config.js";
import type { LayerEmitter } from "./types.js";

interface ReluConfig {
  readonly slope: number;
  readonly max: number | null;
  readonly threshold: number;
}

export const reluLayer: LayerEmitter<ReluConfig> = {
  classNames: ["ReLU"],
  parseConfig: reluArgs,
  mask: "pass",
  lastAxisOnly: true,
  docs: "Activation layers",
  outputShapes: (layer, [input]) => {
    configOf(reluLayer, layer);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const { slope, max, threshold } = configOf(reluLayer, call.layer);
    const x = ctx.buffer(call.inputs[0]!);
    const out = ctx.buffer(call.outputs[0]!);
    const value = slope === 0 && max === null && threshold === 0
      ? `${ctx.rt("relu")}(${x}[i]!)`
      : `${ctx.rt("reluLayer")}(${x}[i]!, ${formatFloat32(slope)}, ${max === null ? "Infinity" : formatFloat32(max)}, ${formatFloat32(threshold)})`;
    ctx.line(`for (let i = 0; i < ${ctx.size(ctx.shape(call.inputs[0]!))}; i++) ${out}[i] = ${value};`);
  },
};

function reluArgs(layer: Layer): ReluConfig {
  const max = layer.config["max_value"] ?? null;
  if (max !== null && (typeof max !== "number" || !(max >= 0))) throw layerError(layer, `max_value must be a non-negative number or null, got ${JSON.stringify(max)}`);
  return { slope: numParam(layer, "negative_slope", 0), max, threshold: numParam(layer, "threshold", 0) };
}

/** ThresholdedReLU (Keras 1/2): x where x > theta, else 0. */
export const thresholdedRelu: LayerEmitter<{ readonly theta: number }> = {
  classNames: ["ThresholdedReLU"],
  docs: "Activation layers",
  parseConfig: (layer) => ({ theta: numParam(layer, "theta", 1) }),
  outputShapes: (layer, [input]) => {
    configOf(thresholdedRelu, layer);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const theta = formatFloat32(configOf(thresholdedRelu, call.layer).theta);
    const x = ctx.buffer(call.inputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(ctx.shape(call.inputs[0]!))}; i++) ${ctx.buffer(call.outputs[0]!)}[i] = ${x}[i]! > ${theta} ? ${x}[i]! : 0;`);
  },
};

/** PReLU's alpha shape: the input shape with the shared axes (Keras numbering, batch = 0) set to 1. */
function alphaShape(layer: Layer, input: Shape): number[] {
  const spec = layer.config["shared_axes"] ?? [];
  const shared = typeof spec === "number" ? [spec] : spec;
  if (!Array.isArray(shared) || !shared.every((a) => Number.isInteger(a) && a >= 1 && a <= input.length)) {
    throw layerError(layer, `shared_axes must list axes 1…${input.length}, got ${JSON.stringify(spec)}`);
  }
  return input.map((d, k) => (shared.includes(k + 1) ? 1 : fixedSize(layer, [d], "an axis PReLU does not share")));
}

export const prelu: LayerEmitter = {
  classNames: ["PReLU"],
  mask: "pass",
  docs: "Activation layers",
  outputShapes: (layer, [input]) => {
    alphaShape(layer, input!);
    return [input!];
  },
  weightSpecs: (layer, [input]) => [{ name: "alpha", shape: alphaShape(layer, input!), slices: ["slope for negative inputs, per position"] }],
  emit(call, ctx) {
    const layer = call.layer;
    const input = ctx.shape(call.inputs[0]!);
    const a = alphaShape(layer, input);
    // alpha varies over one run of axes [first, last]; a gap in that run means expanding it to the input's size.
    const varying = a.flatMap((d, k) => (d > 1 ? [k] : []));
    const first = varying[0] ?? 0;
    const last = varying[varying.length - 1] ?? 0;
    const contiguous = varying.length === 0 || last - first + 1 === varying.length;
    const alpha = contiguous
      ? ctx.weight(layer, 0, "alpha")
      : (fixedSize(layer, input, "the input"), ctx.weight(layer, 0, "alpha_full", expand(layer.weights[0]!.data, a, input.map(Number))));
    const [outer, n, inner] = contiguous
      ? [ctx.size(input.slice(0, first)), String(a.slice(first, last + 1).reduce((p, d) => p * d, 1)), ctx.size(input.slice(last + 1))]
      : ["1", ctx.size(input), "1"];
    ctx.line(`${ctx.rt("prelu")}(${ctx.buffer(call.inputs[0]!)}, ${outer}, ${n}, ${inner}, ${alpha}, ${ctx.buffer(call.outputs[0]!)});`);
  },
};

/** Broadcasts alpha (shape `from`, dims 1 or equal) to the full shape `to`. */
function expand(data: Float32Array, from: readonly number[], to: readonly number[]): Float32Array {
  const total = to.reduce((p, d) => p * d, 1);
  const out = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let src = 0;
    let stride = 1;
    for (let k = to.length - 1; k >= 0; k--) {
      const idx = rest % to[k]!;
      rest = Math.floor(rest / to[k]!);
      if (from[k]! > 1) src += idx * stride;
      stride *= from[k]!;
    }
    out[i] = data[src]!;
  }
  return out;
}
