/** Layer class name → emitter. Adding a layer kind = one file in this folder + one line here. */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";
import type { LayerEmitter } from "./types.js";
import { activationLayer } from "./activation.js";
import { dense } from "./dense.js";
import { identityLayers } from "./identity.js";
import { lstm } from "./lstm.js";

const EMITTERS: readonly LayerEmitter[] = [activationLayer, dense, identityLayers, lstm];

const BY_CLASS = new Map<string, LayerEmitter>();
for (const e of EMITTERS) for (const c of e.classNames) BY_CLASS.set(c, e);

export function emitterFor(layer: Layer): LayerEmitter {
  const emitter = BY_CLASS.get(layer.className);
  if (!emitter) throw layerError(layer, `unsupported layer class "${layer.className}" (supported: ${supportedClasses().join(", ")})`);
  return emitter;
}

export function supportedClasses(): string[] {
  return [...BY_CLASS.keys()].sort();
}
