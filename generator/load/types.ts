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
