/**
 * What the loaders need to know about layer kinds, supplied by the caller (the layer registry,
 * `layerKinds` in emit/layers/registry.ts) so that loading depends on no emitter.
 */
import type { Config, KerasVersion } from "./types.js";

export interface LayerKinds {
  /** The class takes initial-state tensors (Keras 1/2 list them as extra inbound tensors). */
  takesInitialState(className: string): boolean;
  /** Makes a config written by an older Keras mean what it meant there (edits `config`, notes what it did). */
  normalizeConfig(className: string, name: string, config: Config, version: KerasVersion, notes: string[]): void;
}
