/**
 * Ops that move values without computing: reshapes (ExpandDims, Squeeze, Reshape: the output
 * shares the input's buffer), Transpose, Concatenate, Stack, Split/Unstack (several outputs) and
 * the fills ZerosLike/OnesLike/FullLike. Axes count the batch axis, which must stay first.
 */
import { layerError } from "../../../errors.js";
import type { CallArg, Dim, Shape } from "../../../ir/types.js";
import { formatFloat32 } from "../../float32.js";
import { emitStridedCopy, emitTranspose, strides } from "../layout.js";
import type { EmitContext } from "../types.js";
import { argument, describe, fixedDims, intArg, opAxis, type OpCall } from "./operands.js";
import type { OpDef } from "./types.js";

function single(op: OpCall): Shape {
  if (op.inputs.length !== 1) throw layerError(op.layer, "takes one tensor");
  return op.inputs[0]!;
}

function expandDims(op: OpCall): Dim[] {
  const input = single(op);
  const spec = op.layer.config["axis"];
  const list = Array.isArray(spec) ? spec : [spec];
  const rank = input.length + 1 + list.length;
  const axes = list.map((a) => opAxis(op.layer, a, rank));
  if (new Set(axes).size !== axes.length) throw layerError(op.layer, "repeats an axis");
  const out: Dim[] = [];
  let k = 0;
  for (let a = 0; a < rank - 1; a++) out.push(axes.includes(a) ? 1 : input[k++]!);
  return out;
}

function squeeze(op: OpCall): Dim[] {
  const input = single(op);
  const spec = op.layer.config["axis"];
  if (spec === null || spec === undefined) return input.filter((d) => d !== 1);
  const axes = (Array.isArray(spec) ? spec : [spec]).map((a) => opAxis(op.layer, a, input.length + 1));
  for (const a of axes) if (input[a] !== 1) throw layerError(op.layer, `cannot squeeze axis ${a + 1} of size ${input[a]}`);
  return input.filter((_, k) => !axes.includes(k));
}

function reshape(op: OpCall): Dim[] {
  const input = fixedDims(op.layer, single(op), "Reshape");
  const target = op.layer.config["newshape"] ?? argument(op, 1, "newshape");
  if (!Array.isArray(target) || target.length === 0 || !target.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d >= -1 && d !== 0))) {
    throw layerError(op.layer, `newshape must be a list of sizes, got ${JSON.stringify(target)}`);
  }
  const [batch, ...rest] = target as (number | null)[];
  if (batch !== -1 && batch !== null) throw layerError(op.layer, `newshape ${JSON.stringify(target)} must keep the batch axis first (-1 or None)`);
  const total = input.reduce((p, d) => p * d, 1);
  const free = rest.filter((d) => d === -1 || d === null).length;
  const known = rest.reduce<number>((p, d) => (d === -1 || d === null ? p : p * d), 1);
  if (free > 1 || (free === 0 ? known !== total : total % known !== 0)) throw layerError(op.layer, `cannot reshape ${total} values per sample into ${JSON.stringify(target)}`);
  return rest.map((d) => (d === -1 || d === null ? total / known : d));
}

function transposePerm(op: OpCall): number[] {
  const input = single(op);
  const spec = op.layer.config["axes"];
  const rank = input.length + 1;
  const full = spec === null || spec === undefined ? Array.from({ length: rank }, (_, k) => rank - 1 - k) : (spec as unknown[]).map((a) => intArg(op.layer, a, "axes"));
  const norm = full.map((a) => (a < 0 ? a + rank : a));
  if (norm.length !== rank || new Set(norm).size !== rank || norm.some((a) => a < 0 || a >= rank)) throw layerError(op.layer, `axes ${JSON.stringify(spec)} is not a permutation of ${rank} axes`);
  if (norm[0] !== 0) throw layerError(op.layer, "moves the batch axis, which keras2ts does not support");
  return norm.slice(1).map((a) => a - 1);
}

export const reshapeOps: OpDef = {
  names: ["ExpandDims", "Squeeze", "Reshape"],
  shapes: (op) => [op.layer.className === "ExpandDims" ? expandDims(op) : op.layer.className === "Squeeze" ? squeeze(op) : reshape(op)],
  identity: () => true,
  emit() {
    throw new Error("reshape ops share their input's buffer");
  },
};

export const transposeOp: OpDef = {
  names: ["Transpose"],
  shapes: (op) => [transposePerm(op).map((p) => op.inputs[0]![p]!)],
  emit(op, call, ctx) {
    emitTranspose(ctx, ctx.buffer(call.inputs[0]!), op.inputs[0]!, transposePerm(op), ctx.buffer(call.outputs[0]!));
  },
};

/** The tensor list of concatenate/stack: every element must be a tensor (constants would lack the batch axis). */
function tensorList(op: OpCall): number[] {
  const xs = argument(op, 0, op.layer.className === "Concatenate" ? "xs" : "x");
  if (!Array.isArray(xs) || xs.length === 0) throw layerError(op.layer, "expects a list of tensors");
  return (xs as readonly CallArg[]).map((x) => {
    const t = x as { kind?: string; input?: number };
    if (t === null || typeof t !== "object" || t.kind !== "tensor" || t.input === undefined || t.input < 0) throw layerError(op.layer, `list element ${describe(x)} is not a tensor`);
    return t.input;
  });
}

