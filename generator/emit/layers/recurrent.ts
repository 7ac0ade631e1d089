/**
 * The timestep driver shared by LSTM, GRU and SimpleRNN (and the wrappers around them): state
 * buffers, a specialised step function, and the sequence loop, unrolled when it is short.
 */
import { layerError } from "../../errors.js";
import type { Call, Dim, Layer, Shape } from "../../ir/types.js";
import { resolveActivation } from "../activations.js";
import { boolParam, fixedDim } from "./config.js";
import type { EmitContext, ShapeInfo, WeightSpec } from "./types.js";

/** One recurrent cell kind: its weights and the code of one timestep. */
export interface CellKind {
  /** State vectors the cell carries, `h` first (LSTM: h, c). */
  stateLabels(layer: Layer): string[];
  /** Size of each state (default: every state has `units`); stacked cells carry states of several sizes. */
  stateSizes?(layer: Layer): number[];
  /** Index of the state that is the cell's output (default 0, `h`). */
  outputState?(layer: Layer): number;
  units(layer: Layer): number;
  weightSpecs(layer: Layer, inputDim: number, info: ShapeInfo): WeightSpec[];
  /**
   * Statements of the step function `(xo: number): void`, which reads the input at `x[xo…]`
   * and updates the state buffers in place.
   */
  stepBody(layer: Layer, ctx: EmitContext, ids: { x: string; states: string[]; inputDim: number; weightOffset: number }): string[];
  /**
   * A runtime call running the whole sequence in WebAssembly (no mask), true when it did (false:
   * the step function runs), or undefined when this layer's configuration has no such call.
   */
  sequenceCall?(layer: Layer, ctx: EmitContext, ids: SequenceCallIds): string | undefined;
}

/** What a whole-sequence call gets: buffers, sizes and where each step's output goes. */
export interface SequenceCallIds {
  readonly x: string;
  readonly states: string[];
  readonly inputDim: number;
  readonly weightOffset: number;
  /** Timesteps (a number or an expression). */
  readonly steps: string;
  readonly backwards: boolean;
  /** Step s's output goes to `buf` at `offset` + s·`step` (null: only the final state is wanted). */
  readonly seq: { buf: string; offset: string; step: string } | null;
}

export interface SequenceRun {
  readonly layer: Layer;
  readonly cell: CellKind;
  /** Input buffer and its shape (T, F). */
  readonly x: string;
  readonly inputShape: Shape;
  /** Process timesteps from last to first. */
  readonly backwards: boolean;
  /** Where per-step outputs go (null: only the final state is wanted). */
  readonly sequenceOut: { buf: string; reverse: boolean; stride: number; offset: number } | null;
  readonly stateful: boolean;
  /** Values to copy into the state before the first step (RNN `initial_state`). */
  readonly initialState: string[];
  /** Index of this cell's first weight in `layer.weights` (wrappers hold several cells' weights). */
  readonly weightOffset: number;
  /** Per-step mask buffer (1 = step is real, 0 = keep the previous state and output). */
  readonly mask?: string;
  /** At masked steps write zeros to `sequenceOut` instead of repeating `h` (Keras `zero_output_for_mask`). */
  readonly zeroMasked?: boolean;
}

