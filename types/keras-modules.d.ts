/**
 * Types for Keras files imported through the `keras2ts/vite` plugin
 * (`import { predict } from "./model.keras"`). Reference them once in a TypeScript app:
 * `/// <reference types="keras2ts/modules" />`, or `"types": ["keras2ts/modules"]` in tsconfig.json.
 * They are the generated module's exports in their general form; a generated `.ts` module types its
 * own model exactly (argument count, output shapes).
 */
interface Keras2tsTensorInfo {
  readonly name: string;
  readonly shape: readonly (number | null)[];
}

interface Keras2tsSession {
  /** One flattened sample per input; the result is reused by the next call (copy it to keep it). */
  predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[];
  resetStates(): void;
}

declare module "*.keras" {
  export const inputs: readonly (Keras2tsTensorInfo & { readonly dtype: "float32" | "int32" })[];
  export const outputs: readonly Keras2tsTensorInfo[];
  export const predict: (...xs: ArrayLike<number>[]) => Float32Array | Float32Array[];
  export function createSession(): Keras2tsSession;
  /** Present only for models with stateful layers. */
  export const resetStates: (() => void) | undefined;
}

declare module "*.h5" {
  export const inputs: readonly (Keras2tsTensorInfo & { readonly dtype: "float32" | "int32" })[];
  export const outputs: readonly Keras2tsTensorInfo[];
  export const predict: (...xs: ArrayLike<number>[]) => Float32Array | Float32Array[];
  export function createSession(): Keras2tsSession;
  /** Present only for models with stateful layers. */
  export const resetStates: (() => void) | undefined;
}