/** Concatenate along `axis`, or Stack along a new `axis`: each output row takes each input's row in turn. */
function joinAxis(op: OpCall): { axis: number; out: Dim[]; rows: Shape[] } {
  const shapes = tensorList(op).map((i) => op.inputs[i]!);
  const first = shapes[0]!;
  const stack = op.layer.className === "Stack";
  const axis = opAxis(op.layer, op.layer.config["axis"] ?? 0, first.length + (stack ? 2 : 1));
  for (const s of shapes) {
    if (s.length !== first.length || s.some((d, k) => (stack || k !== axis) && d !== first[k])) {
      throw layerError(op.layer, `input shapes ${shapes.map((x) => `(${x.join(", ")})`).join(", ")} do not ${stack ? "stack" : "concatenate"}`);
    }
  }
  if (stack) return { axis, out: [...first.slice(0, axis), shapes.length, ...first.slice(axis)], rows: shapes.map((s) => s.slice(axis)) };
  const sizes = fixedDims(op.layer, shapes.map((s) => s[axis]!), "the concatenation axis");
  return { axis, out: first.map((d, k) => (k === axis ? sizes.reduce((p, n) => p + n, 0) : d)), rows: shapes.map((s) => s.slice(axis)) };
}

export const joinOps: OpDef = {
  names: ["Concatenate", "Stack"],
  shapes: (op) => [joinAxis(op).out],
  emit(op, call, ctx) {
    const { axis, out, rows } = joinAxis(op);
    const outer = ctx.size(out.slice(0, axis));
    const total = ctx.size(out.slice(axis));
    const dst = ctx.buffer(call.outputs[0]!);
    let offset: string[] = [];
    const lines = tensorList(op).map((input, k) => {
      const n = ctx.size(rows[k]!);
      const numeric = offset.every((o) => /^\d+$/.test(o));
      const at = numeric ? String(offset.reduce((p, o) => p + Number(o), 0)) : offset.join(" + ");
      offset = [...offset, n];
      return `  ${ctx.rt("copy")}(${ctx.buffer(call.inputs[input]!)}, r * ${n}, ${dst}, r * ${total}${at === "0" ? "" : ` + ${at}`}, ${n});`;
    });
    ctx.line(`for (let r = 0; r < ${outer}; r++) {`, ...lines, "}");
  },
};

/** Split (sections or indices) and Unstack (one output per index, the axis removed). */
function pieces(op: OpCall): { axis: number; starts: number[]; sizes: number[]; drop: boolean } {
  const input = single(op);
  const unstack = op.layer.className === "Unstack";
  const axis = opAxis(op.layer, op.layer.config["axis"] ?? 0, input.length + 1);
  const n = input[axis];
  if (typeof n !== "number") throw layerError(op.layer, "splits a variable-length axis (use --timesteps)");
  if (unstack) return { axis, starts: Array.from({ length: n }, (_, k) => k), sizes: Array.from({ length: n }, () => 1), drop: true };
  const spec = op.layer.config["indices_or_sections"];
  let cuts: number[];
  if (typeof spec === "number") {
    if (!Number.isInteger(spec) || spec <= 0 || (op.layer.className === "Split" && n % spec !== 0)) throw layerError(op.layer, `cannot split an axis of ${n} into ${spec} equal sections`);
    const base = Math.floor(n / spec);
    const extra = n % spec; // ArraySplit: the first sections take one more
    cuts = Array.from({ length: spec - 1 }, (_, k) => (k + 1) * base + Math.min(k + 1, extra));
  } else if (Array.isArray(spec)) {
    cuts = spec.map((c) => intArg(op.layer, c, "indices_or_sections")).map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n));
  } else throw layerError(op.layer, `indices_or_sections ${JSON.stringify(spec)} is not supported`);
  const bounds = [0, ...cuts, n];
  const starts = bounds.slice(0, -1);
  const sizes = starts.map((s, k) => Math.max(bounds[k + 1]! - s, 0));
  if (sizes.some((s) => s === 0)) throw layerError(op.layer, "a split piece is empty");
  return { axis, starts, sizes, drop: false };
}

export const splitOps: OpDef = {
  names: ["Split", "ArraySplit", "Unstack"],
  shapes(op) {
    const input = op.inputs[0]!;
    const { axis, sizes, drop } = pieces(op);
    return sizes.map((s) => (drop ? input.filter((_, k) => k !== axis) : input.map((d, k) => (k === axis ? s : d))));
  },
  emit(op, call, ctx) {
    const input = op.inputs[0]!;
    const { axis, starts, sizes } = pieces(op);
    const inner = ctx.size(input.slice(axis + 1));
    const mul = (a: number, b: string) => (/^\d+$/.test(b) ? String(a * Number(b)) : a === 1 ? b : `${a} * ${b}`);
    starts.forEach((start, k) => {
      ctx.line(`// piece ${k}: ${sizes[k]} of ${input[axis]} along axis ${axis + 1}`);
      const dims: Dim[] = [...input.slice(0, axis), sizes[k]!, ...input.slice(axis + 1)];
      emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), start === 0 ? "0" : mul(start, inner), dims, strides(ctx, input), ctx.buffer(call.outputs[k]!), "0");
    });
  },
};

