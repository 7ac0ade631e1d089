/** A descriptor's typed config of a layer: parsed on first use, kept on the layer, read everywhere after. */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";
import type { LayerEmitter } from "./types.js";

export function configOf<C>(emitter: LayerEmitter<C>, layer: Layer): C {
  if (!emitter.parseConfig) throw layerError(layer, "has no typed config (internal: the descriptor defines no parseConfig)");
  if (layer.parsed === undefined || layer.parsed.by !== emitter) layer.parsed = { by: emitter, config: emitter.parseConfig(layer) };
  return layer.parsed.config as C;
}
