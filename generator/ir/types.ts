/**
 * The model description (IR) every stage shares: loaders produce it, passes rewrite it,
 * emitters print it. Shapes never include the batch dimension.
 */

/** A dimension: a fixed size, or the name of a length known only when `predict` runs (e.g. "T0"). */
export type Dim = number | string;
export type Shape = readonly Dim[];
export type DType = "float32" | "int32";

import type { CallArgs, Config, KerasVersion, Weight } from "../load/types.js";

export type { CallArg, CallArgs, Config, KerasVersion, Weight } from "../load/types.js";

export interface Layer {
  readonly name: string;
  readonly className: string;
  readonly config: Config;
  /** Weights in Keras' `get_weights()` order (wrappers: their inner layers' weights, in order). */
  weights: Weight[];
  /** Wrapped layers: Bidirectional `forward`/`backward`, TimeDistributed `layer`. */
  readonly inner: Readonly<Record<string, Layer>>;
  /** The class is defined outside Keras (a Keras 3 `module` not under keras, or a registered `package>Class` name). */
  readonly userDefined?: boolean;
  /** A user-supplied implementation (`--custom`) computes this layer. */
  readonly custom?: CustomBinding;
  /** The Keras 3 module that defines the class (`keras.layers`, `keras.src.ops.numpy`), when the file records it. */
  readonly module?: string;
  /** The arguments of the layer's only call (Keras 3 ops: each op object is called once). */
  readonly callArgs?: CallArgs;
  /** The config as its descriptor's `parseConfig` read it (once; see `configOf` in emit/layers/registry.ts). */
  parsed?: { readonly by: object; readonly config: unknown };
}

/** A custom layer implementation bound to a layer (see generator/custom-layers.ts). */
export interface CustomBinding {
  /** The `--custom` name that matched (the layer's name or its class). */
  readonly match: string;
  /** Import specifier of the implementation, relative to the generated module's folder. */
  readonly specifier: string;
  /** The implementation's `outputShape`, called while the model is built. */
  readonly outputShape: (inputShapes: readonly (readonly number[])[], config: Readonly<Record<string, unknown>>) => unknown;
}

/** A tensor flowing between layer calls. */
export interface Value {
  readonly id: number;
  shape: Shape;
  dtype: DType;
  /** Id of the per-timestep mask value attached to this tensor (Masking, Embedding mask_zero). */
  mask?: number;
}

/** One application of a layer to input values (a layer may be called several times). */
export interface Call {
  readonly layer: Layer;
  readonly inputs: number[];
  readonly outputs: number[];
  /** RNN `initial_state` values, in the order the layer takes them (h, then c for LSTM). */
  readonly initialState: number[];
  /** An explicit `mask=` value passed at call time. */
  readonly maskInput?: number;
  /** An explicit `mask=[…]` list, one per input (undefined where none): Attention's query and value masks. */
  readonly maskInputs?: readonly (number | undefined)[];
  /**
   * Keras 3 hands a layer its input's mask only when it is called with one tensor argument: an RNN
   * given `initial_state` tensors ignores the mask (which still travels on with its output).
   */
  readonly ignoresInputMask?: boolean;
  /** Tensors passed by keyword (MultiHeadAttention's `key`, `attention_mask`), by name. */
  readonly namedInputs?: Readonly<Record<string, number>>;
  /** Literal keyword arguments (`use_causal_mask`, `return_attention_scores`). */
  readonly options?: Readonly<Record<string, number | boolean | string | null>>;
}

/** The keyword tensors' shapes and literals of a call (empty when it has none). */
export function callShapes(call: Call, values: readonly Value[]): CallShapes {
  const named = Object.entries(call.namedInputs ?? {}).map(([k, v]): [string, Shape] => [k, values[v]!.shape]);
  return { namedInputs: Object.fromEntries(named), options: call.options ?? {} };
}

/** What shape inference sees of one call besides its positional input shapes. */
export interface CallShapes {
  readonly namedInputs: Readonly<Record<string, Shape>>;
  readonly options: Readonly<Record<string, number | boolean | string | null>>;
}

export interface ModelIO {
  readonly name: string;
  readonly value: number;
}

export interface Model {
  readonly name: string;
  /** Base name of the file it was read from (never a path). */
  readonly sourceName: string;
  readonly kerasVersion: KerasVersion;
  readonly inputs: ModelIO[];
  readonly outputs: ModelIO[];
  /** Layer calls in an order where every input is computed before it is used. */
  calls: Call[];
  values: Value[];
  /** Notes on interpretations applied while loading (old Keras semantics), for `inspect`. */
  readonly notes: string[];
}
