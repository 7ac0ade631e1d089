/** Browser stand-in for generator/custom-layers.ts: `--custom` implementation files are a CLI feature. */
export type CustomLayerSource = { readonly name: string; readonly path: string };
export type CustomLayer = never;
export type CustomLayerImplementation = never;

export function loadCustomLayers(): never {
  throw new Error("custom layer implementations (--custom) need the command line");
}
