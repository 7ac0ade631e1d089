/**
 * Geometry shared by convolution and pooling layers: per-dimension config tuples and the output
 * length and leading padding of a sliding window (TensorFlow's rules, which Keras follows).
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer } from "../../ir/types.js";
import { stringLiteral } from "../names.js";
import { stringParam } from "./config.js";
import type { EmitContext } from "./types.js";

/** Keras 1 names of sliding-window options: refused rather than silently read as defaults. */
const KERAS1_KEYS = ["border_mode", "nb_filter", "filter_length", "nb_row", "nb_col", "subsample", "subsample_length", "pool_length", "stride", "atrous_rate", "dim_ordering"];

export function refuseKeras1Keys(layer: Layer): void {
  const key = KERAS1_KEYS.find((k) => layer.config[k] !== undefined);
  if (key) throw layerError(layer, `Keras 1 config key "${key}" is not supported for this layer`);
}

/** A config value given as one integer or as one integer per spatial dimension. */
export function tupleParam(layer: Layer, key: string, rank: number, fallback?: number | readonly number[]): number[] {
  const v = layer.config[key] ?? fallback;
  const list = typeof v === "number" ? Array.from({ length: rank }, () => v) : v;
  const ok = Array.isArray(list) && list.length === rank && list.every((d) => Number.isInteger(d) && d >= 1 && d <= 1 << 24);
  if (!ok) throw layerError(layer, `config "${key}" must be ${rank === 1 ? "a positive integer" : `${rank} positive integers`}, got ${JSON.stringify(v) ?? "nothing"}`);
  return list as number[];
}

/** `data_format`: true for channels_first. */
export function channelsFirst(layer: Layer): boolean {
  return stringParam(layer, "data_format", "channels_last", ["channels_last", "channels_first"]) === "channels_first";
}

export type Padding = "valid" | "same" | "causal";

export interface WindowGeometry {
  /** Output length (code for a variable input length). */
  readonly out: Dim;
  /** Positions of padding before the first input element. */
  readonly padBefore: number;
  /** For a variable input length: the fewest inputs that give an output, checked when `predict` runs. */
  readonly minLength?: number;
}

/**
 * Output length of a window of `k` taps spaced `dilation` apart, moved by `stride` over `n` inputs.
 * same: ceil(n/s) outputs, total padding max((out − 1)·s + k_eff − n, 0), floor(total/2) before;
 * causal: (k − 1)·dilation before, then valid. A variable length gives an output length expression,
 * except for "same" with strides (its padding would depend on the length).
 */
export function windowGeometry(layer: Layer, n: Dim, k: number, stride: number, dilation: number, padding: Padding): WindowGeometry {
  const effective = (k - 1) * dilation + 1;
  if (typeof n !== "number") return variableGeometry(layer, n, effective, stride, padding);
  if (padding === "causal") return { out: Math.floor((n - 1) / stride) + 1, padBefore: effective - 1 };
  if (padding === "same") {
    const out = Math.ceil(n / stride);
    return { out, padBefore: Math.floor(Math.max((out - 1) * stride + effective - n, 0) / 2) };
  }
  if (n < effective) throw layerError(layer, `input length ${n} is shorter than the window (${effective})`);
  return { out: Math.floor((n - effective) / stride) + 1, padBefore: 0 };
}

/** Floor of (n − before) / stride, plus one: code for a valid window count over a variable length. */
function windowCount(n: string, before: number, stride: number): string {
  // "(T0 - a)" less b more is "(T0 - a+b)": stacked valid convolutions stay readable.
  const shifted = /^\((\w+) - (\d+)\)$/.exec(n);
  const [base, less] = shifted ? [shifted[1]!, Number(shifted[2])] : [n, 0];
  if (stride === 1) return before + less === 1 ? base : `(${base} - ${less + before - 1})`;
  return `(Math.floor((${base} - ${less + before}) / ${stride}) + 1)`;
}

function variableGeometry(layer: Layer, n: string, effective: number, stride: number, padding: Padding): WindowGeometry {
  if (padding === "causal") return { out: windowCount(n, 1, stride), padBefore: effective - 1 };
  if (padding === "same") {
    if (stride !== 1) throw layerError(layer, `"same" padding with strides over a variable input length is not supported (use --timesteps)`);
    return { out: n, padBefore: Math.floor((effective - 1) / 2) };
  }
  return { out: windowCount(n, effective, stride), padBefore: 0, ...(effective > 1 ? { minLength: effective } : {}) };
}

/** Emits the run-time checks that variable-length inputs are long enough for the layer's windows. */
export function emitLengthChecks(ctx: EmitContext, layer: Layer, spatial: readonly Dim[], geometry: readonly WindowGeometry[]): void {
  geometry.forEach((g, k) => {
    if (g.minLength !== undefined) ctx.line(`${ctx.rt("requireLength")}(${ctx.dim(spatial[k]!)}, ${g.minLength}, ${stringLiteral(layer.name)});`);
  });
}

/** The padding config value, restricted to what this layer accepts. */
export function paddingParam(layer: Layer, allowed: readonly Padding[]): Padding {
  return stringParam(layer, "padding", "valid", allowed) as Padding;
}
