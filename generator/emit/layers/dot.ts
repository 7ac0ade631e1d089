/**
 * Dot(axes, normalize): per sample, sums x·y over one axis of each input (Keras' batch_dot). The
 * output holds x's remaining axes then y's, or (1,) when none remain. With normalize, both inputs
 * are first L2-normalised along their summed axis.
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize } from "./axes.js";
import { boolParam } from "./config.js";
import type { LayerEmitter } from "./types.js";

/** The summed axis of each input, as per-sample axes (Keras counts the batch axis). */
function dotAxes(layer: Layer, inputs: readonly Shape[]): [number, number] {
  if (inputs.length !== 2) throw layerError(layer, `expects exactly 2 inputs, got ${inputs.length}`);
  const spec = layer.config["axes"];
  const list = typeof spec === "number" ? [spec, spec] : spec;
  if (!Array.isArray(list) || list.length !== 2 || !list.every((a) => Number.isInteger(a))) {
    throw layerError(layer, `axes must be an integer or a pair of integers, got ${JSON.stringify(spec)}`);
  }
  const axes = list.map((a: number, k) => {
    const full = inputs[k]!.length + 1;
    const axis = a < 0 ? ((a % full) + full) % full : a;
    if (axis === 0 || axis >= full) throw layerError(layer, `axis ${a} is the batch axis or out of range for input ${k}`);
    return axis - 1;
  }) as [number, number];
  const [x, y] = inputs as [Shape, Shape];
  fixedSize(layer, [...x, ...y], "each input");
  if (x[axes[0]] !== y[axes[1]]) throw layerError(layer, `summed axes differ in size (${x[axes[0]]} and ${y[axes[1]]})`);
  return axes;
}

/** A shape as (before, axis, after) sizes around one axis. */
function around(shape: Shape, axis: number): [number, number, number] {
  const prod = (dims: Shape) => dims.reduce<number>((p, d) => p * Number(d), 1);
  return [prod(shape.slice(0, axis)), Number(shape[axis]), prod(shape.slice(axis + 1))];
}

export const dot: LayerEmitter = {
  classNames: ["Dot"],
  docs: "Merge",
  outputShapes(layer, inputs) {
    const [ax, ay] = dotAxes(layer, inputs);
    const rest = [...inputs[0]!.filter((_, k) => k !== ax), ...inputs[1]!.filter((_, k) => k !== ay)];
    return [rest.length === 0 ? [1] : rest];
  },
  weightSpecs: () => [],
  emit(call, ctx) {
    const layer = call.layer;
    const shapes = call.inputs.map((v) => ctx.shape(v));
    const axes = dotAxes(layer, shapes);
    const [xa, k, xb] = around(shapes[0]!, axes[0]);
    const [ya, , yb] = around(shapes[1]!, axes[1]);
    let [x, y] = call.inputs.map((v) => ctx.buffer(v)) as [string, string];
    if (boolParam(layer, "normalize", false)) {
      // Keras 3 caps the inverse norm at 1/epsilon (1e-7); Keras 2 used l2_normalize (epsilon 1e-12 on the squared sum).
      const cap = ctx.version.major >= 3 ? "1e7" : "1e6";
      const xn = ctx.scratch(layer, "x_normalized", shapes[0]!);
      const yn = ctx.scratch(layer, "y_normalized", shapes[1]!);
      ctx.line(`${ctx.rt("l2Normalize")}(${x}, ${xa}, ${k}, ${xb}, ${cap}, ${xn});`, `${ctx.rt("l2Normalize")}(${y}, ${ya}, ${k}, ${yb}, ${cap}, ${yn});`);
      [x, y] = [xn, yn];
    }
    ctx.line(`${ctx.rt("batchDot")}(${x}, ${xa}, ${k}, ${xb}, ${y}, ${ya}, ${yb}, ${ctx.buffer(call.outputs[0]!)});`);
  },
};
