/**
 * Masking(mask_value): a step whose features all equal mask_value (compared in float32, as Keras
 * does) is masked: zeroed in the output and marked 0 in the mask attached to the output.
 */
import { formatFloat32 } from "../float32.js";
import { lastDim, numParam } from "./config.js";
import { configOf } from "./parsed-config.js";
import type { LayerEmitter } from "./types.js";

export const masking: LayerEmitter<{ readonly maskValue: number }> = {
  classNames: ["Masking"],
  mask: "create",
  docs: "Core",
  parseConfig: (layer) => ({ maskValue: numParam(layer, "mask_value", 0) }),
  outputShapes(layer, [input]) {
    lastDim(layer, input!);
    configOf(masking, layer);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const input = ctx.shape(call.inputs[0]!);
    const out = call.outputs[0]!;
    const attached = ctx.maskOf(out);
    // Without a consumer the mask still has to go somewhere: a scratch row of flags.
    const mask = attached !== undefined ? ctx.buffer(attached) : ctx.scratch(layer, "mask", input.slice(0, -1));
    const value = formatFloat32(configOf(masking, layer).maskValue);
    const args = [ctx.buffer(call.inputs[0]!), ctx.size(input.slice(0, -1)), lastDim(layer, input), value, ctx.buffer(out), mask];
    ctx.line(`${ctx.rt("maskSteps")}(${args.join(", ")});`);
  },
};
