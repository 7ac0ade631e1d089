/**
 * Elementwise merges: Add, Subtract (exactly two), Multiply, Average, Maximum, Minimum. Inputs
 * broadcast like Keras' (size-1 axes, missing leading axes); one loop over the flattened values.
 */
import { layerError } from "../../errors.js";
import type { Dim, Layer, Shape } from "../../ir/types.js";
import { emitStridedCopy, strides } from "./layout.js";
import type { EmitContext, LayerEmitter } from "./types.js";

/**
 * The broadcast output shape: shapes are right-aligned (Keras expands a lower-rank input with
 * leading axes) and each dimension must agree or be 1.
 */
function broadcastShape(layer: Layer, inputs: readonly Shape[]): Shape {
  if (inputs.length < 2) throw layerError(layer, `expects at least 2 inputs, got ${inputs.length}`);
  if (layer.className === "Subtract" && inputs.length !== 2) throw layerError(layer, `expects exactly 2 inputs, got ${inputs.length}`);
  const rank = Math.max(...inputs.map((s) => s.length));
  const out: Dim[] = [];
  for (let k = 0; k < rank; k++) {
    const dims = inputs.map((s) => s[s.length - rank + k] ?? 1);
    const sizes = [...new Set(dims.filter((d) => d !== 1))];
    if (sizes.length > 1) throw layerError(layer, `input shapes ${inputs.map((i) => `(${i.join(", ")})`).join(" and ")} do not broadcast`);
    out.push(sizes[0] ?? 1);
  }
  return out;
}

/** The buffer holding input `v` at the output's shape: itself, or a broadcast copy in scratch. */
function atOutputShape(ctx: EmitContext, layer: Layer, v: number, out: Shape, k: number): string {
  const shape = ctx.shape(v);
  const x = ctx.buffer(v);
  if (shape.length === out.length && shape.every((d, i) => d === out[i])) return x;
  const aligned = [...Array.from({ length: out.length - shape.length }, () => 1), ...shape];
  const st = strides(ctx, aligned);
  const copy = ctx.scratch(layer, `broadcast${k}`, out);
  ctx.line(`// input ${k} broadcast from (${shape.join(", ")})`);
  emitStridedCopy(ctx, x, "0", out, aligned.map((d, i) => (d === 1 ? "0" : st[i]!)), copy, "0");
  return copy;
}

/** The expression combining the inputs' element i. */
function combine(className: string, xs: readonly string[]): string {
  switch (className) {
    case "Add":
      return xs.join(" + ");
    case "Subtract":
      return xs.join(" - ");
    case "Multiply":
      return xs.join(" * ");
    case "Average":
      return `(${xs.join(" + ")}) / ${xs.length}`;
    case "Maximum":
      return `Math.max(${xs.join(", ")})`;
    default:
      return `Math.min(${xs.join(", ")})`;
  }
}

export const merge: LayerEmitter = {
  classNames: ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"],
  mask: "merge",
  docs: "Merge",
  outputShapes: (layer, inputs) => [broadcastShape(layer, inputs)],
  weightSpecs: () => [],
  emit(call, ctx) {
    const outShape = ctx.shape(call.outputs[0]!);
    const xs = call.inputs.map((v, k) => `${atOutputShape(ctx, call.layer, v, outShape, k)}[i]!`);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(ctx.shape(call.outputs[0]!))}; i++) ${out}[i] = ${combine(call.layer.className, xs)};`);
  },
};
