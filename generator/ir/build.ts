/**
 * Stage 2: the normalised architecture + weights → the IR graph, with every value's shape inferred
 * call by call in dependency order.
 */
import { producerKey, ReadyQueue } from "./ready-queue.js";
import { KerasError, layerError, OptionError } from "../errors.js";
import type { ArchCall, Architecture, ArchLayer, TensorRef } from "../load/architecture.js";
import type { Weight } from "./types.js";
import type { Call, CallShapes, Config, CustomBinding, DType, KerasVersion, Layer, Model, Shape, Value } from "./types.js";

/** Output shapes of a layer for given input shapes (supplied by the layer registry). */
export type ShapeFn = (layer: Layer, inputs: readonly Shape[], call: CallShapes) => Shape[];

export interface BuildInput {
  readonly architecture: Architecture;
  readonly weights: ReadonlyMap<string, Weight[]>;
  readonly kerasVersion: KerasVersion;
  readonly sourceName: string;
  /** Fixes every variable sequence length to this many steps. */
  readonly timesteps?: number;
  /** The custom implementation bound to a layer, if any (`--custom`). */
  readonly customFor?: (layer: ArchLayer) => CustomBinding | undefined;
}

const refKey = (r: TensorRef) => `${r[0]}\u0000${r[1]}\u0000${r[2]}`;

export function buildModel(input: BuildInput, outputShapes: ShapeFn): Model {
  const { architecture: arch } = input;
  const values: Value[] = [];
  const produced = new Map<string, number>();
  const layers = new Map<string, Layer>();
  for (const a of arch.layers) {
    if (layers.has(a.name)) throw new KerasError(`two layers are named ${JSON.stringify(a.name)}`);
    const custom = input.customFor?.(a);
    const layer = makeLayer(a.className, a.name, a.config, input.weights.get(a.name) ?? []);
    const module = a.module !== undefined ? { module: a.module } : {};
    // An op object is called once (or, inside a nested model called several times, once per call
    // with the same arguments): its parameters (axes, slices, scalars) live with the layer.
    const first = a.calls[0]?.callArgs;
    const same = first !== undefined && a.calls.every((c) => JSON.stringify(c.callArgs) === JSON.stringify(first));
    const callArgs = same ? { callArgs: first } : {};
    layers.set(a.name, { ...layer, ...(a.userDefined ? { userDefined: true } : {}), ...(custom ? { custom } : {}), ...module, ...callArgs });
  }
  const newValue = (shape: Shape, dtype: DType): number => {
    values.push({ id: values.length, shape, dtype });
    return values.length - 1;
  };

  let symbol = 0;
  const inputLayers = arch.layers.filter((l) => l.className === "InputLayer");
  for (const a of inputLayers) {
    const { shape, dtype } = inputLayerShape(a, input.timesteps, () => `T${symbol++}`);
    produced.set(refKey([a.name, 0, 0]), newValue(shape, dtype));
  }
  if (input.timesteps !== undefined) checkTimestepsApply(inputLayers, input.timesteps);

  const calls: Call[] = [];
  const pending = arch.layers.flatMap((a) => a.calls.map((c, node) => ({ a, c, node })));
  const queue = new ReadyQueue(
    pending.map(({ a, node }) => producerKey([a.name, node, 0])),
    pending.map(({ c }) => refsOf(c).map(producerKey)),
    [...new Set(arch.layers.filter((l) => l.className === "InputLayer").map((l) => producerKey([l.name, 0, 0])))],
  );
  for (let index = queue.next(); ; index = queue.next()) {
    const stuck = index === undefined ? queue.firstWaiting() : undefined;
    if (index === undefined && stuck === undefined) break;
    const { a, c, node } = pending[index ?? stuck!]!;
    const missing = refsOf(c).find((r) => !produced.has(refKey(r)));
    if (missing) throw layerError(a, `input ${JSON.stringify(missing[0])} (call ${missing[1]}, output ${missing[2]}) is never produced`);
    if (index === undefined) throw layerError(a, "waits for its own output (a cycle in the graph)");
    const layer = layers.get(a.name)!;
    // Emitters read their first input unconditionally: a call without tensors is a broken config.
    if (c.args.length === 0) throw layerError(a, "is called without any input tensor");
    const ins = c.args.map((r) => produced.get(refKey(r))!);
    const named = Object.fromEntries(Object.entries(c.tensorKwargs ?? {}).map(([k, r]) => [k, produced.get(refKey(r))!]));
    const shapes = outputShapes(layer, ins.map((v) => values[v]!.shape), {
      namedInputs: Object.fromEntries(Object.entries(named).map(([k, v]) => [k, values[v]!.shape])),
      options: c.options ?? {},
    });
    const outs = shapes.map((s) => newValue(s, "float32"));
    outs.forEach((v, k) => produced.set(refKey([a.name, node, k]), v));
    queue.done(index);
    calls.push({
      layer,
      inputs: ins,
      outputs: outs,
      initialState: c.initialState.map((r) => produced.get(refKey(r))!),
      ...(c.mask ? { maskInput: produced.get(refKey(c.mask))! } : {}),
      ...(c.masks ? { maskInputs: c.masks.map((r) => (r ? produced.get(refKey(r))! : undefined)) } : {}),
      ...(c.tensorKwargs ? { namedInputs: named } : {}),
      ...(c.options ? { options: c.options } : {}),
      ...(input.kerasVersion.major >= 3 && c.initialState.length > 0 && !c.mask ? { ignoresInputMask: true } : {}),
    });
  }

  const io = (refs: TensorRef[], names: readonly string[] | undefined, what: string) => {
    const uses = new Map<string, number>(); // counted once: 20,000 repeated outputs must not cost 20,000²
    for (const r of refs) uses.set(r[0], (uses.get(r[0]) ?? 0) + 1);
    return refs.map((r, i) => {
      const value = produced.get(refKey(r));
      if (value === undefined) throw new KerasError(`model ${what} ${JSON.stringify(r[0])} is not produced by any layer`);
      const count = uses.get(r[0])!;
      return { name: names?.[i] ?? (count > 1 || r[2] > 0 ? `${r[0]}:${r[2]}` : r[0]), value };
    });
  };
  return {
    name: arch.name,
    sourceName: input.sourceName,
    kerasVersion: input.kerasVersion,
    inputs: io(arch.inputs, arch.inputNames, "input"),
    outputs: io(arch.outputs, arch.outputNames, "output"),
    calls,
    values,
    notes: arch.notes,
  };
}

