/**
 * Elementwise ops: one table of unary functions, one of binary operators (plus `where`), all
 * computed by one loop over the broadcast output. Operands that do not already have the output's
 * shape are broadcast first (tensors by a strided copy into scratch, constants at generation time).
 */
import { layerError } from "../../../errors.js";
import type { Call, Dim } from "../../../ir/types.js";
import { formatFloat32 } from "../../float32.js";
import { emitStridedCopy, strides } from "../layout.js";
import type { EmitContext } from "../types.js";
import { argument, broadcast, broadcastData, fixedDims, operand, type Aligned, type OpCall, type Operand } from "./operands.js";
import type { OpDef } from "./types.js";

type Unary = (x: string, rt: (name: string) => string, op: OpCall) => string;
type Binary = (a: string, b: string) => string;

const num = (v: unknown, fallback: number): string => formatFloat32(typeof v === "number" ? v : fallback);
const cfg = (op: OpCall, key: string) => op.layer.config[key];

/** Keras dtype names that hold integers or booleans. */
const intDtype = (d: unknown) => typeof d === "string" && /^u?int/.test(d);

const UNARY: Record<string, Unary> = {
  Absolute: (x) => `Math.abs(${x})`,
  Abs: (x) => `Math.abs(${x})`,
  Negative: (x) => `-${x}`,
  Square: (x) => `${x} * ${x}`,
  Sqrt: (x) => `Math.sqrt(${x})`,
  Rsqrt: (x) => `1 / Math.sqrt(${x})`,
  Reciprocal: (x) => `1 / ${x}`,
  Exp: (x) => `Math.exp(${x})`,
  Exp2: (x) => `Math.pow(2, ${x})`,
  Expm1: (x) => `Math.expm1(${x})`,
  Log: (x) => `Math.log(${x})`,
  Log1p: (x) => `Math.log1p(${x})`,
  Log2: (x) => `Math.log2(${x})`,
  Log10: (x) => `Math.log10(${x})`,
  Sin: (x) => `Math.sin(${x})`,
  Cos: (x) => `Math.cos(${x})`,
  Tan: (x) => `Math.tan(${x})`,
  Sinh: (x) => `Math.sinh(${x})`,
  Cosh: (x) => `Math.cosh(${x})`,
  Tanh: (x) => `Math.tanh(${x})`,
  Arcsin: (x) => `Math.asin(${x})`,
  Arccos: (x) => `Math.acos(${x})`,
  Arctan: (x) => `Math.atan(${x})`,
  Arcsinh: (x) => `Math.asinh(${x})`,
  Arccosh: (x) => `Math.acosh(${x})`,
  Arctanh: (x) => `Math.atanh(${x})`,
  Floor: (x) => `Math.floor(${x})`,
  Ceil: (x) => `Math.ceil(${x})`,
  Trunc: (x) => `Math.trunc(${x})`,
  // numpy rounds half to even (at `decimals` places).
  Round: (x, rt, op) => `${rt("roundHalfEven")}(${x}, ${typeof cfg(op, "decimals") === "number" ? String(cfg(op, "decimals")) : "0"})`,
  Sign: (x) => `Math.sign(${x})`,
  LogicalNot: (x) => `(${truth(x)} ? 0 : 1)`,
  Isnan: (x) => `(Number.isNaN(${x}) ? 1 : 0)`,
  Isfinite: (x) => `(Number.isFinite(${x}) ? 1 : 0)`,
  Isinf: (x) => `(${x} === Infinity || ${x} === -Infinity ? 1 : 0)`,
  Copy: (x) => x,
  StopGradient: (x) => x,
  Sigmoid: (x, rt) => `${rt("sigmoid")}(${x})`,
  Relu: (x, rt) => `${rt("relu")}(${x})`,
  Relu6: (x, rt) => `${rt("relu6")}(${x})`,
  Softplus: (x, rt) => `${rt("softplus")}(${x})`,
  Softsign: (x, rt) => `${rt("softsign")}(${x})`,
  Silu: (x, rt) => `${rt("swish")}(${x})`,
  Swish: (x, rt) => `${rt("swish")}(${x})`,
  HardSigmoid: (x, rt) => `${rt("hardSigmoid")}(${x})`,
  Selu: (x, rt) => `${rt("selu")}(${x})`,
  Erf: (x, rt) => `${rt("erf")}(${x})`,
  LogSigmoid: (x, rt) => `${rt("logSigmoid")}(${x})`,
  Elu: (x, rt, op) => `${rt("elu")}(${x}, ${num(cfg(op, "alpha"), 1)})`,
  LeakyRelu: (x, rt, op) => `${rt("leakyRelu")}(${x}, ${num(cfg(op, "negative_slope"), 0.2)})`,
  // keras.ops.gelu defaults to the tanh approximation (the Gelu layer/activation default is exact).
  Gelu: (x, rt, op) => `${rt(cfg(op, "approximate") === false ? "gelu" : "geluTanh")}(${x})`,
  Clip: (x, _rt, op) => `Math.min(Math.max(${x}, ${num(cfg(op, "x_min"), -Infinity)}), ${num(cfg(op, "x_max"), Infinity)})`,
  Cast: (x, _rt, op) => (cfg(op, "dtype") === "bool" ? `(${x} !== 0 ? 1 : 0)` : intDtype(cfg(op, "dtype")) ? `Math.trunc(${x})` : x),
};

