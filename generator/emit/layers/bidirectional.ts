/**
 * Bidirectional(LSTM | GRU | SimpleRNN): a forward and a backward run over the same input. The
 * backward layer's sequence is flipped back into time order, then the two are merged (concat, sum,
 * mul, ave) or returned as two outputs (merge_mode None). Outputs: the merged output(s), then the
 * forward states, then the backward states. Weights: the forward cell's, then the backward cell's.
 */
import { layerError } from "../../errors.js";
import type { Call, Layer, Shape } from "../../ir/types.js";
import { boolParam } from "./config.js";
import { gru, gruCell } from "./gru.js";
import { innerContext } from "./inner-context.js";
import { commentText } from "../names.js";
import { lstm, lstmCell } from "./lstm.js";
import { inputMask, runSequence, type CellKind, type SequenceRun } from "./recurrent.js";
import { simpleRnn, simpleRnnCell } from "./simple-rnn.js";
import type { EmitContext, LayerEmitter, ShapeInfo, WeightSpec } from "./types.js";

const CELLS: Readonly<Record<string, { cell: CellKind; emitter: LayerEmitter }>> = {
  LSTM: { cell: lstmCell, emitter: lstm },
  GRU: { cell: gruCell, emitter: gru },
  SimpleRNN: { cell: simpleRnnCell, emitter: simpleRnn },
};

type MergeMode = "concat" | "sum" | "mul" | "ave" | null;

