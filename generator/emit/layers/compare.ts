/**
 * Keras 3 comparison op layers against a literal (`keras.ops.not_equal(x, 0)` saved as a
 * `NotEqual` layer): elementwise 1 where the comparison holds, else 0. Their output usually
 * serves as an explicit `mask=` argument.
 */
import { layerError } from "../../errors.js";
import type { Call, Layer } from "../../ir/types.js";
import { formatFloat32 } from "../float32.js";
import type { LayerEmitter } from "./types.js";

const OPERATORS: Record<string, string> = {
  NotEqual: "!==",
  Equal: "===",
  Greater: ">",
  GreaterEqual: ">=",
  Less: "<",
  LessEqual: "<=",
};

/** The literal operand and whether it stands left of the tensor. */
function literalOperand(layer: Layer, call: Pick<Call, "literals">, tensors: number): { value: number; left: boolean } {
  const lits = call.literals ?? [];
  const at = lits.findIndex((l) => l !== null);
  const value = lits[at];
  if (tensors !== 1 || lits.length !== 2 || typeof value !== "number" || !Number.isFinite(value)) {
    throw layerError(layer, "only a comparison of one tensor with one number literal is supported");
  }
  return { value, left: at === 0 };
}

export const compareOps: LayerEmitter = {
  classNames: Object.keys(OPERATORS),
  docs: "Keras 3 op layers",
  outputShapes(layer, inputs) {
    if (inputs.length !== 1) throw layerError(layer, "only a comparison of one tensor with one number literal is supported");
    return [inputs[0]!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const { value, left } = literalOperand(layer, call, call.inputs.length);
    const c = formatFloat32(Math.fround(value));
    const x = `${ctx.buffer(call.inputs[0]!)}[i]!`;
    const test = left ? `${c} ${OPERATORS[layer.className]} ${x}` : `${x} ${OPERATORS[layer.className]} ${c}`;
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(ctx.shape(call.inputs[0]!))}; i++) ${out}[i] = ${test} ? 1 : 0;`);
  },
};
