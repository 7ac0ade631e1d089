/** Softmax layer over any axis or contiguous run of axes (default: the last axis). */
import type { Layer, Shape } from "../../ir/types.js";
import { sampleAxes, spanOf } from "./axes.js";
import type { LayerEmitter } from "./types.js";

const span = (layer: Layer, shape: Shape) => spanOf(layer, shape, sampleAxes(layer, layer.config["axis"] ?? -1, shape.length));

export const softmaxLayer: LayerEmitter = {
  classNames: ["Softmax"],
  mask: "refuse",
  docs: "Activation layers",
  outputShapes(layer, [input]) {
    span(layer, input!);
    return [input!];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const shape = ctx.shape(call.inputs[0]!);
    const s = span(call.layer, shape);
    const out = ctx.buffer(call.outputs[0]!);
    ctx.line(`${ctx.rt("copy")}(${ctx.buffer(call.inputs[0]!)}, 0, ${out}, 0, ${ctx.size(shape)});`);
    ctx.line(`${ctx.rt("softmaxAxis")}(${out}, ${ctx.size(s.outer)}, ${ctx.size(s.axis)}, ${ctx.size(s.inner)});`);
  },
};
