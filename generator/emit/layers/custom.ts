/**
 * A layer computed by a user-supplied implementation (`--custom`): its `outputShape` ran at
 * generation time; the module imports it and calls `forward(inputs, output, inputShapes, config,
 * weights)` on the session's buffers. Only fixed shapes: the shapes are generation-time constants.
 */
import { layerError } from "../../errors.js";
import type { CustomBinding, Layer, Shape } from "../../ir/types.js";
import { commentText, identifierFrom, jsonLiteral } from "../names.js";
import type { LayerEmitter } from "./types.js";

const FORWARD_TYPE =
  "(inputs: readonly Float64Array[], output: Float64Array, inputShapes: readonly (readonly number[])[], config: Readonly<Record<string, unknown>>, weights: readonly Float32Array[]) => void";

export const customLayer: LayerEmitter = {
  classNames: [],
  mask: "refuse",
  outputShapes(layer, inputs) {
    const binding = bindingOf(layer);
    const shapes = inputs.map((s) => fixedShape(layer, s));
    let result: unknown;
    try {
      result = binding.outputShape(shapes, structuredClone(layer.config));
    } catch (err) {
      throw layerError(layer, `custom layer: outputShape threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    const shape = checkShape(layer, result);
    crossCheck(layer, shape);
    return [shape];
  },
  weightSpecs(layer) {
    // keras2ts cannot know a custom layer's weights: whatever the file holds is passed on, in order.
    return layer.weights.map((w, i) => ({ name: w.name, shape: w.shape, slices: [`weights[${i}] of the custom implementation`] }));
  },
  emit(call, ctx) {
    const layer = call.layer;
    const binding = bindingOf(layer);
    const file = binding.specifier.slice(binding.specifier.lastIndexOf("/") + 1).replace(/\.[^.]*$/, "");
    const impl = ctx.importModule(binding.specifier, `custom_${identifierFrom(file)}`);
    const labels = ["forward", "inputs", "shapes", "config", "weights"];
    const [forward, inputs, shapes, config, weights] = labels.map((label) => ctx.id(layer, label)) as [string, string, string, string, string];
    const shapeList = call.inputs.map((v) => `[${ctx.shape(v).join(", ")}]`).join(", ");
    ctx.declare(
      `/** ${commentText(layer.name)} (${commentText(layer.className)}): its custom implementation, input shapes, Keras config and weights. */`,
      // Typed as the full interface: an implementation may declare fewer parameters (e.g. no weights).
      `const ${forward}: ${FORWARD_TYPE} = ${impl}.forward;`,
      `const ${shapes}: readonly (readonly number[])[] = [${shapeList}];`,
      `const ${config}: Readonly<Record<string, unknown>> = ${jsonLiteral(layer.config)};`,
      `const ${weights}: Float32Array[] = [];`,
    );
    const weightIds = layer.weights.map((w, i) => ctx.weight(layer, i, identifierFrom(w.name)));
    if (weightIds.length > 0) ctx.afterWeights(`${weights}.push(${weightIds.join(", ")});`);
    // Made once per session, so that predict allocates nothing.
    ctx.func([`const ${inputs}: readonly Float64Array[] = [${call.inputs.map((v) => ctx.buffer(v)).join(", ")}];`]);
    ctx.line(`${forward}(${inputs}, ${ctx.buffer(call.outputs[0]!)}, ${shapes}, ${config}, ${weights});`);
  },
};

function bindingOf(layer: Layer): CustomBinding {
  if (!layer.custom) throw new Error(`layer ${layer.name} has no custom implementation`);
  return layer.custom;
}

function fixedShape(layer: Layer, shape: Shape): number[] {
  if (shape.some((d) => typeof d !== "number")) {
    throw layerError(layer, "custom layer: its input has a variable length (None), fix it with --timesteps N");
  }
  return shape as number[];
}

function checkShape(layer: Layer, result: unknown): number[] {
  const ok = Array.isArray(result) && result.every((d) => Number.isSafeInteger(d) && (d as number) > 0);
  if (!ok) {
    const shown = (() => {
      try {
        return JSON.stringify(result)?.slice(0, 80) ?? String(result);
      } catch {
        return String(result);
      }
    })();
    throw layerError(layer, `custom layer: outputShape returned ${shown}, expected an array of positive whole numbers (no batch dimension)`);
  }
  return [...(result as number[])];
}

/** A Lambda's `output_shape`, when the config records one as plain sizes, must agree. */
function crossCheck(layer: Layer, shape: readonly number[]): void {
  const recorded = layer.config["output_shape"];
  if (!Array.isArray(recorded) || !recorded.every((d) => Number.isSafeInteger(d) && d > 0)) return;
  if (recorded.length !== shape.length || recorded.some((d, i) => d !== shape[i])) {
    throw layerError(layer, `custom layer: outputShape returned [${shape.join(", ")}] but the Keras config records output_shape [${recorded.join(", ")}]`);
  }
}
