/**
 * LSTM: kernel (F, 4u), recurrent kernel (u, 4u), bias (4u), gate blocks in Keras order
 * [i, f, c, o]: c' = f·c + i·act(z_c), h' = o·act(c'), gates through recurrent_activation.
 */
import { inputKernel } from "./input-kernel.js";
import type { Layer } from "../../ir/types.js";
import { boolParam, intParam } from "./config.js";
import { checkCellActivations, emitRnnCall, rnnOutputShapes, wholeLayerArgs, type CellKind } from "./recurrent.js";
import type { LayerEmitter, WeightSpec } from "./types.js";
import { normalizeRnnConfig } from "./rnn-config.js";

const gateSlices = (u: number) => [
  `columns [0, ${u}): input gate i`,
  `columns [${u}, ${2 * u}): forget gate f`,
  `columns [${2 * u}, ${3 * u}): cell candidate c`,
  `columns [${3 * u}, ${4 * u}): output gate o`,
];

export const lstmCell: CellKind = {
  stateLabels: () => ["h", "c"],
  units: (layer) => intParam(layer, "units"),
  weightSpecs(layer: Layer, inputDim: number): WeightSpec[] {
    const u = intParam(layer, "units");
    const specs: WeightSpec[] = [
      { name: "kernel", shape: [inputDim, 4 * u], slices: gateSlices(u) },
      { name: "recurrent_kernel", shape: [u, 4 * u], slices: gateSlices(u) },
    ];
    if (boolParam(layer, "use_bias", true)) {
      specs.push({ name: "bias", shape: [4 * u], slices: gateSlices(u).map((s) => s.replace("columns", "entries")) });
    }
    return specs;
  },
  stepBody(layer, ctx, { x, states: [h, c], inputDim, weightOffset }) {
    const u = intParam(layer, "units");
    const { kernel, product } = inputKernel(ctx, layer, weightOffset, x);
    const recurrent = ctx.weightTransposed(layer, weightOffset + 1, "recurrent_kernel");
    const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, weightOffset + 2, "bias") : "null";
    const z = ctx.scratch(layer, "z", [4 * u]);
    const act = ctx.activation(layer, layer.config["activation"] ?? "tanh");
    const rec = ctx.activation(layer, layer.config["recurrent_activation"] ?? "sigmoid");
    const fa = act.scalar!;
    const fr = rec.scalar!;
    const head = [
      `// z = x·W + b + h·U, gate blocks [i, f, c, o]`,
      `${product}(${x}, xo, 1, ${inputDim}, ${kernel}, ${bias}, ${z}, 0, ${4 * u});`,
      `${ctx.rt("addMatVecT")}(${h}, 0, ${u}, ${recurrent}, 0, ${z}, 0, ${4 * u});`,
    ];
    if (act.name === "tanh" && rec.name === "sigmoid") return [...head, `${ctx.rt("lstmGates")}(${z}, 0, ${h}, ${c}, ${u});`];
    return [
      ...head,
      `for (let j = 0; j < ${u}; j++) {`,
      `  const i = ${fr(`${z}[j]!`)};`,
      `  const f = ${fr(`${z}[j + ${u}]!`)};`,
      `  const g = ${fa(`${z}[j + ${2 * u}]!`)};`,
      `  const o = ${fr(`${z}[j + ${3 * u}]!`)};`,
      `  const cj = f * ${c}[j]! + i * g;`,
      `  ${c}[j] = cj;`,
      `  ${h}[j] = o * ${fa("cj")};`,
      `}`,
    ];
  },
  sequenceCall(layer, ctx, ids) {
    const args = wholeLayerArgs(layer, ctx, ids);
    const [h, c] = ids.states;
    return args && `${ctx.rt("lstmLayerWasm")}(${args.head}, ${args.recurrent}, ${h}, ${c}, ${intParam(layer, "units")}, ${args.out})`;
  },
};

export const lstm: LayerEmitter = {
  classNames: ["LSTM"],
  mask: "recurrent",
  takesInitialState: true,
  normalizeConfig: (c, context) => normalizeRnnConfig(c, context, true),
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    checkCellActivations(layer, info, { activation: "tanh", recurrent_activation: "sigmoid" });
    return rnnOutputShapes(layer, input!, intParam(layer, "units"), 2);
  },
  weightSpecs: (layer, [input], info) => lstmCell.weightSpecs(layer, Number(input![1]), info),
  emit: (call, ctx) => emitRnnCall(call, ctx, lstmCell),
};
