/**
 * Conv1D and Conv2D: kernel (…kernel_size, cin/groups, filters), optional bias, then the activation.
 * Computed channels_last; a channels_first layer transposes its input in and its output back.
 */
import { layerError } from "../../errors.js";
import type { Call, Dim, Layer, Shape } from "../../ir/types.js";
import { boolParam, fixedDim, intParam } from "./config.js";
import { activateOutput } from "./activate-output.js";
import { emitTranspose, permuted, toChannelsFirst, toChannelsLast } from "./layout.js";
import type { EmitContext, LayerEmitter, WeightSpec } from "./types.js";
import { channelsFirst, emitLengthChecks, paddingParam, refuseKeras1Keys, tupleParam, windowGeometry, type Padding, type WindowGeometry } from "./window.js";

/** The sliding-window options common to convolution layers, for `rank` spatial dimensions. */
export interface ConvOptions {
  readonly rank: number;
  readonly kernel: number[];
  readonly strides: number[];
  readonly dilation: number[];
  readonly padding: Padding;
  readonly channelsFirst: boolean;
}

export function convOptions(layer: Layer, rank: number): ConvOptions {
  refuseKeras1Keys(layer);
  const options = {
    rank,
    kernel: tupleParam(layer, "kernel_size", rank),
    strides: tupleParam(layer, "strides", rank, 1),
    dilation: tupleParam(layer, "dilation_rate", rank, 1),
    padding: paddingParam(layer, rank === 1 ? ["valid", "same", "causal"] : ["valid", "same"]),
    channelsFirst: channelsFirst(layer),
  };
  if (options.strides.some((s, k) => s > 1 && options.dilation[k]! > 1)) {
    throw layerError(layer, "strides > 1 together with dilation_rate > 1 is not supported (Keras refuses it too)");
  }
  return options;
}

/** Spatial dimensions and channel count of an input, in the layer's data format. */
export function splitInput(layer: Layer, input: Shape, o: ConvOptions): { spatial: Dim[]; channels: number } {
  if (input.length !== o.rank + 1) throw layerError(layer, `expects inputs of rank ${o.rank + 2} (with batch), got ${input.length + 1}`);
  const spatial = o.channelsFirst ? input.slice(1) : input.slice(0, -1);
  const channels = fixedDim(layer, o.channelsFirst ? input[0] : input[o.rank], "the channel dimension");
  return { spatial, channels };
}

export function windows(layer: Layer, spatial: readonly Dim[], o: ConvOptions): WindowGeometry[] {
  return spatial.map((n, k) => windowGeometry(layer, n, o.kernel[k]!, o.strides[k]!, o.dilation[k]!, o.padding));
}

/** The output shape in the layer's data format. */
export function joinOutput(o: ConvOptions, geometry: readonly WindowGeometry[], channels: number): Dim[] {
  const spatial = geometry.map((g) => g.out);
  return o.channelsFirst ? [channels, ...spatial] : [...spatial, channels];
}

/** A human-readable summary of the window options, for a comment in the generated code. */
export function describeWindow(o: ConvOptions, geometry: readonly WindowGeometry[], what = "kernel"): string {
  const t = (v: readonly number[]) => (v.length === 1 ? String(v[0]) : `(${v.join(", ")})`);
  const dilation = o.dilation.every((d) => d === 1) ? "" : `, dilation ${t(o.dilation)}`;
  return `${what} ${t(o.kernel)}, strides ${t(o.strides)}${dilation}, padding ${o.padding} (${t(geometry.map((g) => g.padBefore))} before)`;
}

/**
 * Runs `body` on channels_last buffers: for channels_first layers, the input is transposed into a
 * scratch buffer first and the result transposed into the output afterwards.
 */
