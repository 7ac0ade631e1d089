/**
 * The architecture JSON of any Keras version → one normalised form: a list of layers with Keras 3
 * config keys, each with its calls (inbound nodes), plus the model's inputs and outputs.
 * Nested models are flattened into the outer graph (see nested.ts).
 */
import { KerasError } from "../errors.js";
import type { CallArgs, Config, KerasVersion } from "./types.js";
import { decodeCallArgs } from "./call-args.js";
import { cudnnAsCpu } from "./cudnn.js";
import { checkGraphCalls, MODEL_CLASSES, resolveCalls, resolveRef, spliceNested, type Aliases } from "./nested.js";
import type { LayerKinds } from "./layer-kinds.js";
import { normalizeLayerConfig } from "./normalize-config.js";

/** A literal keyword argument (`use_causal_mask=True`). */
export type Literal = number | boolean | string | null;

/** `[layer name, call index, output index]`: one output of one call of a layer. */
export type TensorRef = readonly [string, number, number];

export interface ArchCall {
  readonly args: TensorRef[];
  readonly initialState: TensorRef[];
  readonly mask?: TensorRef;
  /** The call's arguments as a Keras 3 inbound node records them (op parameters such as the 0 of `not_equal(x, 0)`). */
  readonly callArgs?: CallArgs;
  /** A mask list (layers called on a list of tensors: Attention's [query mask, value mask]), null where none. */
  readonly masks?: readonly (TensorRef | null)[];
  /** Keyword arguments that are tensors, other than mask and initial_state (MultiHeadAttention's key, attention_mask). */
  readonly tensorKwargs?: Readonly<Record<string, TensorRef>>;
  /** Keyword arguments that are literals (use_causal_mask, return_attention_scores); training is dropped. */
  readonly options?: Readonly<Record<string, Literal>>;
}

export interface ArchLayer {
  readonly className: string;
  readonly name: string;
  readonly config: Config;
  readonly calls: ArchCall[];
  /** Where a Keras 3 weights file stores this layer: class-counter keys, e.g. `sequential/dense_1`. */
  readonly weightPath?: string;
  /** The class is defined outside Keras (see `isUserDefined`). */
  readonly userDefined?: boolean;
  /** The Keras 3 module recorded for the class (`keras.layers`, `keras.src.ops.numpy`); legacy HDF5 files record none. */
  readonly module?: string;
}

/** A flattened nested model whose weights a legacy HDF5 file keeps in one group, in Keras' legacy order. */
export interface WeightGroup {
  readonly key: string;
  readonly layers: readonly { readonly name: string; readonly trainable: boolean }[];
}