/** Every tensor a call reads. */
function refsOf(c: ArchCall): TensorRef[] {
  return [...c.args, ...c.initialState, ...(c.mask ? [c.mask] : []), ...(c.masks ?? []).filter((r) => r !== null), ...Object.values(c.tensorKwargs ?? {})];
}

/** A Layer, with wrapped layers (Bidirectional, TimeDistributed) as inner layers without weights. */
export function makeLayer(className: string, name: string, config: Config, weights: Weight[]): Layer {
  const inner: Record<string, Layer> = {};
  const wrapped = (key: string): Layer | undefined => {
    const o = config[key] as { class_name?: unknown; config?: Config } | undefined;
    if (!o || typeof o !== "object" || typeof o.class_name !== "string") return undefined;
    const c = o.config ?? {};
    return makeLayer(o.class_name, typeof c["name"] === "string" ? c["name"] : `${name}_${key}`, c, []);
  };
  if (className === "Bidirectional") {
    const forward = wrapped("layer");
    if (!forward) throw layerError({ name, className }, "has no wrapped layer");
    inner["forward"] = forward;
    inner["backward"] =
      wrapped("backward_layer") ??
      makeLayer(forward.className, `backward_${forward.name}`, { ...forward.config, go_backwards: !forward.config["go_backwards"] }, []);
  } else if (className === "TimeDistributed") {
    const layer = wrapped("layer");
    if (!layer) throw layerError({ name, className }, "has no wrapped layer");
    inner["layer"] = layer;
  }
  return { name, className, config, weights, inner };
}

/** `--timesteps` only fills variable (None) dimensions: on fixed shapes it would silently do nothing. */
function checkTimestepsApply(inputLayers: readonly ArchLayer[], timesteps: number): void {
  const samples = inputLayers.map((a) => (a.config["batch_shape"] ?? a.config["batch_input_shape"]) as unknown[]).map((b) => b.slice(1));
  if (samples.some((s) => s.includes(null))) return;
  const shapes = samples.map((s) => `(${s.join(", ")})`).join(", ");
  throw new OptionError(`--timesteps ${timesteps} does nothing: the model's input shapes are fixed ${shapes}; drop --timesteps`);
}

function inputLayerShape(a: ArchLayer, timesteps: number | undefined, nextSymbol: () => string): { shape: Shape; dtype: DType } {
  const batch = a.config["batch_shape"] ?? a.config["batch_input_shape"];
  if (!Array.isArray(batch) || batch.length < 2) throw layerError(a, "InputLayer has no batch_shape");
  const sample = batch.slice(1);
  let symbol: string | undefined;
  const shape = sample.map((d, i) => {
    if (typeof d === "number" && Number.isInteger(d) && d > 0 && d <= 1 << 28) return d;
    if (d !== null) throw layerError(a, `input dimension ${i + 1} is ${JSON.stringify(d)}, not a positive size`);
    if (timesteps !== undefined) return timesteps;
    if (symbol !== undefined) throw layerError(a, "more than one variable-length dimension is not supported; pass --timesteps");
    symbol = nextSymbol();
    return symbol;
  });
  const dtypeName = typeof a.config["dtype"] === "string" ? a.config["dtype"] : "float32";
  return { shape, dtype: /^u?int/.test(dtypeName) ? "int32" : "float32" };
}

