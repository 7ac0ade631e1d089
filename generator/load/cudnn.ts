/**
 * Keras 2's GPU-only CuDNNLSTM and CuDNNGRU. Keras 2 ran such a file on CPU by loading it into
 * LSTM / GRU(reset_after=True) after converting the weights (its `_convert_rnn_weights`): the
 * layers are read the same way here. Their weights hold cuDNN's own matrices: each gate's input
 * kernel is the (units, in) matrix stored row-major in an (in, units) block, each recurrent kernel
 * block transposed, and the input and recurrent biases kept apart (8u for LSTM, 6u for GRU).
 */
import type { Config, Weight } from "./types.js";

const CPU_CLASS: ReadonlyMap<string, string> = new Map([["CuDNNLSTM", "LSTM"], ["CuDNNGRU", "GRU"]]);

/** The fixed activations of the cuDNN kernels, and GRU's reset_after form. */
const CPU_CONFIG: ReadonlyMap<string, Config> = new Map([
  ["CuDNNLSTM", { activation: "tanh", recurrent_activation: "sigmoid", use_bias: true }],
  ["CuDNNGRU", { activation: "tanh", recurrent_activation: "sigmoid", use_bias: true, reset_after: true }],
]);

/** CuDNNLSTM/CuDNNGRU (also wrapped in Bidirectional/TimeDistributed) → the CPU class and config. */
export function cudnnAsCpu(className: string, config: Config, notes: string[]): { className: string; config: Config } {
  const cpu = CPU_CLASS.get(className);
  if (cpu) {
    const name = typeof config["name"] === "string" ? config["name"] : className;
    notes.push(`${className} "${name}" read as ${cpu}${cpu === "GRU" ? "(reset_after=True)" : ""} with its weights converted from cuDNN's layout, as Keras 2 loaded it on CPU`);
    return { className: cpu, config: { ...config, ...CPU_CONFIG.get(className) } };
  }
  const inner = config["layer"] as { class_name?: unknown; config?: Config } | undefined;
  if (inner && typeof inner === "object" && typeof inner.class_name === "string" && CPU_CLASS.has(inner.class_name)) {
    const converted = cudnnAsCpu(inner.class_name, inner.config ?? {}, notes);
    return { className, config: { ...config, layer: { ...inner, class_name: converted.className, config: converted.config } } };
  }
  return { className, config };
}

/**
 * Converts every (kernel, recurrent kernel, bias) triple whose bias has cuDNN's size (two biases
 * of `gates · units`, one-dimensional) into the CPU layout; other weights are left as they are.
 */
export function convertCudnnWeights(weights: readonly Weight[], gates: number): Weight[] {
  const out = [...weights];
  for (let k = 0; k + 2 < out.length; k += 3) {
    const [kernel, recurrent, bias] = [out[k]!, out[k + 1]!, out[k + 2]!];
    const units = recurrent.shape[0]!;
    if (recurrent.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== 2 * gates * units || kernel.shape[1] !== gates * units) continue;
    out[k] = { ...kernel, data: inputKernel(kernel, gates, units) };
    out[k + 1] = { ...recurrent, data: recurrentKernel(recurrent, gates, units) };
    out[k + 2] = gates === 4
      ? { ...bias, shape: [4 * units], data: Float32Array.from({ length: 4 * units }, (_, j) => bias.data[j]! + bias.data[4 * units + j]!) }
      : { ...bias, shape: [2, 3 * units] };
  }
  return out;
}

/** Per gate: the stored (in, u) block read row-major is cuDNN's (u, in) matrix; Keras wants its transpose. */
function inputKernel(w: Weight, gates: number, u: number): Float32Array {
  const n = w.shape[0]!;
  const out = new Float32Array(w.data.length);
  for (let g = 0; g < gates; g++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < u; j++) {
        const p = j * n + i; // position in the block's row-major values
        out[i * gates * u + g * u + j] = w.data[Math.floor(p / u) * gates * u + g * u + (p % u)]!;
      }
    }
  }
  return out;
}

/** Per gate: the (u, u) block transposed. */
function recurrentKernel(w: Weight, gates: number, u: number): Float32Array {
  const out = new Float32Array(w.data.length);
  for (let g = 0; g < gates; g++) for (let i = 0; i < u; i++) for (let j = 0; j < u; j++) out[i * gates * u + g * u + j] = w.data[j * gates * u + g * u + i]!;
  return out;
}
