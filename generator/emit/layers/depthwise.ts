/**
 * DepthwiseConv1D/2D (kernel (…k, C, M): channel c gets M filters, output channel c·M + m) and
 * SeparableConv1D/2D (that depthwise step without bias, then a pointwise kernel (…1, C·M, filters)
 * applied like a Dense layer, then one bias (filters,)).
 */
import type { Call, Layer, Shape } from "../../ir/types.js";
import { boolParam, intParam } from "./config.js";
import { activateOutput } from "./activate-output.js";
import { convOptions, describeWindow, joinOutput, splitInput, windows, withChannelsLast, type ConvOptions } from "./conv.js";
import type { EmitContext, LayerEmitter, WeightSpec } from "./types.js";
import type { Channels } from "../int8.js";
import { emitLengthChecks } from "./window.js";

const rankOf = (layer: Layer) => (layer.className.endsWith("1D") ? 1 : 2);
const isSeparable = (layer: Layer) => layer.className.startsWith("Separable");
const multiplier = (layer: Layer) => intParam(layer, "depth_multiplier", 1);

/** `--weights int8`: one scale per output channel c·M + m, the kernel's last two axes. */
function depthwiseChannels(layer: Layer): Channels {
  const shape = layer.weights[0]!.shape;
  return { count: shape[shape.length - 2]! * shape[shape.length - 1]!, stride: 1 };
}

/** Emits the depthwise step from x into `out` (channels_last shapes). */
function emitDepthwise(ctx: EmitContext, layer: Layer, o: ConvOptions, x: string, inShape: Shape, out: string, outShape: Shape, kernel: string, bias: string): void {
  const c = Number(inShape[o.rank]);
  const m = multiplier(layer);
  const g = windows(layer, inShape.slice(0, -1), o);
  emitLengthChecks(ctx, layer, inShape.slice(0, -1), g);
  ctx.line(`// depthwise, multiplier ${m}: ${describeWindow(o, g)}`);
  if (o.rank === 1) {
    ctx.line(`${ctx.rt("depthwiseConv1d")}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${c}, ${kernel}, ${m}, ${bias}, ${out}, ${ctx.dim(outShape[0]!)}, ` +
      `${o.kernel[0]}, ${o.strides[0]}, ${o.dilation[0]}, ${g[0]!.padBefore});`);
  } else {
    ctx.line(`${ctx.rt("depthwiseConv2d")}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${ctx.dim(inShape[1]!)}, ${c}, ${kernel}, ${m}, ${bias}, ` +
      `${out}, ${ctx.dim(outShape[0]!)}, ${ctx.dim(outShape[1]!)}, ${o.kernel.join(", ")}, ${o.strides.join(", ")}, ${o.dilation.join(", ")}, ` +
      `${g[0]!.padBefore}, ${g[1]!.padBefore});`);
  }
}

function emitCall(call: Call, ctx: EmitContext): void {
  const layer = call.layer;
  const o = convOptions(layer, rankOf(layer));
  const useBias = boolParam(layer, "use_bias", true);
  if (!isSeparable(layer)) {
    const kernel = ctx.weight(layer, 0, "kernel", undefined, depthwiseChannels(layer));
    const bias = useBias ? ctx.weight(layer, 1, "bias") : "null";
    withChannelsLast(ctx, call, o, (x, inShape, out, outShape) => emitDepthwise(ctx, layer, o, x, inShape, out, outShape, kernel, bias));
  } else {
    const depthwise = ctx.weight(layer, 0, "depthwise_kernel", undefined, depthwiseChannels(layer));
    const pointwise = ctx.weight(layer, 1, "pointwise_kernel");
    const bias = useBias ? ctx.weight(layer, 2, "bias") : "null";
    const filters = intParam(layer, "filters");
    withChannelsLast(ctx, call, o, (x, inShape, out, outShape) => {
      const cm = Number(inShape[o.rank]) * multiplier(layer);
      const positions = outShape.slice(0, -1);
      const mid = ctx.scratch(layer, "depthwise", [...positions, cm]);
      emitDepthwise(ctx, layer, o, x, inShape, mid, [...positions, cm], depthwise, "null");
      ctx.line(`// pointwise: ${cm} → ${filters} channels at every position`);
      ctx.line(`${ctx.rt("dense")}(${mid}, 0, ${ctx.size(positions)}, ${cm}, ${pointwise}, ${bias}, ${out}, 0, ${filters});`);
    });
  }
  activateOutput(ctx, layer, layer.config["activation"], ctx.buffer(call.outputs[0]!), ctx.shape(call.outputs[0]!));
}

export const depthwise: LayerEmitter = {
  classNames: ["DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"],
  docs: "Convolution",
  outputShapes(layer, [input]) {
    const o = convOptions(layer, rankOf(layer));
    const { spatial, channels } = splitInput(layer, input!, o);
    const outChannels = isSeparable(layer) ? intParam(layer, "filters") : channels * multiplier(layer);
    return [joinOutput(o, windows(layer, spatial, o), outChannels)];
  },
  weightSpecs(layer, [input]) {
    const o = convOptions(layer, rankOf(layer));
    const { channels } = splitInput(layer, input!, o);
    const m = multiplier(layer);
    const depthwiseSpec = (name: string): WeightSpec => ({
      name,
      shape: [...o.kernel, channels, m],
      slices: [`kernel taps × ${channels} input channels × ${m} filters each (output channel c·${m} + m)`],
    });
    if (!isSeparable(layer)) {
      const specs = [depthwiseSpec("kernel")];
      if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [channels * m], slices: ["one per output channel"] });
      return specs;
    }
    const filters = intParam(layer, "filters");
    const specs = [
      depthwiseSpec("depthwise_kernel"),
      { name: "pointwise_kernel", shape: [...o.kernel.map(() => 1), channels * m, filters], slices: [`rows: ${channels * m} depthwise channels, columns: ${filters} filters`] },
    ];
    if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [filters], slices: ["one per filter"] });
    return specs;
  },
  emit: emitCall,
};
