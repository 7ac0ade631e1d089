/**
 * The operands of a Keras 3 op and the one shape rule every op of the family shares.
 *
 * Ops see whole batches: a tensor operand of per-sample shape (a, b) is (batch, a, b) to the op, so
 * op axes count the batch axis (axis 1 is the first per-sample axis) and numpy broadcasting aligns
 * shapes from the right *including* the batch axis. Constants (`ops.arange(…)` and other eager
 * tensors baked into the config) have no batch axis of their own: they broadcast over it.
 */
import { layerError } from "../../../errors.js";
import type { CallArg, Dim, Layer, Shape } from "../../../ir/types.js";

export type Operand =
  | { readonly kind: "tensor"; readonly input: number }
  | { readonly kind: "scalar"; readonly value: number }
  | { readonly kind: "constant"; readonly shape: readonly number[]; readonly data: readonly number[] };

/** One op call as the family sees it: the layer (config), its arguments and its tensor inputs' per-sample shapes. */
export interface OpCall {
  readonly layer: Layer;
  readonly args: readonly CallArg[];
  readonly kwargs: Readonly<Record<string, CallArg>>;
  readonly inputs: readonly Shape[];
}

export function opCall(layer: Layer, inputs: readonly Shape[]): OpCall {
  const callArgs = layer.callArgs;
  if (!callArgs) throw layerError(layer, "an op must be called with recorded arguments (a Keras 3 inbound node), the same ones at every call");
  return { layer, args: callArgs.args, kwargs: callArgs.kwargs, inputs };
}

/** Positional argument `index`, else keyword `name`, else the op's config entry `name`. */
export function argument(op: OpCall, index: number, name: string): CallArg | undefined {
  if (index < op.args.length) return op.args[index];
  if (name in op.kwargs) return op.kwargs[name];
  const fromConfig = op.layer.config[name];
  return fromConfig === undefined ? undefined : (fromConfig as CallArg);
}

/** An argument that must be an operand: a tensor, a number (or boolean), or a constant array. */
export function operand(op: OpCall, arg: CallArg | undefined, what: string): Operand {
  if (typeof arg === "number") return { kind: "scalar", value: arg };
  if (typeof arg === "boolean") return { kind: "scalar", value: arg ? 1 : 0 };
  if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) {
    const a = arg as Exclude<CallArg, readonly CallArg[] | number | boolean | string | null>;
    if (a.kind === "tensor" && a.input >= 0) return { kind: "tensor", input: a.input };
    if (a.kind === "constant") return a.shape.length === 0 ? { kind: "scalar", value: a.data[0]! } : { kind: "constant", shape: a.shape, data: a.data };
  }
  throw layerError(op.layer, `${what} must be a tensor, a number or a constant array, got ${describe(arg)}`);
}

export function describe(arg: CallArg | undefined): string {
  if (arg === undefined) return "nothing";
  if (arg !== null && typeof arg === "object" && !Array.isArray(arg)) {
    const a = arg as { kind: string; className?: string };
    return a.kind === "object" ? `an object of class ${a.className}` : `a ${a.kind}`;
  }
  return JSON.stringify(arg).slice(0, 60);
}

/** The per-sample shape an operand brings to a broadcast (constants: without a batch axis). */
export interface Aligned {
  readonly operand: Operand;
  /** Per-sample shape, left-padded with 1 to the output's rank. */
  readonly shape: readonly Dim[];
}

/**
 * The family's broadcast rule (numpy's, with the batch axis in front): every tensor operand has the
 * same rank (a lower-rank tensor would align its batch axis with a data axis); constants and
 * scalars may have lower rank, and a constant as long as the tensors must have 1 on the batch axis.
 * Per axis the sizes must agree or be 1. Returns the output's per-sample shape and each operand
 * aligned to it.
 */
