/**
 * Keras 3 ops in functional graphs (`"module": "keras.src.ops.*"` entries such as `x[:, -1]`,
 * `x * 2.0`, `ops.mean(x, axis=1)`): one emitter for the whole family, dispatching to op groups
 * that share the broadcast and axis rules of operands.ts. Tensor arguments are the call's inputs;
 * numbers, slices and constant arrays in the arguments are the op's parameters.
 */
import { layerError } from "../../../errors.js";
import type { Layer } from "../../../ir/types.js";
import type { LayerEmitter } from "../types.js";
import { elementwiseOps } from "./elementwise.js";
import { getItemOp } from "./get-item.js";
import { matmulOp } from "./matmul.js";
import { opCall } from "./operands.js";
import { reduceOps, scanOps } from "./reduce.js";
import { fillOps, flipOp, joinOps, reshapeOps, splitOps, tileOps, transposeOp } from "./structure.js";
import type { OpDef } from "./types.js";

const GROUPS: readonly OpDef[] = [elementwiseOps, reduceOps, scanOps, getItemOp, reshapeOps, transposeOp, joinOps, splitOps, matmulOp, fillOps, flipOp, tileOps];

const BY_NAME = new Map<string, OpDef>();
for (const g of GROUPS) for (const n of g.names) BY_NAME.set(n, g);

/** Every op class the family computes. */
export const OP_NAMES: readonly string[] = [...BY_NAME.keys()].sort();

/** True for a layer entry that is a Keras 3 op (recorded module `keras.src.ops.*`). */
export const isOpModule = (module: string | undefined): boolean => module !== undefined && /^keras\.(src\.)?ops(\.|$)/.test(module);

function defOf(layer: Layer): OpDef {
  const def = BY_NAME.get(layer.className);
  if (!def) throw layerError(layer, `unsupported Keras op "${layer.className}" (${layer.module ?? "keras.src.ops"}); supported ops: ${OP_NAMES.join(", ")}`);
  return def;
}

export const opsFamily: LayerEmitter = {
  classNames: OP_NAMES,
  outputShapes: (layer, inputs) => defOf(layer).shapes(opCall(layer, inputs)),
  weightSpecs: () => [],
  identity: (layer, inputs) => defOf(layer).identity?.(opCall(layer, inputs)) ?? false,
  emit(call, ctx) {
    const op = opCall(call.layer, call.inputs.map((v) => ctx.shape(v)));
    defOf(call.layer).emit(op, call, ctx);
  },
};
