/**
 * GroupNormalization: the channel axis (`axis`, default -1) is cut into `groups` groups (-1: one
 * per channel, i.e. instance normalisation); each group is normalised over every per-sample value
 * it holds, then scaled and shifted per channel (gamma, beta).
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize, sampleAxis } from "./axes.js";
import { boolParam, numParam } from "./config.js";
import { formatFloat32 } from "../float32.js";
import { configOf } from "./parsed-config.js";
import type { LayerEmitter } from "./types.js";

interface GroupNormConfig {
  readonly axis: unknown;
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
}

/** The channel axis, its size and the number of groups for an input shape. */
function layout(layer: Layer, shape: Shape): { axis: number; channels: number; groups: number } {
  const c = configOf(groupNormalization, layer);
  const axis = sampleAxis(layer, c.axis, shape.length);
  const channels = fixedSize(layer, [shape[axis]!], "the channel axis");
  const groups = c.groups === -1 ? channels : c.groups;
  if (groups < 1 || groups > channels || channels % groups !== 0) throw layerError(layer, `${channels} channels cannot be cut into ${c.groups} groups`);
  return { axis, channels, groups };
}

export const groupNormalization: LayerEmitter<GroupNormConfig> = {
  classNames: ["GroupNormalization"],
  mask: "pass",
  docs: "Normalization",
  parseConfig(layer) {
    const groups = layer.config["groups"] ?? 32;
    if (typeof groups !== "number" || !Number.isInteger(groups) || (groups < 1 && groups !== -1)) throw layerError(layer, `groups must be a positive integer or -1, got ${JSON.stringify(groups)}`);
    return { axis: layer.config["axis"] ?? -1, groups, epsilon: numParam(layer, "epsilon", 1e-3), center: boolParam(layer, "center", true), scale: boolParam(layer, "scale", true) };
  },
  outputShapes(layer, [input]) {
    layout(layer, input!);
    return [input!];
  },
  weightSpecs(layer, [input]) {
    const { channels } = layout(layer, input!);
    const c = configOf(groupNormalization, layer);
    return [
      ...(c.scale ? [{ name: "gamma", shape: [channels], slices: ["scale, one per channel"] }] : []),
      ...(c.center ? [{ name: "beta", shape: [channels], slices: ["offset, one per channel"] }] : []),
    ];
  },
  emit(call, ctx) {
    const layer = call.layer;
    const shape = ctx.shape(call.inputs[0]!);
    const { axis, channels, groups } = layout(layer, shape);
    const c = configOf(groupNormalization, layer);
    const gamma = c.scale ? ctx.weight(layer, 0, "gamma") : "null";
    const beta = c.center ? ctx.weight(layer, c.scale ? 1 : 0, "beta") : "null";
    const args = [ctx.buffer(call.inputs[0]!), ctx.size(shape.slice(0, axis)), String(groups), String(channels / groups), ctx.size(shape.slice(axis + 1)), gamma, beta, formatFloat32(c.epsilon), ctx.buffer(call.outputs[0]!)];
    ctx.line(`// ${groups} groups of ${channels / groups} channels`, `${ctx.rt("groupNorm")}(${args.join(", ")});`);
  },
};
