/**
 * GRU: kernel (F, 3u), recurrent kernel (u, 3u), gate blocks in Keras order [z, r, h];
 * h' = z·h + (1 − z)·hh. reset_after=True (bias (2, 3u): input row, recurrent row) computes
 * hh = act(x·Wh + b0h + r·(h·Uh + b1h)); reset_after=False (bias (3u)) hh = act(x·Wh + bh + (r·h)·Uh).
 */
import { inputKernel } from "./input-kernel.js";
import type { Layer } from "../../ir/types.js";
import type { EmitContext, LayerEmitter, WeightSpec } from "./types.js";
import { boolParam, intParam } from "./config.js";
import { checkCellActivations, emitRnnCall, rnnOutputShapes, wholeLayerArgs, type CellKind } from "./recurrent.js";
import { normalizeGruConfig } from "./rnn-config.js";

const blockSlices = (u: number, what = "columns") => [
  `${what} [0, ${u}): update gate z`,
  `${what} [${u}, ${2 * u}): reset gate r`,
  `${what} [${2 * u}, ${3 * u}): candidate h`,
];

const resetAfter = (layer: Layer) => boolParam(layer, "reset_after", true);

export const gruCell: CellKind = {
  stateLabels: () => ["h"],
  units: (layer) => intParam(layer, "units"),
  weightSpecs(layer, inputDim): WeightSpec[] {
    const u = intParam(layer, "units");
    const specs: WeightSpec[] = [
      { name: "kernel", shape: [inputDim, 3 * u], slices: blockSlices(u) },
      { name: "recurrent_kernel", shape: [u, 3 * u], slices: blockSlices(u) },
    ];
    if (!boolParam(layer, "use_bias", true)) return specs;
    if (resetAfter(layer)) {
      const rows = ["row 0: input-side biases (added to x·W)", "row 1: recurrent-side biases (added to h·U, before r for the candidate)"];
      specs.push({ name: "bias", shape: [2, 3 * u], slices: [...rows, ...blockSlices(u)] });
    } else {
      specs.push({ name: "bias", shape: [3 * u], slices: blockSlices(u, "entries") });
    }
    return specs;
  },
  stepBody(layer, ctx, { x, states: [h], inputDim, weightOffset }) {
    const u = intParam(layer, "units");
    const act = ctx.activation(layer, layer.config["activation"] ?? "tanh");
    const rec = ctx.activation(layer, layer.config["recurrent_activation"] ?? "sigmoid");
    const step: Step = {
      ctx,
      x,
      h: h!,
      inputDim,
      u,
      gx: ctx.scratch(layer, "gx", [3 * u]),
      ...inputKernel(ctx, layer, weightOffset, x),
      recurrent: ctx.weightTransposed(layer, weightOffset + 1, "recurrent_kernel"),
      bias: boolParam(layer, "use_bias", true) ? ctx.weight(layer, weightOffset + 2, "bias") : null,
      act: act.scalar!,
      rec: rec.scalar!,
      defaults: act.name === "tanh" && rec.name === "sigmoid",
    };
    return resetAfter(layer) ? resetAfterStep(step, ctx.scratch(layer, "gh", [3 * u])) : resetBeforeStep(step, ctx.scratch(layer, "rh", [u]));
  },
  sequenceCall(layer, ctx, ids) {
    const args = wholeLayerArgs(layer, ctx, ids);
    const [h] = ids.states;
    return args && `${ctx.rt("gruLayerWasm")}(${args.head}, ${resetAfter(layer)}, ${args.recurrent}, ${h}, ${intParam(layer, "units")}, ${args.out})`;
  },
};

/** What a GRU step's code is made of: buffer, weight and activation names. */
interface Step {
  readonly ctx: EmitContext;
  readonly x: string;
  readonly h: string;
  readonly inputDim: number;
  readonly u: number;
  /** Scratch (3u): the input projection, blocks [z, r, h]. */
  readonly gx: string;
  readonly kernel: string;
  /** The runtime product for the input kernel's layout (`dense` or `denseT`). */
  readonly product: string;
  readonly recurrent: string;
  readonly bias: string | null;
  readonly act: (x: string) => string;
  readonly rec: (x: string) => string;
  /** tanh and sigmoid (Keras' defaults): activations run through the runtime's range functions. */
  readonly defaults: boolean;
}