export const fillOps: OpDef = {
  names: ["ZerosLike", "OnesLike", "FullLike"],
  shapes: (op) => [single(op)],
  emit(op, call, ctx: EmitContext) {
    const cls = op.layer.className;
    const fill = cls === "ZerosLike" ? 0 : cls === "OnesLike" ? 1 : argument(op, 1, "fill_value");
    if (typeof fill !== "number") throw layerError(op.layer, `fill_value ${describe(fill as CallArg)} is not a number`);
    ctx.line(`${ctx.buffer(call.outputs[0]!)}.fill(${formatFloat32(fill)});`);
  },
};

/** Flip along the given axes (never the batch): one strided copy with negative steps. */
function flipAxes(op: OpCall): number[] {
  const input = single(op);
  const spec = op.layer.config["axis"];
  if (spec === null || spec === undefined) throw layerError(op.layer, "axis=None flips the batch axis too, which keras2ts does not support (give the axes)");
  const axes = (Array.isArray(spec) ? spec : [spec]).map((a) => opAxis(op.layer, a, input.length + 1));
  fixedDims(op.layer, axes.map((a) => input[a]!), "a flipped axis");
  return axes;
}

export const flipOp: OpDef = {
  names: ["Flip"],
  shapes(op) {
    flipAxes(op);
    return [op.inputs[0]!];
  },
  emit(op, call, ctx) {
    const input = op.inputs[0]!;
    const axes = flipAxes(op);
    const st = strides(ctx, input);
    const numeric = (s: string) => /^\d+$/.test(s);
    const offsets = axes.map((a) => (numeric(st[a]!) ? String(((input[a] as number) - 1) * Number(st[a])) : `${(input[a] as number) - 1} * ${st[a]}`));
    const offset = offsets.every(numeric) ? String(offsets.reduce((p, o) => p + Number(o), 0)) : offsets.join(" + ");
    const steps = st.map((s, k) => (axes.includes(k) ? (numeric(s) ? `-${s}` : `-(${s})`) : s));
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), offset, input, steps, ctx.buffer(call.outputs[0]!), "0");
  },
};

/** Tile (whole copies along each axis) and Repeat (each element `repeats` times along one axis): per axis an
 * output of (count, size) or (size, count) interleaved, which one strided copy with zero steps writes. */
function tilePlan(op: OpCall): { dims: Dim[][]; steps: ("src" | "zero")[][]; out: Dim[] } {
  const input = single(op);
  const rank = input.length + 1;
  if (op.layer.className === "Tile") {
    const spec = op.layer.config["repeats"];
    const list = (Array.isArray(spec) ? spec : [spec]).map((r) => intArg(op.layer, r, "repeats"));
    if (list.length > rank) throw layerError(op.layer, `repeats ${JSON.stringify(spec)} would add axes before the batch axis`);
    const full = [...Array.from({ length: rank - list.length }, () => 1), ...list];
    if (full[0] !== 1) throw layerError(op.layer, "tiles the batch axis, which keras2ts does not support");
    if (full.some((r) => r < 1)) throw layerError(op.layer, "repeats must be positive");
    const per = full.slice(1);
    return { dims: input.map((d, k) => [per[k]!, d]), steps: input.map(() => ["zero", "src"]), out: input.map((d, k) => (per[k] === 1 ? d : typeof d === "number" ? d * per[k]! : `${d} * ${per[k]}`)) };
  }
  const repeats = intArg(op.layer, op.layer.config["repeats"], "repeats (one count for every element)");
  if (repeats < 1) throw layerError(op.layer, "repeats must be positive");
  const spec = op.layer.config["axis"];
  if (spec === null || spec === undefined) throw layerError(op.layer, "axis=None flattens the batch too, which keras2ts does not support (give the axis)");
  const axis = opAxis(op.layer, spec, rank);
  return {
    dims: input.map((d, k) => (k === axis ? [d, repeats] : [d])),
    steps: input.map((_, k) => (k === axis ? ["src", "zero"] : ["src"])),
    out: input.map((d, k) => (k !== axis ? d : typeof d === "number" ? d * repeats : `${d} * ${repeats}`)),
  };
}

export const tileOps: OpDef = {
  names: ["Tile", "Repeat"],
  shapes: (op) => [fixedDims(op.layer, tilePlan(op).out, op.layer.className)],
  emit(op, call, ctx) {
    const st = strides(ctx, op.inputs[0]!);
    const { dims, steps } = tilePlan(op);
    const flatSteps = steps.flatMap((axis, k) => axis.map((s) => (s === "zero" ? "0" : st[k]!)));
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), "0", dims.flat(), flatSteps, ctx.buffer(call.outputs[0]!), "0");
  },
};
