/** Dense: kernel (in, units) applied along the last axis, optional bias, then the activation. */
import type { LayerEmitter } from "./types.js";
import { boolParam, intParam, lastDim } from "./config.js";
import { applyActivation } from "./apply-activation.js";

export const dense: LayerEmitter = {
  classNames: ["Dense"],
  outputShapes(layer, [input]) {
    lastDim(layer, input!);
    return [[...input!.slice(0, -1), intParam(layer, "units")]];
  },
  weightSpecs(layer, [input]) {
    const units = intParam(layer, "units");
    const specs = [{ name: "kernel", shape: [lastDim(layer, input!), units], slices: [`rows: input features, columns: ${units} units`] }];
    if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [units], slices: ["one per unit"] });
    return specs;
  },
  emit(call, ctx) {
    const layer = call.layer;
    const input = ctx.shape(call.inputs[0]!);
    const n = lastDim(layer, input);
    const m = intParam(layer, "units");
    const rows = ctx.size(input.slice(0, -1));
    // A model input may be one-hot: Keras' layout lets `dense` skip zero inputs (one row per
    // nonzero). Computed activations are dense: the transposed kernel gives contiguous dot products.
    const sparse = ctx.inputName(call.inputs[0]!) !== undefined;
    const kernel = sparse ? ctx.weight(layer, 0, "kernel") : ctx.weightTransposed(layer, 0, "kernel");
    const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, 1, "bias") : "null";
    const x = ctx.buffer(call.inputs[0]!);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${ctx.rt(sparse ? "dense" : "denseT")}(${x}, 0, ${rows}, ${n}, ${kernel}, ${bias}, ${out}, 0, ${m});`);
    applyActivation(ctx, layer, layer.config["activation"], out, rows, m);
  },
};
