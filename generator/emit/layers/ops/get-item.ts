/**
 * `x[key]` (GetItem): ints, slices with negative or strided bounds, `...` and `None` (new axis),
 * as numpy reads them. The batch axis must be kept whole (`x[:, …]` or `x[..., …]`). The result is
 * one strided view of the input, copied.
 */
import { layerError } from "../../../errors.js";
import type { CallArg, Dim } from "../../../ir/types.js";
import { stringLiteral } from "../../names.js";
import { emitStridedCopy, strides } from "../layout.js";
import { argument, describe, type OpCall } from "./operands.js";
import type { OpDef } from "./types.js";

/** What the key does to one input axis, or a new axis. */
type Entry =
  | { readonly kind: "range"; readonly axis: number; readonly start: number; readonly step: number; readonly count: Dim }
  | { readonly kind: "index"; readonly axis: number; readonly index: number; readonly variable?: string }
  | { readonly kind: "new" };

type SliceArg = { kind: "slice"; start: CallArg; stop: CallArg; step: CallArg };

const isSlice = (k: CallArg): k is SliceArg => k !== null && typeof k === "object" && !Array.isArray(k) && (k as { kind?: string }).kind === "slice";
const isEllipsis = (k: CallArg) => k !== null && typeof k === "object" && !Array.isArray(k) && (k as { kind?: string }).kind === "ellipsis";

function keyList(op: OpCall): readonly CallArg[] {
  const key = argument(op, 1, "key");
  if (key === undefined) throw layerError(op.layer, "GetItem without a key");
  return Array.isArray(key) ? (key as readonly CallArg[]) : [key as CallArg];
}

/** The key's entries over the full shape (batch axis first, as `null` size). */
function entries(op: OpCall): Entry[] {
  const full: (Dim | null)[] = [null, ...op.inputs[0]!];
  const key = [...keyList(op)];
  const ellipses = key.filter(isEllipsis).length;
  if (ellipses > 1) throw layerError(op.layer, "a key may hold one ellipsis");
  if (ellipses === 0) key.push({ kind: "ellipsis" });
  const consuming = key.filter((k) => k !== null && !isEllipsis(k)).length;
  if (consuming > full.length) throw layerError(op.layer, `the key indexes ${consuming} axes of a rank-${full.length} tensor`);
  const out: Entry[] = [];
  let axis = 0;
  for (const k of key) {
    if (k === null) out.push({ kind: "new" });
    else if (isEllipsis(k)) for (let n = full.length - consuming; n > 0; n--, axis++) out.push({ kind: "range", axis, start: 0, step: 1, count: full[axis] ?? "batch" });
    else if (typeof k === "number" && Number.isInteger(k)) out.push(indexEntry(op, axis, k, full[axis++]!));
    else if (isSlice(k)) out.push(sliceEntry(op, axis, k, full[axis++]!));
    else throw layerError(op.layer, `key element ${describe(k)} is not supported (ints, slices, ... and None are)`);
  }
  return out;
}

function indexEntry(op: OpCall, axis: number, k: number, size: Dim | null): Entry {
  if (axis === 0) throw layerError(op.layer, "indexes the batch axis (keep it whole: x[:, …])");
  // A variable length (x[:, -1] of a sequence of any length): the index is resolved when predict runs.
  if (typeof size === "string") return { kind: "index", axis, index: k, variable: size };
  if (size === null) throw layerError(op.layer, "indexes an axis of unknown size");
  const index = k < 0 ? k + size : k;
  if (index < 0 || index >= size) throw layerError(op.layer, `index ${k} is out of range for an axis of size ${size}`);
  return { kind: "index", axis, index };
}

const bound = (v: CallArg, what: string, op: OpCall): number | null => {
  if (v === null) return null;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  throw layerError(op.layer, `slice ${what} ${describe(v)} is not an integer`);
};

