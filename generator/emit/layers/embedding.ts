/**
 * Embedding: each input id (a number; Keras casts it to int32) becomes a row of the (input_dim,
 * output_dim) table. An id outside [0, input_dim) throws a RangeError naming the input, as Keras'
 * numpy and TensorFlow backends raise (no clamping). mask_zero=True attaches a mask (id != 0).
 */
import { layerError } from "../../errors.js";
import { stringLiteral } from "../names.js";
import { intParam } from "./config.js";
import type { LayerEmitter } from "./types.js";

export const embedding: LayerEmitter = {
  classNames: ["Embedding"],
  outputShapes(layer, [input]) {
    const q = layer.config["quantization_config"];
    if (q !== undefined && q !== null) throw layerError(layer, "quantized embeddings are not supported");
    intParam(layer, "input_dim");
    return [[...input!, intParam(layer, "output_dim")]];
  },
  weightSpecs: (layer) => [
    {
      name: "embeddings",
      shape: [intParam(layer, "input_dim"), intParam(layer, "output_dim")],
      slices: ["row k: the vector of token id k"],
    },
  ],
  emit(call, ctx) {
    const layer = call.layer;
    const rows = intParam(layer, "input_dim");
    const dim = intParam(layer, "output_dim");
    const input = call.inputs[0]!;
    const n = ctx.size(ctx.shape(input));
    const ids = ctx.buffer(input);
    const table = ctx.weight(layer, 0, "embeddings");
    const inputName = ctx.inputName(input);
    const what = inputName !== undefined ? `input ${JSON.stringify(inputName)}` : `${layer.className} ${JSON.stringify(layer.name)}`;
    ctx.line(`${ctx.rt("embeddingLookup")}(${ids}, ${n}, ${table}, ${rows}, ${dim}, ${ctx.buffer(call.outputs[0]!)}, ${stringLiteral(what)});`);
    const mask = ctx.maskOf(call.outputs[0]!);
    // Keras compares the raw ids with 0 (before its int32 cast) for the mask.
    if (mask !== undefined) ctx.line(`${ctx.rt("notEqualMask")}(${ids}, ${n}, 0, ${ctx.buffer(mask)});`);
  },
};