/** Emits a sequence run and returns the ids of its state buffers (h first). */
export function runSequence(ctx: EmitContext, run: SequenceRun): string[] {
  const { layer, cell } = run;
  if (run.inputShape.length !== 2) throw layerError(layer, `expects input of shape (timesteps, features), got rank ${run.inputShape.length + 1} with batch`);
  const T: Dim = run.inputShape[0]!;
  const F = fixedDim(layer, run.inputShape[1], "the feature dimension");
  const units = cell.units(layer);
  const labels = cell.stateLabels(layer);
  const sizes = cell.stateSizes?.(layer) ?? labels.map(() => units);
  const states = labels.map((label, k) => ctx.state(layer, label, sizes[k]!, run.stateful));
  run.initialState.forEach((src, k) => ctx.line(`${ctx.rt("copy")}(${src}, 0, ${states[k]}, 0, ${sizes[k]});`));

  const h = states[cell.outputState?.(layer) ?? 0]!;
  const out = run.sequenceOut;
  const whole = run.mask ? undefined : cell.sequenceCall?.(layer, ctx, {
    x: run.x, states, inputDim: F, weightOffset: run.weightOffset, steps: ctx.dim(T), backwards: run.backwards, seq: out && seqPlacement(ctx.dim(T), out),
  });
  const step = ctx.id(layer, "step");
  const body = cell.stepBody(layer, ctx, { x: run.x, states, inputDim: F, weightOffset: run.weightOffset });
  ctx.func([`function ${step}(xo: number): void {`, ...body.map((l) => `  ${l}`), "}"]);

  const stepLine = (tExpr: string, sExpr: string): string[] => {
    const call = `${step}(${mul(tExpr, F)});`;
    if (!out) return [run.mask ? `if (${run.mask}[${tExpr}]) ${call}` : call];
    const o = add(mul(out.reverse ? sub(ctx.dim(T), 1, sExpr) : sExpr, out.stride), out.offset);
    const write = `${out.buf}.set(${h}, ${o});`;
    if (!run.mask) return [call, write];
    if (!run.zeroMasked) return [`if (${run.mask}[${tExpr}]) ${call}`, write];
    return [`if (${run.mask}[${tExpr}]) {`, `  ${call}`, `  ${write}`, `} else {`, `  ${out.buf}.fill(0, ${o}, ${add(o, units)});`, `}`];
  };
  const steps: string[] = [];
  if (typeof T === "number" && T <= ctx.unrollLimit) {
    for (let s = 0; s < T; s++) steps.push(...stepLine(String(run.backwards ? T - 1 - s : s), String(s)));
  } else {
    const tExpr = run.backwards ? sub(ctx.dim(T), 1, "s") : "s";
    steps.push(`for (let s = 0; s < ${ctx.dim(T)}; s++) {`, ...stepLine(tExpr, "s").map((l) => `  ${l}`), "}");
  }
  if (whole) ctx.line(`// The whole sequence in one WebAssembly call where it runs, else step by step.`, `if (!${whole}) {`, ...steps.map((l) => `  ${l}`), "}");
  else ctx.line(...steps);
  return states;
}

/**
 * The arguments every whole-layer wasm call shares (`lstmLayerWasm`, `gruLayerWasm`): x, steps,
 * features, the input kernel and its layout, the bias; undefined unless the cell uses Keras' default
 * activations (tanh, sigmoid gates), the only ones the kernels compute.
 */
export function wholeLayerArgs(layer: Layer, ctx: EmitContext, ids: SequenceCallIds): { head: string; recurrent: string; out: string } | undefined {
  const named = (key: string, fallback: string) => ctx.activation(layer, layer.config[key] ?? fallback).name;
  if (named("activation", "tanh") !== "tanh" || named("recurrent_activation", "sigmoid") !== "sigmoid") return undefined;
  const { x, weightOffset, seq } = ids;
  const transposed = !ctx.holdsModelInput(x);
  const kernel = transposed ? ctx.weightTransposed(layer, weightOffset, "kernel") : ctx.weight(layer, weightOffset, "kernel");
  const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, weightOffset + 2, "bias") : "null";
  return {
    head: `${x}, ${ids.steps}, ${ids.inputDim}, ${kernel}, ${transposed}, ${bias}`,
    recurrent: ctx.weightTransposed(layer, weightOffset + 1, "recurrent_kernel"),
    out: `${ids.backwards}, ${seq ? `${seq.buf}, ${seq.offset}, ${seq.step}` : "null, 0, 0"}`,
  };
}

/** Offset and step of the rows of a sequence output: step s goes to row s, or row T − 1 − s when reversed. */
function seqPlacement(T: string, out: NonNullable<SequenceRun["sequenceOut"]>): { buf: string; offset: string; step: string } {
  if (!out.reverse) return { buf: out.buf, offset: String(out.offset), step: String(out.stride) };
  const last = /^\d+$/.test(T) ? String((Number(T) - 1) * out.stride + out.offset) : `(${T} - 1) * ${out.stride} + ${out.offset}`;
  return { buf: out.buf, offset: last, step: String(-out.stride) };
}

/** Shape inference common to every RNN layer: sequence or last output, then the states. */
export function rnnOutputShapes(layer: Layer, input: Shape, units: number, stateCount: number): Shape[] {
  if (input.length !== 2) throw layerError(layer, `expects input of shape (timesteps, features), got ${input.length} dimensions`);
  if (boolParam(layer, "time_major", false)) throw layerError(layer, "time_major=True (inputs laid out (timesteps, batch, features)) is not supported");
  const main: Shape = boolParam(layer, "return_sequences", false) ? [input[0]!, units] : [units];
  const states: Shape[] = boolParam(layer, "return_state", false) ? Array.from({ length: stateCount }, () => [units]) : [];
  return [main, ...states];
}

