/**
 * Reductions over per-sample axes (Mean, Sum, Max, Min, Prod, Any, All, Std, Var, Logsumexp,
 * Argmax, Argmin) and scans along one axis (Cumsum, Cumprod, Softmax, LogSoftmax). A reduction
 * moves the kept axes first and the reduced ones last (one strided copy, skipped when they
 * already are), then reduces each contiguous block.
 */
import { layerError } from "../../../errors.js";
import type { Dim, Shape } from "../../../ir/types.js";
import { emitTranspose } from "../layout.js";
import { argument, intArg, opAxes, opAxis, type OpCall } from "./operands.js";
import type { OpDef } from "./types.js";

/** How a reduction starts, folds value `v` into `acc`, and finishes (`n`: the block size as code). */
interface Fold {
  readonly init: string;
  readonly step: string;
  readonly result: (n: string) => string;
}

const FOLDS: Record<string, Fold> = {
  Sum: { init: "0", step: "acc += v;", result: () => "acc" },
  Mean: { init: "0", step: "acc += v;", result: (n) => `acc / ${n}` },
  Prod: { init: "1", step: "acc *= v;", result: () => "acc" },
  // NaN propagates as in numpy's max/min.
  Max: { init: "-Infinity", step: "if (v > acc || Number.isNaN(v)) acc = v;", result: () => "acc" },
  Min: { init: "Infinity", step: "if (v < acc || Number.isNaN(v)) acc = v;", result: () => "acc" },
  Any: { init: "0", step: "if (v !== 0) acc = 1;", result: () => "acc" },
  All: { init: "1", step: "if (v === 0) acc = 0;", result: () => "acc" },
};
const ALIASES: Record<string, string> = { Amax: "Max", Amin: "Min" };

/** Reductions that need the block twice (mean first, or max first). */
const TWO_PASS = ["Var", "Std", "Logsumexp", "Argmax", "Argmin"];

function reduction(op: OpCall): { axes: number[]; keep: number[]; out: Dim[] } {
  const input = op.inputs[0]!;
  const cls = op.layer.className;
  const spec = op.layer.config["axis"];
  const axes = opAxes(op.layer, spec, input.length + 1);
  if ((cls === "Argmax" || cls === "Argmin") && axes.length !== 1) throw layerError(op.layer, "takes one axis");
  const keep = input.map((_, k) => k).filter((k) => !axes.includes(k));
  const keepdims = op.layer.config["keepdims"] === true;
  const out = keepdims ? input.map((d, k) => (axes.includes(k) ? 1 : d)) : keep.map((k) => input[k]!);
  if (op.layer.config["initial"] !== undefined && op.layer.config["initial"] !== null) throw layerError(op.layer, "`initial` is not supported");
  return { axes, keep, out };
}

export const reduceOps: OpDef = {
  names: [...Object.keys(FOLDS), ...Object.keys(ALIASES), ...TWO_PASS],
  shapes(op) {
    checkSingle(op);
    return [reduction(op).out];
  },
  emit(op, call, ctx) {
    const input = op.inputs[0]!;
    const { axes, keep } = reduction(op);
    const perm = [...keep, ...axes];
    let x = ctx.buffer(call.inputs[0]!);
    if (perm.some((p, k) => p !== k)) {
      const moved = ctx.scratch(call.layer, "moved", perm.map((p) => input[p]!));
      ctx.line("// reduced axes moved last");
      emitTranspose(ctx, x, input, perm, moved);
      x = moved;
    }
    const n = ctx.size(axes.map((a) => input[a]!));
    const outer = ctx.size(keep.map((k) => input[k]!));
    const out = ctx.buffer(call.outputs[0]!);
    const cls = ALIASES[op.layer.className] ?? op.layer.className;
    const body = cls in FOLDS ? foldLines(FOLDS[cls]!, x, n) : twoPassLines(cls, x, n);
    ctx.line(`for (let o = 0; o < ${outer}; o++) {`, ...body.map((l) => `  ${l}`), `  ${out}[o] = ${resultOf(cls, n)};`, "}");
  },
};

function foldLines(f: Fold, x: string, n: string): string[] {
  return [`let acc = ${f.init};`, `for (let j = 0; j < ${n}; j++) {`, `  const v = ${x}[o * ${n} + j]!;`, `  ${f.step}`, "}"];
}