/** Python's slice.indices: clamped start, step and the number of elements taken. */
function sliceEntry(op: OpCall, axis: number, k: SliceArg, size: Dim | null): Entry {
  const start = bound(k.start, "start", op);
  const stop = bound(k.stop, "stop", op);
  const step = bound(k.step, "step", op) ?? 1;
  if (step === 0) throw layerError(op.layer, "slice step cannot be zero");
  const whole = (start === null || start === 0) && stop === null && step === 1;
  if (axis === 0 && !whole) throw layerError(op.layer, "slices the batch axis (keep it whole: x[:, …])");
  if (whole) return { kind: "range", axis, start: 0, step: 1, count: size ?? "batch" };
  if (typeof size !== "number") throw layerError(op.layer, "slices a variable-length axis (use --timesteps)");
  const clamp = (v: number, lo: number, hi: number) => (v < 0 ? Math.max(v + size, lo) : Math.min(v, hi));
  const [lo, hi] = step > 0 ? [0, size] : [-1, size - 1];
  const s = start === null ? (step > 0 ? 0 : size - 1) : clamp(start, lo, hi);
  const e = stop === null ? (step > 0 ? size : -1) : clamp(stop, lo, hi);
  const count = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  if (count === 0) throw layerError(op.layer, "the slice selects no elements");
  return { kind: "range", axis, start: s, step, count };
}

function outputShape(op: OpCall, list: readonly Entry[]): Dim[] {
  const batchAt = list.findIndex((e) => e.kind === "range" && e.axis === 0);
  if (list.slice(0, batchAt).some((e) => e.kind === "new")) throw layerError(op.layer, "adds an axis before the batch axis");
  return list.filter((_, k) => k !== batchAt).flatMap((e) => (e.kind === "range" ? [e.count] : e.kind === "new" ? [1] : []));
}

export const getItemOp: OpDef = {
  names: ["GetItem"],
  shapes(op) {
    if (op.inputs.length !== 1) throw layerError(op.layer, "indices given as tensors are not supported");
    return [outputShape(op, entries(op))];
  },
  emit(op, call, ctx) {
    const input = op.inputs[0]!;
    const st = strides(ctx, input);
    const list = entries(op).filter((e) => !(e.kind === "range" && e.axis === 0));
    const times = (n: number, s: string) => (/^\d+$/.test(s) ? String(n * Number(s)) : n === 1 ? s : `${n} * ${s}`);
    const at = (e: Extract<Entry, { kind: "index" }>) => {
      const stride = st[e.axis - 1]!;
      if (e.variable === undefined || e.index >= 0) return times(e.index, stride);
      return stride === "1" ? `(${ctx.dim(e.variable)} - ${-e.index})` : `(${ctx.dim(e.variable)} - ${-e.index}) * ${stride}`;
    };
    for (const e of list) {
      if (e.kind === "index" && e.variable !== undefined) ctx.line(`${ctx.rt("requireLength")}(${ctx.dim(e.variable)}, ${e.index >= 0 ? e.index + 1 : -e.index}, ${stringLiteral(call.layer.name)});`);
    }
    const offsets = list.flatMap((e) => (e.kind === "range" && e.start !== 0 ? [times(e.start, st[e.axis - 1]!)] : e.kind === "index" && (e.index !== 0 || e.variable !== undefined) ? [at(e)] : []));
    const offset = offsets.every((o) => /^-?\d+$/.test(o)) ? String(offsets.reduce((p, o) => p + Number(o), 0)) : offsets.join(" + ");
    const views = list.filter((e) => e.kind !== "index") as Exclude<Entry, { kind: "index" }>[];
    const dims = views.map((e) => (e.kind === "range" ? e.count : 1));
    const steps = views.map((e) => (e.kind === "range" ? times(e.step, st[e.axis - 1]!) : "0"));
    emitStridedCopy(ctx, ctx.buffer(call.inputs[0]!), offset, dims, steps, ctx.buffer(call.outputs[0]!), "0");
  },
};
