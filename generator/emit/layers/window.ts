/**
 * Geometry shared by convolution and pooling layers: per-dimension config tuples and the output
 * length and leading padding of a sliding window (TensorFlow's rules, which Keras follows).
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer } from "../../ir/types.js";
import { stringParam } from "./config.js";

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
  /** Output length. */
  readonly out: Dim;
  /** Positions of padding before the first input element. */
  readonly padBefore: number;
}

/**
 * Output length of a window of `k` taps spaced `dilation` apart, moved by `stride` over `n` inputs.
 * same: ceil(n/s) outputs, total padding max((out − 1)·s + k_eff − n, 0), floor(total/2) before;
 * causal: (k − 1)·dilation before, then valid. A variable length is kept only where the output
 * length equals it (same or causal with stride 1).
 */
export function windowGeometry(layer: Layer, n: Dim, k: number, stride: number, dilation: number, padding: Padding): WindowGeometry {
  const effective = (k - 1) * dilation + 1;
  if (padding === "causal") return stridedSame(layer, n, stride, effective - 1, () => effective - 1);
  if (padding === "same") {
    return stridedSame(layer, n, stride, Math.floor((effective - 1) / 2), (len, out) => Math.floor(Math.max((out - 1) * stride + effective - len, 0) / 2));
  }
  if (typeof n !== "number") throw layerError(layer, `"valid" padding needs a fixed input length (got a variable one; use --timesteps)`);
  if (n < effective) throw layerError(layer, `input length ${n} is shorter than the window (${effective})`);
  return { out: Math.floor((n - effective) / stride) + 1, padBefore: 0 };
}

function stridedSame(layer: Layer, n: Dim, stride: number, variablePad: number, pad: (n: number, out: number) => number): WindowGeometry {
  if (typeof n !== "number") {
    if (stride !== 1) throw layerError(layer, `strides over a variable input length are not supported (use --timesteps)`);
    return { out: n, padBefore: variablePad };
  }
  const out = Math.ceil(n / stride);
  return { out, padBefore: pad(n, out) };
}

/** The padding config value, restricted to what this layer accepts. */
export function paddingParam(layer: Layer, allowed: readonly Padding[]): Padding {
  return stringParam(layer, "padding", "valid", allowed) as Padding;
}
