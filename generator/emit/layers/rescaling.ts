/** Rescaling: x · scale + offset, each a number or one value per feature of the last axis. */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { formatFloat32 } from "../float32.js";
import type { LayerEmitter } from "./types.js";

/** A scalar, or a list of one value per feature (length 1 counts as a scalar). */
function factor(layer: Layer, key: string, fallback: number, input: Shape): number | number[] {
  const v = layer.config[key] ?? fallback;
  if (typeof v === "number" && Number.isFinite(v)) return v;
  const features = input[input.length - 1];
  if (Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))) {
    if (v.length === 1) return v[0] as number;
    if (v.length === features) return v as number[];
  }
  throw layerError(layer, `config "${key}" must be a number or one number per feature (${String(features)}), got ${JSON.stringify(v)}`);
}

export const rescaling: LayerEmitter = {
  classNames: ["Rescaling"],
  mask: "pass",
  docs: "Core",
  outputShapes(layer, [input]) {
    factor(layer, "scale", 1, input!);
    factor(layer, "offset", 0, input!);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const shape = ctx.shape(call.inputs[0]!);
    const scale = factor(layer, "scale", 1, shape);
    const offset = factor(layer, "offset", 0, shape);
    const n = shape[shape.length - 1];
    // Per-feature factors become Float32 constants indexed by the position along the last axis.
    const term = (v: number | number[], label: string) =>
      typeof v === "number" ? formatFloat32(v) : `${ctx.weight(layer, -1, label, Float32Array.from(v))}[i % ${String(n)}]!`;
    const x = ctx.buffer(call.inputs[0]!);
    ctx.line(`for (let i = 0; i < ${ctx.size(shape)}; i++) ${ctx.buffer(call.outputs[0]!)}[i] = ${x}[i]! * ${term(scale, "scale")} + ${term(offset, "offset")};`);
  },
};
