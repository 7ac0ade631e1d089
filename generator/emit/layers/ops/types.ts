import type { Call, Shape } from "../../../ir/types.js";
import type { EmitContext } from "../types.js";
import type { OpCall } from "./operands.js";

/** One group of Keras 3 ops sharing a shape rule and a code pattern. */
export interface OpDef {
  /** Op class names (`keras.src.ops.*` classes, e.g. `Add`, `GetItem`). */
  readonly names: readonly string[];
  /** Per-sample output shapes; throws a layer error for what the op cannot do. */
  shapes(op: OpCall): Shape[];
  emit(op: OpCall, call: Call, ctx: EmitContext): void;
  /** True when the output is the input's values in the same order (reshapes): no code, shared buffer. */
  identity?(op: OpCall): boolean;
}
