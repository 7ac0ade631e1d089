/**
 * Matmul (numpy's matmul): the last two axes multiply as matrices, leading axes broadcast by the
 * family's rule (the batch axis among them). Either operand may be a constant (`x @ W`). A
 * per-sample vector times a constant matrix is the one case where the batch axis is a matrix row.
 */
import { layerError } from "../../../errors.js";
import type { Call, Dim } from "../../../ir/types.js";
import { emitStridedCopy, strides } from "../layout.js";
import type { EmitContext } from "../types.js";
import { argument, broadcast, broadcastData, fixedDims, operand, type OpCall, type Operand } from "./operands.js";
import type { OpDef } from "./types.js";

interface Plan {
  readonly a: Operand;
  readonly b: Operand;
  readonly n: Dim;
  readonly k: Dim;
  readonly m: Dim;
  /** Leading per-sample axes of the output (broadcast), and each operand's leading axes aligned to them. */
  readonly lead: readonly Dim[];
  readonly leadA: readonly Dim[];
  readonly leadB: readonly Dim[];
  readonly out: readonly Dim[];
}

/** Per-sample shape of a tensor, full shape of a constant (no batch axis). */
const shapeOf = (op: OpCall, o: Operand): readonly Dim[] => (o.kind === "tensor" ? op.inputs[o.input]! : o.kind === "constant" ? o.shape : []);

function plan(op: OpCall): Plan {
  const a = operand(op, argument(op, 0, "x1"), "x1");
  const b = operand(op, argument(op, 1, "x2"), "x2");
  if (a.kind === "scalar" || b.kind === "scalar") throw layerError(op.layer, "matmul of a scalar is not defined");
  let sa = [...shapeOf(op, a)];
  let sb = [...shapeOf(op, b)];
  const vectorTimesMatrix = a.kind === "tensor" && sa.length === 1;
  if (vectorTimesMatrix) {
    // (batch, k) @ (k, m): the batch axis is the row axis.
    if (b.kind !== "constant" || sb.length !== 2) throw layerError(op.layer, "a per-sample vector can only multiply a constant matrix (the batch axis would be a matrix axis)");
    sa = [1, sa[0]!];
  } else {
    if (a.kind === "tensor" && sa.length < 2) throw layerError(op.layer, "operand x1 needs two per-sample axes");
    if (b.kind === "tensor" && sb.length < 2) throw layerError(op.layer, "operand x2 needs two per-sample axes (the batch axis would be a matrix axis)");
    if (a.kind === "constant" && sa.length === 1) sa = [1, sa[0]!];
  }
  const dropM = b.kind === "constant" && sb.length === 1;
  if (dropM) sb = [sb[0]!, 1];
  const [n, k] = sa.slice(-2) as [Dim, Dim];
  const [k2, m] = sb.slice(-2) as [Dim, Dim];
  if (k !== k2) throw layerError(op.layer, `inner sizes differ: (…, ${n}, ${k}) @ (…, ${k2}, ${m})`);
  // Leading axes broadcast by the family's rule: stand-in operands carrying only those axes.
  const lead = (o: Operand, s: readonly Dim[], i: number): Operand => (o.kind === "constant" ? { kind: "constant", shape: s.slice(0, -2) as number[], data: [] } : { kind: "tensor", input: i });
  const standIn: OpCall = { ...op, inputs: [sa.slice(0, -2), sb.slice(0, -2)] };
  const both = vectorTimesMatrix ? { shape: [] as Dim[], aligned: [{ shape: [] as Dim[] }, { shape: [] as Dim[] }] } : broadcast(standIn, [lead(a, sa, 0), lead(b, sb, 1)]);
  const out = vectorTimesMatrix ? [m] : [...both.shape, ...(dropM ? [n] : [n, m])];
  return { a, b, n, k, m, lead: both.shape, leadA: both.aligned[0]!.shape, leadB: both.aligned[1]!.shape, out };
}

/** Buffer and per-matrix offset code of an operand, broadcast over the leading axes when it must be. */
function source(ctx: EmitContext, call: Call, o: Operand, lead: readonly Dim[], own: readonly Dim[], rows: Dim, cols: Dim, label: string): { buf: string; at: string } {
  const block = ctx.size([rows, cols]);
  const shared = own.every((d) => d === 1);
  if (o.kind === "constant") {
    const full = fixedDims(call.layer, [...lead, rows, cols], "a constant operand");
    const data = shared ? Float32Array.from(o.data) : broadcastData(o.data, [...own, rows, cols] as number[], full);
    return { buf: ctx.weight(call.layer, 0, label, data), at: shared ? "0" : `l * ${block}` };
  }
  const x = ctx.buffer(call.inputs[(o as { input: number }).input]!);
  if (shared) return { buf: x, at: "0" };
  if (own.every((d, i) => d === lead[i])) return { buf: x, at: `l * ${block}` };
  const copy = ctx.scratch(call.layer, `${label}_broadcast`, [...lead, rows, cols]);
  const shape = [...own, rows, cols];
  const st = strides(ctx, shape);
  emitStridedCopy(ctx, x, "0", [...lead, rows, cols], shape.map((d, i) => (d === 1 && i < own.length ? "0" : st[i]!)), copy, "0");
  return { buf: copy, at: `l * ${block}` };
}

export const matmulOp: OpDef = {
  names: ["Matmul"],
  shapes: (op) => [[...plan(op).out]],
  emit(op, call, ctx) {
    const p = plan(op);
    const A = source(ctx, call, p.a, p.lead, p.leadA, p.n, p.k, "x1");
    const B = source(ctx, call, p.b, p.lead, p.leadB, p.k, p.m, "x2");
    const [n, k, m] = [ctx.dim(p.n), ctx.dim(p.k), ctx.dim(p.m)];
    const out = ctx.buffer(call.outputs[0]!);
    const lead = ctx.size(p.lead);
    const plus = (at: string, rest: string) => (at === "0" ? rest : `${at} + ${rest}`);
    ctx.line(
      `for (let l = 0; l < ${lead}; l++) {`,
      `  for (let i = 0; i < ${n}; i++) {`,
      `    for (let j = 0; j < ${m}; j++) {`,
      "      let s = 0;",
      `      for (let p = 0; p < ${k}; p++) s += ${A.buf}[${plus(A.at, `i * ${k} + p`)}]! * ${B.buf}[${plus(B.at, `p * ${m} + j`)}]!;`,
      `      ${out}[(l * ${n} + i) * ${m} + j] = s;`,
      "    }",
      "  }",
      "}",
    );
  },
};
