/** Dense: kernel (in, units) applied along the last axis, optional bias, then the activation. */
import type { LayerEmitter } from "./types.js";
import { boolParam, intParam, lastDim } from "./config.js";
import { applyActivation } from "./apply-activation.js";
import { inputKernel } from "./input-kernel.js";
import { configOf } from "./parsed-config.js";

interface DenseConfig {
  readonly units: number;
  readonly useBias: boolean;
  readonly activation: unknown;
}

export const dense: LayerEmitter<DenseConfig> = {
  classNames: ["Dense"],
  docs: "Core",
  mask: "pass",
  lastAxisOnly: true,
  parseConfig: (layer) => ({
    units: intParam(layer, "units"),
    useBias: boolParam(layer, "use_bias", true),
    activation: layer.config["activation"],
  }),
  outputShapes(layer, [input]) {
    lastDim(layer, input!);
    return [[...input!.slice(0, -1), configOf(dense, layer).units]];
  },
  weightSpecs(layer, [input]) {
    const { units, useBias } = configOf(dense, layer);
    const specs = [{ name: "kernel", shape: [lastDim(layer, input!), units], slices: [`rows: input features, columns: ${units} units`] }];
    if (useBias) specs.push({ name: "bias", shape: [units], slices: ["one per unit"] });
    return specs;
  },
  emit(call, ctx) {
    const layer = call.layer;
    const { units: m, useBias, activation } = configOf(dense, layer);
    const input = ctx.shape(call.inputs[0]!);
    const n = lastDim(layer, input);
    const rows = ctx.size(input.slice(0, -1));
    const x = ctx.buffer(call.inputs[0]!);
    const { kernel, product } = inputKernel(ctx, layer, 0, x);
    const bias = useBias ? ctx.weight(layer, 1, "bias") : "null";
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${product}(${x}, 0, ${rows}, ${n}, ${kernel}, ${bias}, ${out}, 0, ${m});`);
    applyActivation(ctx, layer, activation, out, rows, m);
  },
};
