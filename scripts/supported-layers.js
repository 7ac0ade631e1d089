// The README's supported-layers section, made from the emitter registry so it cannot drift.
import { supportedClasses, supportedOps } from "../dist/generator/emit/layers/registry.js";

const GROUPS = [
  ["Recurrent", ["LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "TimeDistributed", "ConvLSTM1D", "ConvLSTM2D"],
    "`return_sequences`, `return_state`, `go_backwards`, `stateful`, `initial_state`, masks, any elementwise `activation`/`recurrent_activation`; GRU `reset_after` true and false; Bidirectional `concat`/`sum`/`mul`/`ave`/`None`; RNN with one LSTMCell/GRUCell/SimpleRNNCell"],
  ["Core", ["Dense", "Embedding", "Activation", "Masking", "Identity", "Rescaling"], "every Keras activation (relu … mish, log_softmax) with the semantics of the file's Keras version; Embedding `mask_zero`"],
  ["Activation layers", ["ReLU", "LeakyReLU", "ELU", "PReLU", "ThresholdedReLU", "Softmax"], "ReLU `max_value`/`negative_slope`/`threshold`; PReLU `shared_axes`; Softmax over any axis"],
  ["Convolution", ["Conv1D", "Conv2D", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"], "`valid`/`same`/`causal`, strides, dilation, groups, `channels_first`"],
  ["Pooling", ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalAveragePooling1D", "GlobalAveragePooling2D"], "`valid`/`same`, `keepdims`, masked global average"],
  ["Normalization", ["BatchNormalization", "LayerNormalization", "UnitNormalization"], "any axis, `center`/`scale`, LayerNormalization `rms_scaling`"],
  ["Shape", ["Flatten", "Reshape", "RepeatVector", "Permute", "ZeroPadding1D", "ZeroPadding2D", "Cropping1D", "Cropping2D", "UpSampling1D", "UpSampling2D"], ""],
  ["Merge", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"], "broadcasting like Keras; Concatenate on any axis; Dot `axes`, `normalize`"],
  ["Identity at inference", ["Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ActivityRegularization"], ""],
];

const OPS_NOTES = "numpy broadcasting with the batch axis; scalars and constant arrays (`ops.arange`) as operands; axes count the batch axis, which must stay whole; told from same-named layers by module";

export function supportedLayersSection() {
  const listed = GROUPS.flatMap(([, classes]) => classes);
  const registry = supportedClasses();
  const missing = registry.filter((c) => !listed.includes(c));
  const extra = listed.filter((c) => !registry.includes(c));
  if (missing.length || extra.length) {
    throw new Error(`scripts/supported-layers.js is out of date: unlisted ${missing.join(", ") || "none"}; not in the registry ${extra.join(", ") || "none"}`);
  }
  const rows = GROUPS.map(([group, classes, notes]) => `| ${group} | ${classes.join(", ")} | ${notes} |`);
  rows.push(`| Keras 3 ops (\`keras.ops\` in functional graphs) | ${supportedOps().join(", ")} | ${OPS_NOTES} |`);
  return ["| kind | classes | options |", "|---|---|---|", ...rows].join("\n");
}
