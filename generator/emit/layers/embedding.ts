/**
 * Embedding: each input id (a number; Keras casts it to int32) becomes a row of the (input_dim,
 * output_dim) table. An id outside [0, input_dim) throws a RangeError naming the input, as Keras'
 * numpy and TensorFlow backends raise (no clamping). mask_zero=True attaches a mask (id != 0).
 */
import { layerError } from "../../errors.js";
import { stringLiteral } from "../names.js";
import { intParam } from "./config.js";
import { configOf } from "./parsed-config.js";
import type { LayerEmitter } from "./types.js";

interface EmbeddingConfig {
  /** Rows of the table: ids run over [0, inputDim). */
  readonly inputDim: number;
  readonly outputDim: number;
}

export const embedding: LayerEmitter<EmbeddingConfig> = {
  classNames: ["Embedding"],
  mask: (layer) => (layer.config["mask_zero"] === true ? "create" : "drop"),
  normalizeConfig(c, { name, version, notes }) {
    if (version.major < 3 && typeof c["dtype"] === "string" && /int/.test(c["dtype"])) {
      // Keras 2: an Embedding's dtype was its input placeholder's dtype; the table stayed float32.
      c["input_dtype"] ??= c["dtype"];
      c["dtype"] = "float32";
      notes.push(`Embedding "${name}": dtype ${String(c["input_dtype"])} is the input's dtype (Keras ${version.raw}); the table is float32`);
    }
  },
  docs: "Core",
  parseConfig(layer) {
    const q = layer.config["quantization_config"];
    if (q !== undefined && q !== null) throw layerError(layer, "quantized embeddings are not supported");
    return { inputDim: intParam(layer, "input_dim"), outputDim: intParam(layer, "output_dim") };
  },
  outputShapes: (layer, [input]) => [[...input!, configOf(embedding, layer).outputDim]],
  weightSpecs: (layer) => [
    {
      name: "embeddings",
      shape: [configOf(embedding, layer).inputDim, configOf(embedding, layer).outputDim],
      slices: ["row k: the vector of token id k"],
    },
  ],
  emit(call, ctx) {
    const layer = call.layer;
    const { inputDim: rows, outputDim: dim } = configOf(embedding, layer);
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
