/**
 * The few types the loaders produce and the IR reuses. They live here, not in ir/types.ts, so that
 * the dependency runs one way only: ir → load (the IR is built from what the loaders read).
 */

/** A layer's config after normalisation to Keras 3 key names (see normalize-config.ts). */
export type Config = Record<string, unknown>;

export interface KerasVersion {
  readonly raw: string;
  readonly major: number;
  readonly minor: number;
}

/** One weight tensor, named as the file names it (or by position when the file has no names). */
export interface Weight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/**
 * One non-tensor call argument of a Keras 3 op (`keras.src.ops.*` entries), decoded from the
 * config: plain JSON values and lists stay as they are, tensors become references to the call's
 * inputs, and Keras' tagged objects become typed values.
 */
export type CallArg =
  | number
  | boolean
  | string
  | null
  | readonly CallArg[]
  | { readonly kind: "tensor"; readonly input: number }
  | { readonly kind: "slice"; readonly start: CallArg; readonly stop: CallArg; readonly step: CallArg }
  | { readonly kind: "ellipsis" }
  | { readonly kind: "constant"; readonly shape: readonly number[]; readonly data: readonly number[]; readonly dtype: string }
  | { readonly kind: "object"; readonly className: string };

/** The arguments of a call as written in a Keras 3 inbound node (`args`, `kwargs`). */
export interface CallArgs {
  readonly args: readonly CallArg[];
  readonly kwargs: Readonly<Record<string, CallArg>>;
}
