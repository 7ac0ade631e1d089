/**
 * The architecture JSON of any Keras version → one normalised form: a list of layers with Keras 3
 * config keys, each with its calls (inbound nodes), plus the model's inputs and outputs.
 */
import { KerasError } from "../errors.js";
import type { Config, KerasVersion } from "../ir/types.js";
import { normalizeLayerConfig } from "./normalize-config.js";

/** `[layer name, call index, output index]`: one output of one call of a layer. */
export type TensorRef = readonly [string, number, number];

export interface ArchCall {
  readonly args: TensorRef[];
  readonly initialState: TensorRef[];
  readonly mask?: TensorRef;
}

export interface ArchLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Config;
  readonly calls: ArchCall[];
}

export interface Architecture {
  readonly name: string;
  readonly layers: ArchLayer[];
  readonly inputs: TensorRef[];
  readonly outputs: TensorRef[];
  /** Notes on old-version interpretations applied. */
  readonly notes: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function readArchitecture(raw: unknown, version: KerasVersion): Architecture {
  if (!isObject(raw)) throw new KerasError("model config is not a JSON object");
  const className = raw["class_name"];
  const config = raw["config"];
  const notes: string[] = [];
  if (className === "Sequential") return readSequential(config, version, notes);
  if (className === "Functional" || className === "Model") return readFunctional(config, version, notes);
  throw new KerasError(`unsupported model class ${JSON.stringify(className)} (expected Sequential, Functional or Model)`);
}

function layerList(config: unknown, notes: string[]): { name: string; layers: Json[] } {
  // Keras <= 2.2.2 wrote a Sequential config as a bare list of layers.
  if (Array.isArray(config)) {
    notes.push("Sequential config is a bare layer list (Keras <= 2.2.2 form)");
    return { name: "sequential", layers: config.filter(isObject) };
  }
  if (!isObject(config) || !Array.isArray(config["layers"])) throw new KerasError("model config has no layer list");
  const layers = config["layers"];
  if (!layers.every(isObject)) throw new KerasError("model config has a layer that is not an object");
  return { name: typeof config["name"] === "string" ? config["name"] : "model", layers };
}

function baseLayer(raw: Json, version: KerasVersion, notes: string[]): Omit<ArchLayer, "calls"> {
  const className = raw["class_name"];
  const config = raw["config"];
  if (typeof className !== "string") throw new KerasError("a layer in the model config has no class_name");
  if (!isObject(config)) throw new KerasError(`a layer of class ${className} has no config object`);
  const name = typeof config["name"] === "string" ? config["name"] : typeof raw["name"] === "string" ? raw["name"] : "";
  if (name === "") throw new KerasError(`a layer of class ${className} has no name`);
  return { className, name, config: normalizeLayerConfig(className, name, config, version, notes) };
}

function readSequential(config: unknown, version: KerasVersion, notes: string[]): Architecture {
  const { name, layers: rawLayers } = layerList(config, notes);
  const layers: ArchLayer[] = [];
  let previous: TensorRef | undefined;
  let input: TensorRef | undefined;
  for (const raw of rawLayers) {
    const base = baseLayer(raw, version, notes);
    if (base.className === "InputLayer") {
      if (previous) throw new KerasError(`InputLayer "${base.name}" is not the first layer of the Sequential model`);
      layers.push({ ...base, calls: [] });
      previous = input = [base.name, 0, 0];
      continue;
    }
    if (!previous) {
      // Keras 1/2: the first layer carries the input shape itself; make the InputLayer explicit.
      const inputName = `${base.name}_input`;
      layers.push({ className: "InputLayer", name: inputName, config: { batch_shape: inputShapeOf(base.config, base.name), dtype: base.config["input_dtype"] ?? "float32" }, calls: [] });
      previous = input = [inputName, 0, 0];
    }
    layers.push({ ...base, calls: [{ args: [previous], initialState: [] }] });
    previous = [base.name, 0, 0];
  }
  if (!input || !previous || previous === input) throw new KerasError("Sequential model has no layers");
  return { name, layers, inputs: [input], outputs: [previous], notes };
}

/** The batch shape declared on a first layer (Keras 1/2 `batch_input_shape`, `input_shape`, `input_dim`). */
function inputShapeOf(config: Config, name: string): unknown[] {
  const batch = config["batch_input_shape"] ?? config["batch_shape"];
  if (Array.isArray(batch)) return batch;
  const shape = config["input_shape"];
  if (Array.isArray(shape)) return [null, ...shape];
  if (typeof config["input_dim"] === "number") {
    const length = config["input_length"];
    return config["__takes_sequence"] ? [null, length ?? null, config["input_dim"]] : [null, config["input_dim"]];
  }
  throw new KerasError(`first layer "${name}" declares no input shape (batch_input_shape / input_shape)`);
}

function readFunctional(config: unknown, version: KerasVersion, notes: string[]): Architecture {
  const { name, layers: rawLayers } = layerList(config, notes);
  const c = config as Json;
  const layers = rawLayers.map((raw) => {
    const base = baseLayer(raw, version, notes);
    const inbound = raw["inbound_nodes"];
    const calls = Array.isArray(inbound) ? inbound.map((node) => readInboundNode(node, base.name)) : [];
    return { ...base, calls };
  });
  return {
    name,
    layers,
    inputs: readRefList(c["input_layers"], "input_layers"),
    outputs: readRefList(c["output_layers"], "output_layers"),
    notes,
  };
}

function readRefList(v: unknown, what: string): TensorRef[] {
  if (!Array.isArray(v) || v.length === 0) throw new KerasError(`model config has no ${what}`);
  // A single reference may be written unwrapped: ["name", 0, 0].
  if (typeof v[0] === "string") return [toRef(v, what)];
  return v.map((r) => toRef(r, what));
}

function toRef(v: unknown, what: string): TensorRef {
  if (Array.isArray(v) && typeof v[0] === "string" && typeof (v[1] ?? 0) === "number" && typeof (v[2] ?? 0) === "number") {
    return [v[0], (v[1] as number | undefined) ?? 0, (v[2] as number | undefined) ?? 0];
  }
  throw new KerasError(`malformed tensor reference in ${what}: ${JSON.stringify(v)?.slice(0, 80)}`);
}

/** Keras 3: `{args, kwargs}` with `__keras_tensor__` objects; Keras 1/2: `[[layer, node, tensor, kwargs], …]`. */
function readInboundNode(node: unknown, layer: string): ArchCall {
  const where = `inbound node of layer "${layer}"`;
  if (isObject(node)) {
    const args = flattenTensors(node["args"], where);
    const kwargs = isObject(node["kwargs"]) ? node["kwargs"] : {};
    const mask = flattenTensors(kwargs["mask"], where);
    return { args, initialState: flattenTensors(kwargs["initial_state"], where), ...(mask.length ? { mask: mask[0]! } : {}) };
  }
  if (!Array.isArray(node)) throw new KerasError(`malformed ${where}`);
  const refs = node.map((entry) => toRef(entry, where));
  const kwargs = node.map((entry) => (Array.isArray(entry) && isObject(entry[3]) ? entry[3] : {}));
  const initialFromKwargs = kwargs.flatMap((k) => (k["initial_state"] !== undefined ? legacyRefs(k["initial_state"], where) : []));
  return { args: refs, initialState: initialFromKwargs, ...(kwargs[0]?.["mask"] ? { mask: legacyRefs(kwargs[0]["mask"], where)[0]! } : {}) };
}

function legacyRefs(v: unknown, where: string): TensorRef[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === "string") return [toRef(v, where)];
  return v.map((r) => toRef(r, where));
}

function flattenTensors(v: unknown, where: string): TensorRef[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.flatMap((x) => flattenTensors(x, where));
  if (isObject(v) && v["class_name"] === "__keras_tensor__") {
    const history = isObject(v["config"]) ? v["config"]["keras_history"] : undefined;
    return [toRef(history, where)];
  }
  return [];
}