export function withChannelsLast(
  ctx: EmitContext, call: Call, o: ConvOptions,
  body: (x: string, inShape: Shape, out: string, outShape: Shape) => void,
): void {
  const layer = call.layer;
  const inShape = ctx.shape(call.inputs[0]!);
  const outShape = ctx.shape(call.outputs[0]!);
  const x = ctx.buffer(call.inputs[0]!);
  const out = ctx.buffer(call.outputs[0]!);
  if (!o.channelsFirst) return body(x, inShape, out, outShape);
  const r = inShape.length;
  const xLast = ctx.scratch(layer, "x_last", permuted(inShape, toChannelsLast(r)));
  const outLast = ctx.scratch(layer, "out_last", permuted(outShape, toChannelsLast(r)));
  ctx.line("// channels_first: compute in channels_last order");
  emitTranspose(ctx, x, inShape, toChannelsLast(r), xLast);
  body(xLast, permuted(inShape, toChannelsLast(r)), outLast, permuted(outShape, toChannelsLast(r)));
  emitTranspose(ctx, outLast, permuted(outShape, toChannelsLast(r)), toChannelsFirst(r), out);
}

function groupsOf(layer: Layer, channels: number, filters: number): number {
  const groups = intParam(layer, "groups", 1);
  if (channels % groups !== 0 || filters % groups !== 0) {
    throw layerError(layer, `groups=${groups} must divide both the input channels (${channels}) and filters (${filters})`);
  }
  return groups;
}

const rankOf = (layer: Layer) => (layer.className === "Conv1D" ? 1 : 2);

export const conv: LayerEmitter = {
  classNames: ["Conv1D", "Conv2D"],
  docs: "Convolution",
  outputShapes(layer, [input]) {
    const o = convOptions(layer, rankOf(layer));
    const { spatial, channels } = splitInput(layer, input!, o);
    const filters = intParam(layer, "filters");
    groupsOf(layer, channels, filters);
    return [joinOutput(o, windows(layer, spatial, o), filters)];
  },
  weightSpecs(layer, [input]) {
    const o = convOptions(layer, rankOf(layer));
    const { channels } = splitInput(layer, input!, o);
    const filters = intParam(layer, "filters");
    const groups = groupsOf(layer, channels, filters);
    const specs: WeightSpec[] = [{
      name: "kernel",
      shape: [...o.kernel, channels / groups, filters],
      slices: [`kernel taps × ${channels / groups} input channels per group × ${filters} filters${groups > 1 ? ` (${groups} groups of ${filters / groups} filters)` : ""}`],
    }];
    if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [filters], slices: ["one per filter"] });
    return specs;
  },
  emit(call, ctx) {
    const layer = call.layer;
    const o = convOptions(layer, rankOf(layer));
    const filters = intParam(layer, "filters");
    const kernel = ctx.weight(layer, 0, "kernel");
    const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, 1, "bias") : "null";
    withChannelsLast(ctx, call, o, (x, inShape, out, outShape) => {
      const cin = Number(inShape[o.rank]);
      const groups = groupsOf(layer, cin, filters);
      const g = windows(layer, inShape.slice(0, -1), o);
      emitLengthChecks(ctx, layer, inShape.slice(0, -1), g);
      ctx.line(`// ${describeWindow(o, g)}${groups > 1 ? `, ${groups} groups` : ""}`);
      if (o.rank === 1) {
        ctx.line(`${ctx.rt("conv1d")}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${cin}, ${kernel}, ${bias}, ${out}, ${ctx.dim(outShape[0]!)}, ${filters}, ` +
          `${o.kernel[0]}, ${o.strides[0]}, ${o.dilation[0]}, ${g[0]!.padBefore}, ${groups});`);
      } else {
        ctx.line(`${ctx.rt("conv2d")}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${ctx.dim(inShape[1]!)}, ${cin}, ${kernel}, ${bias}, ` +
          `${out}, ${ctx.dim(outShape[0]!)}, ${ctx.dim(outShape[1]!)}, ${filters}, ${o.kernel.join(", ")}, ${o.strides.join(", ")}, ` +
          `${o.dilation.join(", ")}, ${g[0]!.padBefore}, ${g[1]!.padBefore}, ${groups});`);
      }
    });
    activateOutput(ctx, layer, layer.config["activation"], ctx.buffer(call.outputs[0]!), ctx.shape(call.outputs[0]!));
  },
};
