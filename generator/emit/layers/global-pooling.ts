/**
 * GlobalMax/AveragePooling1D/2D: one value per channel over all positions; keepdims keeps size-1
 * axes. A masked GlobalAveragePooling1D averages the unmasked steps only.
 */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";
import { boolParam, fixedDim } from "./config.js";
import { emitTranspose, toChannelsLast } from "./layout.js";
import { inputMask } from "./recurrent.js";
import type { LayerEmitter } from "./types.js";
import { channelsFirst, refuseKeras1Keys } from "./window.js";

const rankOf = (layer: Layer) => (layer.className.endsWith("1D") ? 1 : 2);

export const globalPooling: LayerEmitter = {
  classNames: ["GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D"],
  // Keras averages only the unmasked steps; max pooling ignores the mask.
  mask: (layer) => (layer.className === "GlobalAveragePooling1D" ? "read" : "drop"),
  docs: "Pooling",
  outputShapes(layer, [input]) {
    refuseKeras1Keys(layer);
    const rank = rankOf(layer);
    if (input!.length !== rank + 1) throw layerError(layer, `expects inputs of rank ${rank + 2} (with batch), got ${input!.length + 1}`);
    const first = channelsFirst(layer);
    const c = fixedDim(layer, first ? input![0] : input![rank], "the channel dimension");
    if (!boolParam(layer, "keepdims", false)) return [[c]];
    const ones = Array.from({ length: rank }, () => 1);
    return [first ? [c, ...ones] : [...ones, c]];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const shape = ctx.shape(call.inputs[0]!);
    let x = ctx.buffer(call.inputs[0]!);
    const first = channelsFirst(layer);
    const c = Number(first ? shape[0] : shape[shape.length - 1]);
    const positions = ctx.size(first ? shape.slice(1) : shape.slice(0, -1));
    if (first) {
      // channels_first: gather each position's channels together first.
      const last = ctx.scratch(layer, "x_last", [...shape.slice(1), c]);
      emitTranspose(ctx, x, shape, toChannelsLast(shape.length), last);
      x = last;
    }
    const out = ctx.buffer(call.outputs[0]!);
    // Keras averages only the unmasked steps; max pooling ignores the mask.
    const mask = layer.className === "GlobalAveragePooling1D" ? inputMask(call, ctx) : undefined;
    if (mask) ctx.line(`${ctx.rt("globalAvgPoolMasked")}(${x}, ${positions}, ${c}, ${mask}, ${out});`);
    else ctx.line(`${ctx.rt(layer.className.startsWith("GlobalMax") ? "globalMaxPool" : "globalAvgPool")}(${x}, ${positions}, ${c}, ${out});`);
  },
};