function resultOf(cls: string, n: string): string {
  if (cls in FOLDS) return FOLDS[cls]!.result(n);
  if (cls === "Var") return `acc / ${n}`;
  if (cls === "Std") return `Math.sqrt(acc / ${n})`;
  if (cls === "Logsumexp") return "first + Math.log(acc)";
  return "acc";
}

/** Var/Std: mean, then squared deviations; Logsumexp: max, then exp sum; Argmax/Argmin: first index of the extreme. */
function twoPassLines(cls: string, x: string, n: string): string[] {
  const at = `${x}[o * ${n} + j]!`;
  if (cls === "Var" || cls === "Std") {
    return [`let first = 0;`, `for (let j = 0; j < ${n}; j++) first += ${at};`, `first /= ${n};`, "let acc = 0;", `for (let j = 0; j < ${n}; j++) acc += (${at} - first) * (${at} - first);`];
  }
  if (cls === "Logsumexp") {
    return ["let first = -Infinity;", `for (let j = 0; j < ${n}; j++) if (${at} > first) first = ${at};`, "if (!Number.isFinite(first)) first = 0;", "let acc = 0;", `for (let j = 0; j < ${n}; j++) acc += Math.exp(${at} - first);`];
  }
  const better = cls === "Argmax" ? ">" : "<";
  return [`let acc = 0;`, `let first = ${x}[o * ${n}]!;`, `for (let j = 1; j < ${n}; j++) if (${at} ${better} first || (Number.isNaN(${at}) && !Number.isNaN(first))) { first = ${at}; acc = j; }`];
}

function checkSingle(op: OpCall): void {
  if (op.inputs.length !== 1 || op.args.length > 1) throw layerError(op.layer, "takes one tensor (axis and keepdims as options)");
}

/** Cumsum/Cumprod along one axis; Softmax/LogSoftmax along one axis. */
export const scanOps: OpDef = {
  names: ["Cumsum", "Cumprod", "Softmax", "LogSoftmax"],
  shapes(op) {
    checkSingle(op);
    scanAxis(op);
    return [op.inputs[0]!];
  },
  emit(op, call, ctx) {
    const input = op.inputs[0]!;
    const axis = scanAxis(op);
    const outer = ctx.size(input.slice(0, axis));
    const n = ctx.size([input[axis]!]);
    const inner = ctx.size(input.slice(axis + 1));
    const x = ctx.buffer(call.inputs[0]!);
    const out = ctx.buffer(call.outputs[0]!);
    const cls = op.layer.className;
    if (cls === "Softmax" || cls === "LogSoftmax") {
      ctx.line(`${ctx.rt("copy")}(${x}, 0, ${out}, 0, ${ctx.size(input)});`, `${ctx.rt("softmaxAxis")}(${out}, ${outer}, ${n}, ${inner});`);
      if (cls === "LogSoftmax") ctx.line(`for (let i = 0; i < ${ctx.size(input)}; i++) ${out}[i] = Math.log(${out}[i]!);`);
      return;
    }
    const sign = cls === "Cumsum" ? "+" : "*";
    ctx.line(
      `for (let o = 0; o < ${outer}; o++) {`,
      `  for (let i = 0; i < ${inner}; i++) {`,
      `    let acc = ${cls === "Cumsum" ? 0 : 1};`,
      `    for (let j = 0; j < ${n}; j++) {`,
      `      const at = (o * ${n} + j) * ${inner} + i;`,
      `      acc = acc ${sign} ${x}[at]!;`,
      `      ${out}[at] = acc;`,
      "    }",
      "  }",
      "}",
    );
  },
};

function scanAxis(op: OpCall): number {
  const input: Shape = op.inputs[0]!;
  const cls = op.layer.className;
  const spec = cls === "Softmax" || cls === "LogSoftmax" ? (argument(op, 99, "axis") ?? -1) : op.layer.config["axis"];
  if (spec === null || spec === undefined) throw layerError(op.layer, "axis=None flattens the batch too, which keras2ts does not support (give the axis)");
  return opAxis(op.layer, intArg(op.layer, spec, "axis"), input.length + 1);
}