/** reset_after=True: both projections first; the reset gate scales the recurrent candidate term. */
function resetAfterStep(s: Step, gh: string): string[] {
  const { ctx, x, h, u, gx, bias } = s;
  return [
    `// gx = x·W + b_input, gh = h·U + b_recurrent; blocks [z, r, h]`,
    `${s.product}(${x}, xo, 1, ${s.inputDim}, ${s.kernel}, null, ${gx}, 0, ${3 * u});`,
    `${ctx.rt("denseT")}(${h}, 0, 1, ${u}, ${s.recurrent}, null, ${gh}, 0, ${3 * u});`,
    // The (2, 3u) bias is one array: the input row at [0, 3u), the recurrent row at [3u, 6u).
    ...(bias ? [`for (let j = 0; j < ${3 * u}; j++) {`, `  ${gx}[j]! += ${bias}[j]!;`, `  ${gh}[j]! += ${bias}[j + ${3 * u}]!;`, `}`] : []),
    ...(s.defaults ? defaultGatesAfter(s, gh) : [
      `for (let j = 0; j < ${u}; j++) {`,
      `  const z = ${s.rec(`${gx}[j]! + ${gh}[j]!`)};`,
      `  const r = ${s.rec(`${gx}[j + ${u}]! + ${gh}[j + ${u}]!`)};`,
      `  const hh = ${s.act(`${gx}[j + ${2 * u}]! + r * ${gh}[j + ${2 * u}]!`)};`,
      `  ${h}[j] = z * ${h}[j]! + (1 - z) * hh;`,
      `}`,
    ]),
  ];
}

/**
 * The same gates with sigmoid and tanh through sigmoidRange/tanhRange (one call site each, which V8
 * inlines; called per unit, the third site missed its inlining budget and boxed every value): the
 * same operations on the same values, so the same bits.
 */
function defaultGatesAfter(s: Step, gh: string): string[] {
  const { ctx, h, u, gx } = s;
  return [
    `for (let j = 0; j < ${2 * u}; j++) ${gx}[j]! += ${gh}[j]!;`,
    `${ctx.rt("sigmoidRange")}(${gx}, 0, ${2 * u});`,
    `for (let j = 0; j < ${u}; j++) ${gx}[j + ${2 * u}]! += ${gx}[j + ${u}]! * ${gh}[j + ${2 * u}]!;`,
    `${ctx.rt("tanhRange")}(${gx}, ${2 * u}, ${3 * u});`,
    ...gruUpdate(s),
  ];
}

/** h' = z·h + (1 − z)·hh with z in block 0 and hh in block 2 of gx. */
function gruUpdate({ h, u, gx }: Step): string[] {
  return [`for (let j = 0; j < ${u}; j++) {`, `  const z = ${gx}[j]!;`, `  ${h}[j] = z * ${h}[j]! + (1 - z) * ${gx}[j + ${2 * u}]!;`, `}`];
}

/** reset_after=False: the reset gate scales h before it meets the candidate's recurrent kernel. */
function resetBeforeStep(s: Step, rh: string): string[] {
  const { ctx, x, h, u, gx } = s;
  const rows = ctx.rt("addMatVecT");
  return [
    `// gx = x·W + b + h·U for blocks [z, r]; the candidate block gets (r·h)·U_h`,
    `${s.product}(${x}, xo, 1, ${s.inputDim}, ${s.kernel}, ${s.bias ?? "null"}, ${gx}, 0, ${3 * u});`,
    `${rows}(${h}, 0, ${u}, ${s.recurrent}, 0, ${gx}, 0, ${2 * u});`,
    ...(s.defaults
      ? [`${ctx.rt("sigmoidRange")}(${gx}, 0, ${2 * u});`, `for (let j = 0; j < ${u}; j++) ${rh}[j] = ${gx}[j + ${u}]! * ${h}[j]!;`]
      : [
          `for (let j = 0; j < ${u}; j++) {`,
          `  ${gx}[j] = ${s.rec(`${gx}[j]!`)};`,
          `  ${rh}[j] = ${s.rec(`${gx}[j + ${u}]!`)} * ${h}[j]!;`,
          `}`,
        ]),
    `${rows}(${rh}, 0, ${u}, ${s.recurrent}, ${2 * u * u}, ${gx}, ${2 * u}, ${u});`,
    ...(s.defaults
      ? [`${ctx.rt("tanhRange")}(${gx}, ${2 * u}, ${3 * u});`, ...gruUpdate(s)]
      : [
          `for (let j = 0; j < ${u}; j++) {`,
          `  const z = ${gx}[j]!;`,
          `  ${h}[j] = z * ${h}[j]! + (1 - z) * ${s.act(`${gx}[j + ${2 * u}]!`)};`,
          `}`,
        ]),
  ];
}

export const gru: LayerEmitter = {
  classNames: ["GRU"],
  mask: "recurrent",
  takesInitialState: true,
  normalizeConfig: normalizeGruConfig,
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    checkCellActivations(layer, info, { activation: "tanh", recurrent_activation: "sigmoid" });
    return rnnOutputShapes(layer, input!, intParam(layer, "units"), 1);
  },
  weightSpecs: (layer, [input], info) => gruCell.weightSpecs(layer, Number(input![1]), info),
  emit: (call, ctx) => emitRnnCall(call, ctx, gruCell),
};
