/**
 * Conv1DTranspose and Conv2DTranspose: kernel (…kernel_size, filters, in_channels), optional bias,
 * then the activation. Keras 3 defines them as JAX's conv_transpose: the input dilated by the
 * stride, padded (left, right) per axis from `padding` and `output_padding`, correlated with the
 * flipped kernel. Computed here as the equivalent scatter, cropped by (k_eff − 1 − left).
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer, Shape } from "../../ir/types.js";
import { boolParam, intParam } from "./config.js";
import { activateOutput } from "./activate-output.js";
import { convOptions, splitInput, withChannelsLast, type ConvOptions } from "./conv.js";
import { configOf } from "./parsed-config.js";
import type { LayerEmitter } from "./types.js";

interface TransposeConfig {
  readonly o: ConvOptions;
  readonly filters: number;
  /** Per spatial axis, or null (Keras' default: chosen by the padding mode). */
  readonly outputPadding: readonly (number | null)[];
  readonly useBias: boolean;
}

/** One axis: output length and the crop from the left of the full scatter. */
interface AxisGeometry {
  readonly out: number;
  readonly shift: number;
}

/** Keras' padding of the dilated input for one axis (backend_utils' conversion to JAX padding). */
function axisGeometry(layer: Layer, n: Dim, k: number, stride: number, dilation: number, padding: string, outputPadding: number | null): AxisGeometry {
  if (typeof n !== "number") throw layerError(layer, "a transposed convolution over a variable length is not supported (use --timesteps)");
  const kEff = (k - 1) * dilation + 1;
  let left: number;
  let right: number;
  if (padding === "valid") {
    left = kEff - 1;
    right = kEff - 1 + (outputPadding ?? Math.max(kEff, stride) - kEff);
  } else {
    const total = outputPadding === null ? stride + kEff - 2 : kEff + (kEff % 2) - 2 + outputPadding;
    left = Math.min(Math.floor(total / 2) + (total % 2), kEff - 1);
    right = total - left;
  }
  const out = (n - 1) * stride + 1 + left + right - kEff + 1;
  if (out < 1) throw layerError(layer, `output length ${out} is not positive`);
  return { out, shift: kEff - 1 - left };
}

const rankOf = (layer: Layer) => (layer.className === "Conv1DTranspose" ? 1 : 2);

function geometry(layer: Layer, input: Shape): { c: TransposeConfig; axes: AxisGeometry[]; channels: number } {
  const c = configOf(convTranspose, layer);
  const { spatial, channels } = splitInput(layer, input, c.o);
  const axes = spatial.map((n, k) => axisGeometry(layer, n, c.o.kernel[k]!, c.o.strides[k]!, c.o.dilation[k]!, c.o.padding, c.outputPadding[k]!));
  return { c, axes, channels };
}

export const convTranspose: LayerEmitter<TransposeConfig> = {
  classNames: ["Conv1DTranspose", "Conv2DTranspose"],
  docs: "Convolution",
  parseConfig(layer) {
    const rank = rankOf(layer);
    const o = convOptions(layer, rank);
    if (o.padding === "causal") throw layerError(layer, 'padding "causal" is not defined for transposed convolutions');
    const spec = layer.config["output_padding"] ?? null;
    const list = spec === null ? Array.from({ length: rank }, () => null) : typeof spec === "number" ? Array.from({ length: rank }, () => spec) : spec;
    if (!Array.isArray(list) || list.length !== rank || !list.every((p) => p === null || (Number.isInteger(p) && p >= 0))) {
      throw layerError(layer, `output_padding must be None, an integer or ${rank} integers, got ${JSON.stringify(spec)}`);
    }
    return { o, filters: intParam(layer, "filters"), outputPadding: list as (number | null)[], useBias: boolParam(layer, "use_bias", true) };
  },
  outputShapes(layer, [input]) {
    const { c, axes } = geometry(layer, input!);
    const spatial = axes.map((a) => a.out);
    return [c.o.channelsFirst ? [c.filters, ...spatial] : [...spatial, c.filters]];
  },
  weightSpecs(layer, [input]) {
    const { c, channels } = geometry(layer, input!);
    return [
      { name: "kernel", shape: [...c.o.kernel, c.filters, channels], slices: [`kernel taps × ${c.filters} filters × ${channels} input channels`] },
      ...(c.useBias ? [{ name: "bias", shape: [c.filters], slices: ["one per filter"] }] : []),
    ];
  },
  emit(call, ctx) {
    const layer = call.layer;
    const { c, axes, channels } = geometry(layer, ctx.shape(call.inputs[0]!));
    // --weights int8: one scale per filter (the output channel), the kernel's second-to-last axis.
    const kernel = ctx.weight(layer, 0, "kernel", undefined, { count: c.filters, stride: channels });
    const bias = c.useBias ? ctx.weight(layer, 1, "bias") : "null";
    withChannelsLast(ctx, call, c.o, (x, inShape, out) => {
      // A 1-D layer runs as 2-D with a height of 1.
      const one = { out: 1, shift: 0 };
      const [gh, gw] = c.o.rank === 1 ? [one, axes[0]!] : [axes[0]!, axes[1]!];
      const [h, w] = c.o.rank === 1 ? [1, inShape[0]!] : [inShape[0]!, inShape[1]!];
      const pair = (v: readonly number[]) => (c.o.rank === 1 ? `1, ${v[0]}` : v.join(", "));
      ctx.line(`// kernel ${c.o.kernel.join("×")}, strides ${c.o.strides.join("×")}, padding ${c.o.padding}: output cropped by ${axes.map((a) => a.shift).join("×")} from the start`);
      ctx.line(`${ctx.rt("convTranspose2d")}(${x}, ${h}, ${w}, ${channels}, ${kernel}, ${bias}, ${out}, ${gh.out}, ${gw.out}, ${c.filters}, ` +
        `${pair(c.o.kernel)}, ${pair(c.o.strides)}, ${pair(c.o.dilation)}, ${gh.shift}, ${gw.shift});`);
    });
    activateOutput(ctx, layer, layer.config["activation"], ctx.buffer(call.outputs[0]!), ctx.shape(call.outputs[0]!));
  },
};