/** Elementwise merges: code combining `a[i]` and `b[i]`. */
const ELEMENTWISE: Readonly<Record<string, (a: string, b: string) => string>> = {
  sum: (a, b) => `${a} + ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  ave: (a, b) => `(${a} + ${b}) / 2`,
};

interface Direction {
  readonly layer: Layer;
  readonly cell: CellKind;
  readonly emitter: LayerEmitter;
}

function directions(layer: Layer): { forward: Direction; backward: Direction } {
  const pick = (key: string): Direction => {
    const inner = layer.inner[key];
    if (!inner) throw layerError(layer, `has no ${key} layer`);
    // hasOwn: a class named "constructor" or "__proto__" must not find Object.prototype members.
    const kind = Object.hasOwn(CELLS, inner.className) ? CELLS[inner.className] : undefined;
    if (!kind) throw layerError(layer, `wraps ${inner.className}; supported: ${Object.keys(CELLS).join(", ")}`);
    return { layer: inner, ...kind };
  };
  const forward = pick("forward");
  const backward = pick("backward");
  if (boolParam(forward.layer, "go_backwards", false) === boolParam(backward.layer, "go_backwards", false)) {
    throw layerError(layer, "the forward and backward layers must have different go_backwards values");
  }
  for (const key of ["return_sequences", "return_state", "stateful"]) {
    if (boolParam(forward.layer, key, false) !== boolParam(backward.layer, key, false)) {
      throw layerError(layer, `the forward and backward layers disagree on ${key}`);
    }
  }
  return { forward, backward };
}

function mergeMode(layer: Layer): MergeMode {
  const mode = layer.config["merge_mode"];
  if (mode === null) return null; // JSON null: Python None, two separate outputs
  if (mode === undefined) return "concat";
  if (mode === "concat" || mode === "sum" || mode === "mul" || mode === "ave") return mode;
  throw layerError(layer, `merge_mode ${JSON.stringify(mode)} is not one of concat, sum, mul, ave, None`);
}

const lastDim = (s: Shape) => s[s.length - 1] as number;

export const bidirectional: LayerEmitter = {
  classNames: ["Bidirectional"],
  mask: "recurrent",
  takesInitialState: true,
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    const { forward, backward } = directions(layer);
    const [fMain, ...fStates] = forward.emitter.outputShapes(forward.layer, [input!], info);
    const [bMain, ...bStates] = backward.emitter.outputShapes(backward.layer, [input!], info);
    const mode = mergeMode(layer);
    let main: Shape[];
    if (mode === null) main = [fMain!, bMain!];
    else if (mode === "concat") main = [[...fMain!.slice(0, -1), lastDim(fMain!) + lastDim(bMain!)]];
    else if (lastDim(fMain!) !== lastDim(bMain!)) {
      throw layerError(layer, `merge_mode "${mode}" needs the same units in both directions, got ${lastDim(fMain!)} and ${lastDim(bMain!)}`);
    } else main = [fMain!];
    return [...main, ...fStates, ...bStates];
  },
  weightSpecs(layer, [input], info) {
    const { forward, backward } = directions(layer);
    return [...cellSpecs(forward, input!, info, "forward_"), ...cellSpecs(backward, input!, info, "backward_")];
  },
  emit: emitBidirectional,
};

function cellSpecs(d: Direction, input: Shape, info: ShapeInfo, prefix: string): WeightSpec[] {
  return d.cell.weightSpecs(d.layer, Number(input[1]), info).map((s) => ({ ...s, name: prefix + s.name }));
}

function emitBidirectional(call: Call, ctx: EmitContext): void {
  const layer = call.layer;
  const { forward, backward } = directions(layer);
  const mode = mergeMode(layer);
  const input = ctx.shape(call.inputs[0]!);
  const sequences = boolParam(forward.layer, "return_sequences", false);
  const uF = forward.cell.units(forward.layer);
  const uB = backward.cell.units(backward.layer);
  const outs = call.outputs.map((v) => ctx.buffer(v));
  const mask = inputMask(call, ctx);
  const half = call.initialState.length / 2;

  // Where each direction writes its per-step outputs; the backward one is flipped into time order.
  let fOut: SequenceRun["sequenceOut"] = null;
  let bOut: SequenceRun["sequenceOut"] = null;
  let backwardSeq: string | undefined;
  if (sequences && mode === "concat") {
    fOut = { buf: outs[0]!, reverse: false, stride: uF + uB, offset: 0 };
    bOut = { buf: outs[0]!, reverse: true, stride: uF + uB, offset: uF };
  } else if (sequences && mode === null) {
    fOut = { buf: outs[0]!, reverse: false, stride: uF, offset: 0 };
    bOut = { buf: outs[1]!, reverse: true, stride: uB, offset: 0 };
  } else if (sequences) {
    backwardSeq = ctx.scratch(layer, "backward_seq", [input[0]!, uB]);
    fOut = { buf: outs[0]!, reverse: false, stride: uF, offset: 0 };
    bOut = { buf: backwardSeq, reverse: true, stride: uB, offset: 0 };
  }

  const run = (d: Direction, weightOffset: number, prefix: string, sequenceOut: SequenceRun["sequenceOut"], init: number[]) =>
    runSequence(innerContext(ctx, { owner: layer, inner: d.layer, weightOffset, labelPrefix: prefix }), {
      layer: d.layer,
      cell: d.cell,
      x: ctx.buffer(call.inputs[0]!),
      inputShape: input,
      backwards: boolParam(d.layer, "go_backwards", false),
      sequenceOut,
      stateful: boolParam(d.layer, "stateful", false),
      initialState: init.map((v) => ctx.buffer(v)),
      weightOffset: 0,
      // Keras forces zero_output_for_mask = return_sequences on both directions.
      ...(mask ? { mask, zeroMasked: sequences } : {}),
    });
  const forwardWeights = forward.cell.weightSpecs(forward.layer, Number(input[1]), { version: ctx.version }).length;
  ctx.line(`// forward: ${commentText(forward.layer.className)}`);
  const fStates = run(forward, 0, "forward_", fOut, call.initialState.slice(0, half));
  ctx.line(`// backward: ${commentText(backward.layer.className)}`);
  const bStates = run(backward, forwardWeights, "backward_", bOut, call.initialState.slice(half));

  const merge = mode === null || mode === "concat" ? undefined : ELEMENTWISE[mode]!;
  if (sequences && merge) {
    elementwise(ctx, outs[0]!, outs[0]!, backwardSeq!, ctx.size([input[0]!, uF]), merge);
  } else if (!sequences && merge) {
    elementwise(ctx, outs[0]!, fStates[0]!, bStates[0]!, String(uF), merge);
  } else if (!sequences) {
    ctx.line(`${outs[0]}.set(${fStates[0]});`);
    ctx.line(mode === "concat" ? `${outs[0]}.set(${bStates[0]}, ${uF});` : `${outs[1]}.set(${bStates[0]});`);
  }
  const states = [...fStates, ...bStates];
  outs.slice(mode === null ? 2 : 1).forEach((buf, k) => ctx.line(`${buf}.set(${states[k]});`));
}

function elementwise(ctx: EmitContext, out: string, a: string, b: string, n: string, merge: (a: string, b: string) => string): void {
  ctx.line(`for (let i = 0; i < ${n}; i++) ${out}[i] = ${merge(`${a}[i]!`, `${b}[i]!`)};`);
}
