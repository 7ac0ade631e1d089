/** Concatenate along any axis: each output row (the axis and everything after it) takes each input's row in turn. */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { sampleAxis } from "./axes.js";
import type { LayerEmitter } from "./types.js";

function concatAxis(layer: Layer, inputs: readonly Shape[]): number {
  if (inputs.length < 1) throw layerError(layer, "expects at least one input");
  const rank = inputs[0]!.length;
  if (inputs.some((s) => s.length !== rank)) throw layerError(layer, "inputs must all have the same rank");
  const axis = sampleAxis(layer, layer.config["axis"] ?? -1, rank);
  for (const s of inputs) {
    if (s.slice(axis).some((d) => typeof d !== "number")) {
      throw layerError(layer, "cannot concatenate along or before a variable-length axis (use --timesteps)");
    }
    if (s.some((d, k) => k !== axis && d !== inputs[0]![k])) {
      throw layerError(layer, `input shapes ${inputs.map((i) => `(${i.join(", ")})`).join(", ")} differ outside the concatenation axis`);
    }
  }
  return axis;
}

export const concatenate: LayerEmitter = {
  classNames: ["Concatenate"],
  mask: "merge",
  docs: "Merge",
  outputShapes(layer, inputs) {
    const axis = concatAxis(layer, inputs);
    const shape = [...inputs[0]!];
    shape[axis] = inputs.reduce((sum, s) => sum + (s[axis] as number), 0);
    return [shape];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const shapes = call.inputs.map((v) => ctx.shape(v));
    const axis = concatAxis(call.layer, shapes);
    const outer = ctx.size(shapes[0]!.slice(0, axis));
    const rows = shapes.map((s) => ctx.size(s.slice(axis)));
    const rowTotal = ctx.size(ctx.shape(call.outputs[0]!).slice(axis));
    const out = ctx.buffer(call.outputs[0]!);
    const copy = ctx.rt("copy");
    let offset = 0;
    const lines = call.inputs.map((v, k) => {
      const x = ctx.buffer(v);
      const line = outer === "1"
        ? `${copy}(${x}, 0, ${out}, ${offset}, ${rows[k]});`
        : `  ${copy}(${x}, r * ${rows[k]}, ${out}, r * ${rowTotal} + ${offset}, ${rows[k]});`;
      offset += Number(rows[k]);
      return line;
    });
    if (outer === "1") ctx.line(...lines);
    else ctx.line(`for (let r = 0; r < ${outer}; r++) {`, ...lines, "}");
  },
};