/** Fails early (in shape inference) when a cell's activation is unknown or not elementwise. */
export function checkCellActivations(layer: Layer, info: ShapeInfo, defaults: Readonly<Record<string, string>>): void {
  for (const [key, fallback] of Object.entries(defaults)) {
    const act = resolveActivation(layer, layer.config[key] ?? fallback, info.version, (n) => n);
    if (!act.scalar) throw layerError(layer, `${key} "${act.name}" is not elementwise; a recurrent cell needs an elementwise activation`);
  }
}

/** Emits a plain RNN layer call (LSTM, GRU, SimpleRNN) with all of Keras' call options. */
export function emitRnnCall(call: Call, ctx: EmitContext, cell: CellKind): void {
  const layer = call.layer;
  const input = ctx.shape(call.inputs[0]!);
  const units = cell.units(layer);
  const returnSequences = boolParam(layer, "return_sequences", false);
  const mainOut = ctx.buffer(call.outputs[0]!);
  const mask = inputMask(call, ctx);
  const zeroMasked = boolParam(layer, "zero_output_for_mask", false);
  const backwards = boolParam(layer, "go_backwards", false);
  const states = runSequence(ctx, {
    layer,
    cell,
    x: ctx.buffer(call.inputs[0]!),
    inputShape: input,
    // go_backwards outputs stay in processing order: Keras does not flip them back.
    backwards,
    sequenceOut: returnSequences ? { buf: mainOut, reverse: false, stride: units, offset: 0 } : null,
    stateful: boolParam(layer, "stateful", false),
    initialState: call.initialState.map((v) => ctx.buffer(v)),
    weightOffset: 0,
    ...(mask ? { mask, zeroMasked } : {}),
  });
  const outputState = cell.outputState?.(layer) ?? 0;
  const sizes = cell.stateSizes?.(layer) ?? states.map(() => units);
  if (!returnSequences) {
    if (mask && zeroMasked) {
      // The last output is the last processed step's: zeros when that step is masked.
      const T = input[0]!;
      const last = backwards ? "0" : typeof T === "number" ? String(T - 1) : `${ctx.dim(T)} - 1`;
      ctx.line(`if (${mask}[${last}]) ${mainOut}.set(${states[outputState]}); else ${mainOut}.fill(0);`);
    } else {
      // copy, a loop: cheaper than TypedArray.set's builtin call for a state vector.
      ctx.line(`${ctx.rt("copy")}(${states[outputState]}, 0, ${mainOut}, 0, ${sizes[outputState]});`);
    }
  }
  call.outputs.slice(1).forEach((v, k) => ctx.line(`${ctx.rt("copy")}(${states[k]!}, 0, ${ctx.buffer(v)}, 0, ${sizes[k]});`));
}

/**
 * The per-timestep mask buffer of a call's sequence input: an explicit `mask=` argument, else the
 * mask attached to the input (Masking, Embedding mask_zero), else none.
 */
export function inputMask(call: Call, ctx: EmitContext): string | undefined {
  const mask = call.maskInput ?? (call.ignoresInputMask ? undefined : ctx.maskOf(call.inputs[0]!));
  return mask === undefined ? undefined : ctx.buffer(mask);
}

function mul(expr: string, n: number): string {
  if (n === 1) return expr;
  if (/^\d+$/.test(expr)) return String(Number(expr) * n);
  return /^\w+$/.test(expr) ? `${expr} * ${n}` : `(${expr}) * ${n}`;
}

function add(expr: string, n: number): string {
  if (n === 0) return expr;
  if (/^\d+$/.test(expr)) return String(Number(expr) + n);
  // Fold into a trailing constant: "s * 12 + 6" + 6 → "s * 12 + 12".
  const tail = /^(.*) \+ (\d+)$/.exec(expr);
  if (tail) return `${tail[1]} + ${Number(tail[2]) + n}`;
  return `${expr} + ${n}`;
}

function sub(t: string, one: number, s: string): string {
  if (/^\d+$/.test(t) && /^\d+$/.test(s)) return String(Number(t) - one - Number(s));
  return `${t} - ${one} - ${s}`;
}
