/**
 * Keras activations as code. Elementwise ones become a call on a scalar expression; softmax-like
 * ones act on whole rows of the last axis. Semantics follow the Keras version that wrote the file.
 */
import { layerError } from "../errors.js";
import type { KerasVersion, Layer } from "../ir/types.js";
import { formatFloat32 } from "./float32.js";

export interface Activation {
  readonly name: string;
  /** Elementwise: code applying the activation to the expression `x`. */
  readonly scalar?: (x: string) => string;
  /** Row-wise over the last axis: the runtime function (`softmax`, `logSoftmax`). */
  readonly rowwise?: string;
}

type Params = Record<string, unknown>;

const num = (v: unknown, fallback: number): string => formatFloat32(typeof v === "number" ? v : fallback);

/** Activation name and parameters from a config value: "relu", {class_name, config}, or null. */
export function activationName(spec: unknown): { name: string; params: Params } {
  if (spec === null || spec === undefined) return { name: "linear", params: {} };
  if (typeof spec === "string") return { name: spec.toLowerCase(), params: {} };
  if (typeof spec === "object") {
    const o = spec as Params;
    const cls = o["class_name"];
    const config = (o["config"] ?? {}) as Params;
    if (cls === "function" || cls === "builtins.function") return activationName(config);
    if (typeof config === "string") return activationName(config);
    if (typeof cls === "string") return { name: snake(cls), params: config };
  }
  return { name: String(spec), params: {} };
}

function snake(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Resolves an activation; `rt` imports a runtime function and returns its local name. */
export function resolveActivation(layer: Layer, spec: unknown, version: KerasVersion, rt: (n: string) => string): Activation {
  const { name, params } = activationName(spec);
  const call = (fn: string, ...extra: string[]) => (x: string) => `${rt(fn)}(${[x, ...extra].join(", ")})`;
  switch (name) {
    case "linear":
    case "none":
      return { name: "linear", scalar: (x) => x };
    case "relu":
      return { name, scalar: call("relu") };
    case "relu6":
      return { name, scalar: call("relu6") };
    case "sigmoid":
      return { name, scalar: call("sigmoid") };
    case "tanh":
      return { name, scalar: call("tanh") };
    case "hard_sigmoid":
      // Keras 3 changed the formula under the same name: x/6 + 0.5 instead of 0.2x + 0.5.
      return { name, scalar: call(version.major >= 3 ? "hardSigmoid" : "hardSigmoidKeras2") };
    case "hard_swish":
    case "hard_silu":
      return { name, scalar: call("hardSwish") };
    case "hard_tanh":
      return { name, scalar: call("hardTanh") };
    case "softplus":
      return { name, scalar: call("softplus") };
    case "softsign":
      return { name, scalar: call("softsign") };
    case "elu":
      return { name, scalar: call("elu", num(params["alpha"], 1)) };
    case "selu":
      return { name, scalar: call("selu") };
    case "celu":
      return { name, scalar: call("celu", num(params["alpha"], 1)) };
    case "gelu":
      return { name, scalar: call(params["approximate"] === true ? "geluTanh" : "gelu") };
    case "swish":
    case "silu":
      return { name, scalar: call("swish") };
    case "mish":
      return { name, scalar: call("mish") };
    case "exponential":
      return { name, scalar: call("exponential") };
    case "leaky_relu":
      return { name, scalar: call("leakyRelu", num(params["negative_slope"] ?? params["alpha"], 0.2)) };
    case "log_sigmoid":
      return { name, scalar: call("logSigmoid") };
    case "tanh_shrink":
      return { name, scalar: call("tanhShrink") };
    case "soft_shrink":
      return { name, scalar: call("softShrink", num(params["threshold"], 0.5)) };
    case "hard_shrink":
      return { name, scalar: call("hardShrink", num(params["threshold"], 0.5)) };
    case "squareplus":
      return { name, scalar: call("squareplus", num(params["b"], 4)) };
    case "sparse_plus":
      return { name, scalar: call("sparsePlus") };
    case "softmax":
      return { name, rowwise: rt("softmax") };
    case "log_softmax":
      return { name, rowwise: rt("logSoftmax") };
    default:
      throw layerError(layer, `unsupported activation "${name}"`);
  }
}
