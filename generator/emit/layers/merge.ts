/**
 * Elementwise merges of several equally shaped inputs: Add, Subtract (exactly two), Multiply,
 * Average, Maximum, Minimum. One loop over the flattened values.
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import type { LayerEmitter } from "./types.js";

function sameShapes(layer: Layer, inputs: readonly Shape[]): Shape {
  if (inputs.length < 2) throw layerError(layer, `expects at least 2 inputs, got ${inputs.length}`);
  if (layer.className === "Subtract" && inputs.length !== 2) throw layerError(layer, `expects exactly 2 inputs, got ${inputs.length}`);
  const first = inputs[0]!;
  for (const s of inputs) {
    if (s.length !== first.length || s.some((d, k) => d !== first[k])) {
      throw layerError(layer, `inputs of different shapes (${inputs.map((i) => `(${i.join(", ")})`).join(" and ")}) need broadcasting, which is not supported`);
    }
  }
  return first;
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
  outputShapes: (layer, inputs) => [sameShapes(layer, inputs)],
  weightSpecs: () => [],
  emit(call, ctx) {
    const xs = call.inputs.map((v) => `${ctx.buffer(v)}[i]!`);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(ctx.shape(call.outputs[0]!))}; i++) ${out}[i] = ${combine(call.layer.className, xs)};`);
  },
};
