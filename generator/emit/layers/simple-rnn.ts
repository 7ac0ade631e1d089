/** SimpleRNN: kernel (F, u), recurrent kernel (u, u), bias (u); h' = act(x·W + h·U + b). */
import { inputKernel } from "./input-kernel.js";
import type { LayerEmitter, WeightSpec } from "./types.js";
import { boolParam, intParam } from "./config.js";
import { checkCellActivations, emitRnnCall, rnnOutputShapes, type CellKind } from "./recurrent.js";
import { normalizeRnnConfig } from "./rnn-config.js";

export const simpleRnnCell: CellKind = {
  stateLabels: () => ["h"],
  units: (layer) => intParam(layer, "units"),
  weightSpecs(layer, inputDim): WeightSpec[] {
    const u = intParam(layer, "units");
    const specs: WeightSpec[] = [
      { name: "kernel", shape: [inputDim, u], slices: [`rows: input features, columns: ${u} units`] },
      { name: "recurrent_kernel", shape: [u, u], slices: [`rows: previous state h, columns: ${u} units`] },
    ];
    if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [u], slices: ["one per unit"] });
    return specs;
  },
  stepBody(layer, ctx, { x, states: [h], inputDim, weightOffset }) {
    const u = intParam(layer, "units");
    const { kernel, product } = inputKernel(ctx, layer, weightOffset, x);
    const recurrent = ctx.weightTransposed(layer, weightOffset + 1, "recurrent_kernel");
    const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, weightOffset + 2, "bias") : "null";
    const act = ctx.activation(layer, layer.config["activation"] ?? "tanh").scalar!;
    const z = ctx.scratch(layer, "z", [u]);
    return [
      `// z = x·W + b + h·U`,
      `${product}(${x}, xo, 1, ${inputDim}, ${kernel}, ${bias}, ${z}, 0, ${u});`,
      `${ctx.rt("addMatVecT")}(${h}, 0, ${u}, ${recurrent}, 0, ${z}, 0, ${u});`,
      `for (let j = 0; j < ${u}; j++) ${h}[j] = ${act(`${z}[j]!`)};`,
    ];
  },
};

export const simpleRnn: LayerEmitter = {
  classNames: ["SimpleRNN"],
  mask: "recurrent",
  takesInitialState: true,
  normalizeConfig: (c, context) => normalizeRnnConfig(c, context, false),
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    checkCellActivations(layer, info, { activation: "tanh" });
    return rnnOutputShapes(layer, input!, intParam(layer, "units"), 1);
  },
  weightSpecs: (layer, [input], info) => simpleRnnCell.weightSpecs(layer, Number(input![1]), info),
  emit: (call, ctx) => emitRnnCall(call, ctx, simpleRnnCell),
};
