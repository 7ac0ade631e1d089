/** Matches `--custom` names to layers: a layer's name first, else its class (`package>Class` by `Class` too). */
import type { CustomLayer } from "../custom-layers.js";
import { KerasError } from "../errors.js";
import type { Architecture, ArchLayer } from "../load/architecture.js";
import type { CustomBinding } from "./types.js";

export type CustomFor = (layer: ArchLayer) => CustomBinding | undefined;

const classMatches = (className: string, name: string) => className === name || className.slice(className.lastIndexOf(">") + 1) === name;

/** The binding of each layer; every custom layer must match at least one layer. */
export function bindCustomLayers(arch: Architecture, customs: readonly CustomLayer[]): CustomFor | undefined {
  if (customs.length === 0) return undefined;
  const layers = arch.layers.filter((l) => l.className !== "InputLayer");
  const names = new Set(layers.map((l) => l.name));
  const byName = new Map(customs.filter((c) => names.has(c.name)).map((c) => [c.name, c]));
  const byClass = customs.filter((c) => !names.has(c.name));
  for (const c of byClass) {
    if (!layers.some((l) => classMatches(l.className, c.name))) {
      throw new KerasError(`--custom ${c.name}: no layer or layer class of that name in the model`);
    }
  }
  return (layer) => {
    if (layer.className === "InputLayer") return undefined;
    const c = byName.get(layer.name) ?? byClass.find((x) => classMatches(layer.className, x.name));
    return c && { match: c.name, specifier: c.specifier, outputShape: (shapes, config) => c.implementation.outputShape(shapes, config) };
  };
}
