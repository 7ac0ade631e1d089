/** Activation, LeakyReLU, ELU layers (Softmax: softmax.ts, ReLU: rectifiers.ts): an activation applied to a copy of the input. */
import type { Call } from "../../ir/types.js";
import type { EmitContext, LayerEmitter } from "./types.js";
import { lastDim, numParam } from "./config.js";
import { applyActivation } from "./apply-activation.js";

/** The activation spec a layer of these classes stands for. */
function activationSpec(call: Call): unknown {
  const layer = call.layer;
  const c = layer.config;
  switch (layer.className) {
    case "Activation":
      return c["activation"];
    case "LeakyReLU":
      // The layer's default slope (0.3) differs from the leaky_relu activation's (0.2).
      return { class_name: "leaky_relu", config: { negative_slope: numParam(layer, "negative_slope", numParam(layer, "alpha", 0.3)) } };
    case "ELU":
      return { class_name: "elu", config: { alpha: numParam(layer, "alpha", 1) } };
    default:
      return "linear";
  }
}

export const activationLayer: LayerEmitter = {
  classNames: ["Activation", "LeakyReLU", "ELU"],
  mask: "pass",
  lastAxisOnly: true,
  docs: { Activation: "Core", LeakyReLU: "Activation layers", ELU: "Activation layers" },
  outputShapes: (_layer, inputs) => [inputs[0]!],
  weightSpecs: () => [],
  emit(call: Call, ctx: EmitContext) {
    const input = ctx.shape(call.inputs[0]!);
    const n = lastDim(call.layer, input);
    const rows = ctx.size(input.slice(0, -1));
    const x = ctx.buffer(call.inputs[0]!);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${ctx.rt("copy")}(${x}, 0, ${out}, 0, ${ctx.size(input)});`);
    applyActivation(ctx, call.layer, activationSpec(call), out, rows, n);
  },
};
