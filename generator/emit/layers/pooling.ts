/**
 * MaxPooling1D/2D and AveragePooling1D/2D: windows of pool_size moved by strides (default: the pool
 * size). Padded positions never count: max ignores them, average divides by the real ones.
 */
import type { Layer } from "../../ir/types.js";
import { describeWindow, joinOutput, splitInput, windows, withChannelsLast, type ConvOptions } from "./conv.js";
import type { LayerEmitter } from "./types.js";
import { channelsFirst, emitLengthChecks, paddingParam, refuseKeras1Keys, tupleParam } from "./window.js";

const rankOf = (layer: Layer) => (layer.className.endsWith("1D") ? 1 : 2);

function poolOptions(layer: Layer): ConvOptions {
  refuseKeras1Keys(layer);
  const rank = rankOf(layer);
  const pool = tupleParam(layer, "pool_size", rank, 2);
  return {
    rank,
    kernel: pool,
    // strides None means the pool size.
    strides: tupleParam(layer, "strides", rank, pool),
    dilation: pool.map(() => 1),
    padding: paddingParam(layer, ["valid", "same"]),
    channelsFirst: channelsFirst(layer),
  };
}

export const pooling: LayerEmitter = {
  classNames: ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D"],
  docs: "Pooling",
  outputShapes(layer, [input]) {
    const o = poolOptions(layer);
    const { spatial, channels } = splitInput(layer, input!, o);
    return [joinOutput(o, windows(layer, spatial, o), channels)];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const o = poolOptions(layer);
    const kind = layer.className.startsWith("Max") ? "max" : "avg";
    withChannelsLast(ctx, call, o, (x, inShape, out, outShape) => {
      const c = Number(inShape[o.rank]);
      const g = windows(layer, inShape.slice(0, -1), o);
      emitLengthChecks(ctx, layer, inShape.slice(0, -1), g);
      ctx.line(`// ${describeWindow(o, g, "pool")}`);
      if (o.rank === 1) {
        ctx.line(`${ctx.rt(`${kind}Pool1d`)}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${c}, ${out}, ${ctx.dim(outShape[0]!)}, ${o.kernel[0]}, ${o.strides[0]}, ${g[0]!.padBefore});`);
      } else {
        ctx.line(`${ctx.rt(`${kind}Pool2d`)}(${x}, 0, ${ctx.dim(inShape[0]!)}, ${ctx.dim(inShape[1]!)}, ${c}, ${out}, ${ctx.dim(outShape[0]!)}, ` +
          `${ctx.dim(outShape[1]!)}, ${o.kernel.join(", ")}, ${o.strides.join(", ")}, ${g[0]!.padBefore}, ${g[1]!.padBefore});`);
      }
    });
  },
};
