/** The README's supported-layers table: its groups in order, with the options each row lists. */
import type { DocsGroup } from "./types.js";

export const DOCS_GROUPS: readonly { readonly group: DocsGroup; readonly options: string }[] = [
  { group: "Recurrent", options: "`return_sequences`, `return_state`, `go_backwards`, `stateful`, `initial_state`, masks, any elementwise `activation`/`recurrent_activation`; GRU `reset_after` true and false; Bidirectional `concat`/`sum`/`mul`/`ave`/`None`; RNN with one LSTMCell/GRUCell/SimpleRNNCell or a StackedRNNCells of them; legacy CuDNNLSTM/CuDNNGRU read as LSTM/GRU(reset_after=True) with weights converted as Keras 2 did" },
  { group: "Core", options: "every Keras activation (relu … mish, log_softmax) with the semantics of the file's Keras version; Embedding `mask_zero`" },
  { group: "Activation layers", options: "ReLU `max_value`/`negative_slope`/`threshold`; PReLU `shared_axes`; Softmax over any axis" },
  { group: "Convolution", options: "`valid`/`same`/`causal`, strides, dilation, groups, `channels_first`" },
  { group: "Pooling", options: "`valid`/`same`, `keepdims`, masked global average" },
  { group: "Normalization", options: "any axis, `center`/`scale`, LayerNormalization `rms_scaling`" },
  { group: "Shape", options: "" },
  { group: "Merge", options: "broadcasting like Keras; Concatenate on any axis; Dot `axes`, `normalize`" },
  { group: "Attention", options: "MultiHeadAttention: any heads, `key_dim`/`value_dim`, `output_shape`, `use_bias`, cross attention (query/value/key lengths differ), `use_causal_mask`, `attention_mask`, query/value/key masks as Keras 3.15 combines them, `return_attention_scores`, higher-rank inputs attending over all positions; Attention `dot`/`concat`, `use_scale`; causal and padding masks; EinsumDense: any two-operand equation (ellipsis, `bias_axes`, activation)" },
  { group: "Preprocessing", options: "Normalization adapted or given mean/variance over any kept axes, `invert`; Discretization `bin_boundaries` with int, one_hot, multi_hot or count output; CategoryEncoding one_hot, multi_hot, count" },
  { group: "Keras 3 ops", options: "`keras.ops` calls in functional graphs, told from same-named layers by module: numpy broadcasting with the batch axis; scalars and constant arrays (`ops.arange`) as operands; axes count the batch axis, which must stay whole; slices with negative and strided bounds, `...`, `None`; multi-output Split/Unstack" },
  { group: "Identity at inference", options: "" },
];