/** `x !== 0`, folded for a literal (tsc --strict refuses comparing two literals). */
function truth(x: string): string {
  const literal = x.replace(/^\((.*)\)$/, "$1");
  return /^(-?[\d.]+(e[+-]?\d+)?|-?Infinity|NaN)$/.test(literal) ? String(Number(literal) !== 0) : `${x} !== 0`;
}

const compare = (o: string): Binary => (a, b) => `(${a} ${o} ${b} ? 1 : 0)`;

const BINARY: Record<string, Binary> = {
  Add: (a, b) => `${a} + ${b}`,
  Subtract: (a, b) => `${a} - ${b}`,
  Multiply: (a, b) => `${a} * ${b}`,
  Divide: (a, b) => `${a} / ${b}`,
  TrueDivide: (a, b) => `${a} / ${b}`,
  FloorDivide: (a, b) => `Math.floor(${a} / ${b})`,
  // Python's modulo: the result takes the divisor's sign.
  Mod: (a, b) => `${a} - Math.floor(${a} / ${b}) * ${b}`,
  Power: (a, b) => `Math.pow(${a}, ${b})`,
  Maximum: (a, b) => `Math.max(${a}, ${b})`,
  Minimum: (a, b) => `Math.min(${a}, ${b})`,
  Arctan2: (a, b) => `Math.atan2(${a}, ${b})`,
  Hypot: (a, b) => `Math.hypot(${a}, ${b})`,
  Equal: compare("==="),
  NotEqual: compare("!=="),
  Greater: compare(">"),
  GreaterEqual: compare(">="),
  Less: compare("<"),
  LessEqual: compare("<="),
  LogicalAnd: (a, b) => `(${truth(a)} && ${truth(b)} ? 1 : 0)`,
  LogicalOr: (a, b) => `(${truth(a)} || ${truth(b)} ? 1 : 0)`,
  LogicalXor: (a, b) => `(${truth(a)} !== ${truth(b)} ? 1 : 0)`,
};

/** The operands of an elementwise op, by its call signature. */
function operandsOf(op: OpCall): Operand[] {
  const cls = op.layer.className;
  if (cls in UNARY) return [operand(op, argument(op, 0, "x"), "x")];
  if (cls in BINARY) return [operand(op, argument(op, 0, "x1"), "x1"), operand(op, argument(op, 1, "x2"), "x2")];
  // where(condition, x1, x2)
  const xs = [argument(op, 1, "x1"), argument(op, 2, "x2")];
  if (xs.some((x) => x === undefined || x === null)) throw layerError(op.layer, "where(condition) without x1 and x2 (index lookup) is not supported");
  return [operand(op, argument(op, 0, "condition"), "condition"), operand(op, xs[0], "x1"), operand(op, xs[1], "x2")];
}

/** Code reading element `i` of an operand at the output's shape. */
function elementCode(ctx: EmitContext, call: Call, a: Aligned, out: readonly Dim[], k: number): string {
  const o = a.operand;
  if (o.kind === "scalar") {
    const text = formatFloat32(o.value);
    return text.startsWith("-") ? `(${text})` : text;
  }
  const same = a.shape.every((d, i) => d === out[i]);
  if (o.kind === "constant") {
    const to = fixedDims(call.layer, out, "a constant operand");
    const data = same ? Float32Array.from(o.data) : broadcastData(o.data, a.shape as number[], to);
    return `${ctx.weight(call.layer, 0, `constant${k}`, data)}[i]!`;
  }
  const x = ctx.buffer(call.inputs[o.input]!);
  if (same) return `${x}[i]!`;
  const st = strides(ctx, a.shape);
  const copy = ctx.scratch(call.layer, `broadcast${k}`, out);
  ctx.line(`// operand ${k} broadcast from (${a.shape.join(", ")})`);
  emitStridedCopy(ctx, x, "0", out, a.shape.map((d, i) => (d === 1 ? "0" : st[i]!)), copy, "0");
  return `${copy}[i]!`;
}

export const elementwiseOps: OpDef = {
  names: [...Object.keys(UNARY), ...Object.keys(BINARY), "Where"],
  shapes: (op) => [broadcast(op, operandsOf(op)).shape],
  emit(op, call, ctx) {
    const { shape, aligned } = broadcast(op, operandsOf(op));
    const xs = aligned.map((a, k) => elementCode(ctx, call, a, shape, k));
    const cls = op.layer.className;
    const rt = (name: string) => ctx.rt(name);
    const expr = cls in UNARY ? UNARY[cls]!(xs[0]!, rt, op) : cls in BINARY ? BINARY[cls]!(xs[0]!, xs[1]!) : `${truth(xs[0]!)} ? ${xs[1]} : ${xs[2]}`;
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(shape)}; i++) ${out}[i] = ${expr};`);
  },
};