export function broadcast(op: OpCall, operands: readonly Operand[]): { shape: Dim[]; aligned: Aligned[] } {
  const layer = op.layer;
  const tensorRanks = [...new Set(operands.filter((o) => o.kind === "tensor").map((o) => op.inputs[(o as { input: number }).input]!.length))];
  if (tensorRanks.length === 0) throw layerError(layer, "has no tensor operand");
  if (tensorRanks.length > 1) throw layerError(layer, `operands of different ranks (${shapesText(op, operands)}) would broadcast the batch axis into a data axis, which keras2ts does not support`);
  const rank = tensorRanks[0]!; // per-sample rank of the output
  const perSample = operands.map((o): readonly Dim[] => {
    if (o.kind === "tensor") return op.inputs[o.input]!;
    if (o.kind === "scalar") return [];
    if (o.shape.length > rank + 1 || (o.shape.length === rank + 1 && o.shape[0] !== 1)) {
      throw layerError(layer, `a constant of shape (${o.shape.join(", ")}) would broadcast over the batch axis of operands of rank ${rank + 1}`);
    }
    return o.shape.length === rank + 1 ? o.shape.slice(1) : o.shape;
  });
  const aligned = perSample.map((s) => [...Array.from({ length: rank - s.length }, () => 1), ...s]);
  const shape: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    const sizes = [...new Set(aligned.map((s) => s[k]!).filter((d) => d !== 1))];
    if (sizes.length > 1) throw layerError(layer, `operand shapes ${shapesText(op, operands)} do not broadcast`);
    shape.push(sizes[0] ?? 1);
  }
  return { shape, aligned: operands.map((operand, i) => ({ operand, shape: aligned[i]! })) };
}

function shapesText(op: OpCall, operands: readonly Operand[]): string {
  return operands
    .map((o) => (o.kind === "tensor" ? `(None, ${op.inputs[o.input]!.join(", ")})` : o.kind === "scalar" ? "scalar" : `(${o.shape.join(", ")})`))
    .join(" and ");
}

/** A Keras op axis (batch axis = 0, negative from the end of a rank-`fullRank` tensor) → a per-sample axis. */
export function opAxis(layer: Layer, axis: unknown, fullRank: number): number {
  if (typeof axis !== "number" || !Number.isInteger(axis)) throw layerError(layer, `axis must be an integer, got ${JSON.stringify(axis)}`);
  const a = axis < 0 ? axis + fullRank : axis;
  if (a < 0 || a >= fullRank) throw layerError(layer, `axis ${axis} is out of range for a tensor of rank ${fullRank} (with batch)`);
  if (a === 0) throw layerError(layer, "operating on the batch axis is not supported (each sample is computed on its own)");
  return a - 1;
}

/** An axis argument given as one integer or a list → sorted distinct per-sample axes; null → error (it would include the batch). */
export function opAxes(layer: Layer, spec: unknown, fullRank: number): number[] {
  if (spec === null || spec === undefined) throw layerError(layer, "axis=None reduces over the batch axis too, which keras2ts does not support (give the per-sample axes)");
  const list = Array.isArray(spec) ? spec : [spec];
  const axes = [...new Set(list.map((a) => opAxis(layer, a, fullRank)))].sort((a, b) => a - b);
  if (axes.length !== list.length) throw layerError(layer, `axis ${JSON.stringify(spec)} repeats an axis`);
  return axes;
}

/** Product of fixed dimensions (constants and broadcast copies need them). */
export function fixedDims(layer: Layer, dims: readonly Dim[], what: string): number[] {
  return dims.map((d) => {
    if (typeof d !== "number") throw layerError(layer, `${what} needs fixed sizes (got a variable length; use --timesteps)`);
    return d;
  });
}

/** Integer config or argument value. */
export function intArg(layer: Layer, v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw layerError(layer, `${what} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

/** Expands constant data of (aligned) shape `from` to shape `to` (row-major), at generation time. */
export function broadcastData(data: readonly number[], from: readonly number[], to: readonly number[]): Float32Array {
  const size = to.reduce((p, d) => p * d, 1);
  const out = new Float32Array(size);
  const fromStrides = from.map((_, k) => from.slice(k + 1).reduce((p, d) => p * d, 1));
  for (let i = 0; i < size; i++) {
    let rest = i;
    let src = 0;
    for (let k = to.length - 1; k >= 0; k--) {
      const idx = rest % to[k]!;
      rest = Math.floor(rest / to[k]!);
      if (from[k] !== 1) src += idx * fromStrides[k]!;
    }
    out[i] = data[src]!;
  }
  return out;
}
