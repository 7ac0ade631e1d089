/**
 * Keras 3 inbound nodes record a call's arguments as JSON: tensors as `__keras_tensor__` objects,
 * Python slices, `...`, eager tensors and numpy arrays as tagged objects, everything else as plain
 * values. This decodes them into `CallArgs`, tensors numbered in the order the call's inputs are
 * listed (depth first through `args`), so ops can tell operands from parameters.
 */
import type { CallArg, CallArgs } from "./types.js";

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The largest constant accepted from a config (elements); a hostile config could otherwise claim anything. */
const MAX_CONSTANT = 1 << 22;

/** Deeper argument nesting than any op takes is left opaque (hostile configs must not exhaust the stack). */
const MAX_DEPTH = 32;

/** Decodes `args` and `kwargs`; `mask`, `training` and `initial_state` are handled elsewhere and left out. */
export function decodeCallArgs(args: unknown, kwargs: unknown): CallArgs {
  let next = 0;
  const counter = () => next++;
  const decodedArgs = Array.isArray(args) ? args.map((a) => decode(a, counter, 0)) : [];
  const decodedKwargs: Record<string, CallArg> = Object.create(null) as Record<string, CallArg>; // "__proto__" is just a key here
  if (isObject(kwargs)) {
    // Tensors in kwargs are not numbered as inputs: ops that take them are refused by the op family.
    const noTensor = () => -1;
    for (const [k, v] of Object.entries(kwargs)) if (!["mask", "training", "initial_state"].includes(k)) decodedKwargs[k] = decode(v, noTensor, 0);
  }
  return { args: decodedArgs, kwargs: decodedKwargs };
}

function decode(v: unknown, nextTensor: () => number, depth: number): CallArg {
  if (v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  if (depth > MAX_DEPTH) return { kind: "object", className: "nested too deep" };
  if (Array.isArray(v)) return v.map((x) => decode(x, nextTensor, depth + 1));
  if (!isObject(v)) return { kind: "object", className: typeof v };
  const className = typeof v["class_name"] === "string" ? v["class_name"] : "";
  const config = isObject(v["config"]) ? v["config"] : {};
  switch (className) {
    case "__keras_tensor__":
      return { kind: "tensor", input: nextTensor() };
    case "__slice__":
      return { kind: "slice", start: decode(config["start"] ?? null, nextTensor, depth + 1), stop: decode(config["stop"] ?? null, nextTensor, depth + 1), step: decode(config["step"] ?? null, nextTensor, depth + 1) };
    case "__ellipsis__":
      return { kind: "ellipsis" };
    case "__tensor__":
    case "__numpy__":
      return constant(config, className);
    default:
      return { kind: "object", className: className || "object" };
  }
}

/** A nested list of numbers → shape and row-major data; anything ragged or non-numeric stays an opaque object. */
function constant(config: Json, className: string): CallArg {
  const shape: number[] = [];
  for (let level: unknown = config["value"]; Array.isArray(level) && shape.length <= MAX_DEPTH; level = level[0]) shape.push(level.length);
  const size = shape.reduce((p, d) => p * d, 1);
  const data: number[] = [];
  const walk = (x: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof x === "boolean") return data.push(x ? 1 : 0) > 0;
      return typeof x === "number" && data.push(x) > 0;
    }
    return Array.isArray(x) && x.length === shape[depth] && x.every((y) => walk(y, depth + 1));
  };
  if (shape.length > MAX_DEPTH || size > MAX_CONSTANT || !walk(config["value"], 0)) return { kind: "object", className };
  return { kind: "constant", shape, data, dtype: typeof config["dtype"] === "string" ? config["dtype"] : "float32" };
}