export interface Architecture {
  readonly name: string;
  readonly layers: ArchLayer[];
  readonly inputs: TensorRef[];
  readonly outputs: TensorRef[];
  /** The model's own input and output names, in order (kept when nested outputs are flattened). */
  readonly inputNames?: string[];
  readonly outputNames?: string[];
  /** Notes on old-version interpretations applied. */
  readonly notes: string[];
  readonly weightGroups?: WeightGroup[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The file's Keras version and what the layer registry tells about layer kinds. */
interface Reading {
  readonly version: KerasVersion;
  readonly kinds: LayerKinds;
}

/** Nested models deeper than this are refused (a hostile config could otherwise exhaust the stack). */
const MAX_NESTING = 16;

/** `depth` counts the models this one is nested in (0: the file's own model). */
export function readArchitecture(raw: unknown, version: KerasVersion, kinds: LayerKinds, depth = 0): Architecture {
  const reading: Reading = { version, kinds };
  if (!isObject(raw)) throw new KerasError("model config is not a JSON object");
  if (depth > MAX_NESTING) throw new KerasError(`models nested more than ${MAX_NESTING} deep are not supported`);
  const className = raw["class_name"];
  const config = raw["config"];
  const notes: string[] = [];
  if (className === "Sequential") return readSequential(config, reading, notes, depth);
  if (className === "Functional" || className === "Model") return readFunctional(config, reading, notes, depth);
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

function baseLayer(raw: Json, reading: Reading, notes: string[]): Omit<ArchLayer, "calls"> {
  const fileClass = raw["class_name"];
  const fileConfig = raw["config"];
  if (typeof fileClass !== "string") throw new KerasError("a layer in the model config has no class_name");
  if (!isObject(fileConfig)) throw new KerasError(`a layer of class ${fileClass} has no config object`);
  const { className, config } = cudnnAsCpu(fileClass, fileConfig, notes);
  const name = typeof config["name"] === "string" ? config["name"] : typeof raw["name"] === "string" ? raw["name"] : "";
  if (name === "") throw new KerasError(`a layer of class ${className} has no name`);
  if (MODEL_CLASSES.has(className)) return { className, name, config };
  const userDefined = isUserDefined(raw, className) ? { userDefined: true } : {};
  const module = typeof raw["module"] === "string" ? { module: raw["module"] } : {};
  return { className, name, config: normalizeLayerConfig(className, name, config, reading.version, notes, reading.kinds), ...userDefined, ...module };
}

/** Keras 3 records the defining module (`keras.layers` for built-ins); Keras 2 a registered `package>Class` name. */
function isUserDefined(raw: Json, className: string): boolean {
  const module = raw["module"];
  if (typeof module === "string" && module !== "keras" && !module.startsWith("keras.")) return true;
  return className.includes(">") || (typeof raw["registered_name"] === "string" && raw["registered_name"].includes(">"));
}

/** Keras 3 weight files key layers by snake_case class name, numbered in model order. */
function classKeys(): (className: string) => string {
  const used = new Map<string, number>();
  return (className) => {
    const base = className.replace(/\W+/g, "").replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
    const n = used.get(base);
    used.set(base, n === undefined ? 0 : n + 1);
    return n === undefined ? base : `${base}_${n + 1}`;
  };
}

/** Collects layers, splicing nested models in, and resolves their output aliases at the end. */
class LayerCollector {
  readonly layers: ArchLayer[] = [];
  readonly aliases: Aliases = new Map();
  readonly groups: WeightGroup[] = [];
  private callCount = 0;

  constructor(
    readonly reading: Reading,
    readonly notes: string[],
    readonly depth: number,
  ) {}

  /** Adds a layer (or a nested model, flattened) with its calls. */
  add(raw: Json, base: Omit<ArchLayer, "calls">, weightPath: string, calls: ArchCall[]): void {
    if (!MODEL_CLASSES.has(base.className)) {
      this.callCount += calls.length;
      checkGraphCalls(this.callCount, "the model");
      this.layers.push({ ...base, weightPath, calls });
      return;
    }
    const inner = readArchitecture(raw, this.reading.version, this.reading.kinds, this.depth + 1);
    this.notes.push(...inner.notes.filter((n) => !this.notes.includes(n)));
    this.notes.push(`nested ${base.className} "${base.name}" flattened into the graph (${calls.length} call${calls.length === 1 ? "" : "s"})`);
    const spliced = spliceNested(base.name, weightPath, base.config["trainable"] !== false, inner, calls, this.aliases);
    this.callCount += spliced.layers.reduce((n, l) => n + l.calls.length, 0);
    checkGraphCalls(this.callCount, "the model");
    for (const l of spliced.layers) this.layers.push(l); // not push(...): a spread of 100,000 arguments overflows
    this.groups.push(spliced.group);
  }

  finish(name: string, inputs: TensorRef[], outputs: TensorRef[]): Architecture {
    return {
      name,
      layers: resolveCalls(this.layers, this.aliases),
      inputs: inputs.map((r) => resolveRef(r, this.aliases)),
      outputs: outputs.map((r) => resolveRef(r, this.aliases)),
      inputNames: ioNames(inputs),
      outputNames: ioNames(outputs),
      notes: this.notes,
      ...(this.groups.length > 0 ? { weightGroups: this.groups } : {}),
    };
  }
}

/**
 * A model input/output is named after its layer; `layer:k` for output k of a call that gives
 * several; a name still taken (a shared layer's second call) gets `_2`, `_3`, ….
 */
function ioNames(refs: readonly TensorRef[]): string[] {
  // Linear in the number of refs: 20,000 repeated outputs must not cost 20,000² comparisons.
  const indices = new Map<string, Set<number>>();
  for (const r of refs) {
    const key = `${r[0]}\u0000${r[1]}`;
    const set = indices.get(key) ?? new Set<number>();
    set.add(r[2]);
    indices.set(key, set);
  }
  const taken = new Set<string>();
  const nextSuffix = new Map<string, number>();
  return refs.map((r) => {
    const severalOutputs = r[2] > 0 || indices.get(`${r[0]}\u0000${r[1]}`)!.size > 1;
    const base = severalOutputs ? `${r[0]}:${r[2]}` : r[0];
    let name = base;
    if (taken.has(name)) {
      let n = nextSuffix.get(base) ?? 2;
      for (; taken.has(`${base}_${n}`); n++);
      name = `${base}_${n}`;
      nextSuffix.set(base, n + 1);
    }
    taken.add(name);
    return name;
  });
}

function readSequential(config: unknown, reading: Reading, notes: string[], depth: number): Architecture {
  const { name, layers: rawLayers } = layerList(config, notes);
  const out = new LayerCollector(reading, notes, depth);
  const key = classKeys(); // Sequential.layers leaves out the InputLayer
  let previous: TensorRef | undefined;
  let input: TensorRef | undefined;
  for (const raw of rawLayers) {
    const base = baseLayer(raw, reading, notes);
    if (base.className === "InputLayer") {
      if (previous) throw new KerasError(`InputLayer "${base.name}" is not the first layer of the Sequential model`);
      out.layers.push({ ...base, calls: [] });
      previous = input = [base.name, 0, 0];
      continue;
    }
    if (!previous) {
      // Keras 1/2: the first layer carries the input shape itself; make the InputLayer explicit.
      const inputName = `${base.name}_input`;
      const batchShape = firstInputShape(raw, base, reading, depth);
      if (depth === 0) notes.push(`first layer "${base.name}" declares the input shape ${shapeText(batchShape)} (Keras 1/2 form): input "${inputName}" made explicit`);
      out.layers.push({ className: "InputLayer", name: inputName, config: { batch_shape: batchShape, dtype: base.config["input_dtype"] ?? "float32" }, calls: [] });
      previous = input = [inputName, 0, 0];
    }
    out.add(raw, base, key(base.className), [{ args: [previous], initialState: [] }]);
    previous = [base.name, 0, 0];
  }
  if (!input || !previous || previous === input) throw new KerasError("Sequential model has no layers");
  return out.finish(name, [input], [previous]);
}

const shapeText = (shape: unknown[] | undefined) => `[${(shape ?? []).map((d) => (d === null ? "None" : String(d))).join(", ")}]`;

/** The batch shape a first layer declares: its own, or a nested model's input's (unknown inside a nested model). */
function firstInputShape(raw: Json, base: Omit<ArchLayer, "calls">, reading: Reading, depth: number): unknown[] | undefined {
  const nested = depth > 0;
  if (MODEL_CLASSES.has(base.className)) {
    const inner = readArchitecture(raw, reading.version, reading.kinds, depth + 1);
    const first = inner.layers.find((l) => l.name === inner.inputs[0]?.[0]);
    const shape = first?.config["batch_shape"];
    if (Array.isArray(shape) || nested) return Array.isArray(shape) ? shape : undefined;
    throw new KerasError(`nested model "${base.name}" declares no input shape`);
  }
  try {
    return inputShapeOf(base.config, base.name);
  } catch (err) {
    if (nested) return undefined; // a nested Sequential's input comes from the outer call
    throw err;
  }
}

/** The batch shape declared on a first layer (Keras 1/2 `batch_input_shape`, `input_shape`, `input_dim`). */
function inputShapeOf(config: Config, name: string): unknown[] {
  const batch = config["batch_input_shape"] ?? config["batch_shape"];
  if (Array.isArray(batch)) return batch;
  const shape = config["input_shape"];
  if (Array.isArray(shape)) return [null, ...shape];
  if (typeof config["input_dim"] === "number" && config["__takes_sequence"]) return [null, config["input_length"] ?? null, config["input_dim"]];
  if (typeof config["input_dim"] === "number" && config["output_dim"] === undefined) return [null, config["input_dim"]];
  if (config["output_dim"] !== undefined && "input_length" in config) return [null, config["input_length"] ?? null]; // Embedding
  // A wrapper (Bidirectional, TimeDistributed) may leave the shape on its inner layer.
  const inner = config["layer"];
  if (isObject(inner) && isObject(inner["config"])) return inputShapeOf(inner["config"], name);
  throw new KerasError(`first layer "${name}" declares no input shape (batch_input_shape / input_shape)`);
}

function readFunctional(config: unknown, reading: Reading, notes: string[], depth: number): Architecture {
  const { name, layers: rawLayers } = layerList(config, notes);
  const c = config as Json;
  const out = new LayerCollector(reading, notes, depth);
  const key = classKeys();
  for (const raw of rawLayers) {
    const base = baseLayer(raw, reading, notes);
    const inbound = raw["inbound_nodes"];
    const calls = Array.isArray(inbound) ? inbound.map((node) => readInboundNode(node, base, notes, reading.kinds)) : [];
    out.add(raw, base, key(base.className), calls);
  }
  return out.finish(name, readRefList(c["input_layers"], "input_layers"), readRefList(c["output_layers"], "output_layers"));
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
function readInboundNode(node: unknown, layer: { name: string; className: string }, notes: string[], kinds: LayerKinds): ArchCall {
  const where = `inbound node of layer "${layer.name}"`;
  if (isObject(node)) {
    const args = flattenTensors(node["args"], where);
    const kwargs = isObject(node["kwargs"]) ? node["kwargs"] : {};
    const mask = flattenTensors(kwargs["mask"], where);
    const callArgs = decodeCallArgs(node["args"], kwargs);
    const { tensorKwargs, options } = otherKwargs(kwargs, where);
    const maskList = kwargs["mask"];
    const masks = Array.isArray(maskList) && maskList.length > 1 ? maskList.map((m) => flattenTensors(m, where)[0] ?? null) : undefined;
    return {
      args, initialState: flattenTensors(kwargs["initial_state"], where), ...(mask.length ? { mask: mask[0]! } : {}), callArgs,
      ...(masks ? { masks } : {}),
      ...(tensorKwargs ? { tensorKwargs } : {}), ...(options ? { options } : {}),
    };
  }
  if (!Array.isArray(node)) throw new KerasError(`malformed ${where}`);
  const refs = node.map((entry) => toRef(entry, where));
  const kwargs = node.map((entry) => (Array.isArray(entry) && isObject(entry[3]) ? entry[3] : {}));
  const initialFromKwargs = kwargs.flatMap((k) => (k["initial_state"] !== undefined ? legacyRefs(k["initial_state"], where) : []));
  const mask = kwargs[0]?.["mask"] ? { mask: legacyRefs(kwargs[0]["mask"], where)[0]! } : {};
  if (kinds.takesInitialState(layer.className) && refs.length > 1 && initialFromKwargs.length === 0) {
    // Keras 1/2 called an RNN on [input] + initial states: the extra inbound tensors are the states.
    notes.push(`${layer.className} "${layer.name}": inbound tensors after the first are its initial state (Keras 2 convention; the input's mask still applies)`);
    return { args: [refs[0]!], initialState: refs.slice(1), ...mask };
  }
  return { args: refs, initialState: initialFromKwargs, ...mask };
}

/** Keyword arguments besides mask, initial_state and training: single tensors by name, and literals. */
function otherKwargs(kwargs: Json, where: string): { tensorKwargs?: Record<string, TensorRef>; options?: Record<string, Literal> } {
  const tensors: Record<string, TensorRef> = {};
  const options: Record<string, Literal> = {};
  for (const [key, v] of Object.entries(kwargs)) {
    if (key === "mask" || key === "initial_state" || key === "training" || v === null) continue;
    const refs = flattenTensors(v, where);
    // A keyword holding several tensors is left out, as before keywords were read; layers see single ones.
    if (refs.length === 1) Object.defineProperty(tensors, key, { value: refs[0]!, enumerable: true });
    else if (refs.length === 0 && ["number", "boolean", "string"].includes(typeof v)) Object.defineProperty(options, key, { value: v as Literal, enumerable: true });
  }
  const some = (o: object) => Object.keys(o).length > 0;
  return { ...(some(tensors) ? { tensorKwargs: tensors } : {}), ...(some(options) ? { options } : {}) };
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
