/**
 * Nested models (a Sequential or Functional model used as a layer) are flattened into the outer
 * graph: inner layers become `outer/inner` layers with one set of calls per call of the nested
 * model, and references to the nested model's outputs become aliases of its inner outputs.
 */
import { KerasError } from "../errors.js";
import type { ArchCall, ArchLayer, Architecture, TensorRef, WeightGroup } from "./architecture.js";

export const MODEL_CLASSES = new Set(["Sequential", "Functional", "Model"]);

/**
 * Layer calls a model may have once nested models are flattened: a nested model whose every level
 * calls the next several times multiplies its calls at each level (k^depth from a small file).
 */
export const MAX_GRAPH_CALLS = 100_000;

/** Refuses a flattened graph over MAX_GRAPH_CALLS, before building it. */
export function checkGraphCalls(count: number, where: string): void {
  if (count > MAX_GRAPH_CALLS) throw new KerasError(`${where} has ${count} layer calls once nested models are flattened, over the limit of ${MAX_GRAPH_CALLS}`);
}

export const refKey = (r: TensorRef): string => `${r[0]}\u0000${r[1]}\u0000${r[2]}`;

/** References that stand for other references (outputs of flattened nested models). */
export type Aliases = Map<string, TensorRef>;

export interface Spliced {
  readonly layers: ArchLayer[];
  readonly group: WeightGroup;
}

/**
 * The layers of `inner` as layers of the outer model, for the given calls of the nested model
 * named `outer` (stored under `outerPath` in a Keras 3 weights file); records output aliases.
 */
export function spliceNested(outer: string, outerPath: string, trainable: boolean, inner: Architecture, calls: readonly ArchCall[], aliases: Aliases): Spliced {
  const innerCalls = inner.layers.reduce((n, l) => n + (l.className === "InputLayer" ? 0 : l.calls.length), 0);
  checkGraphCalls(calls.length * innerCalls, `nested model "${outer}"`);
  const inputIndex = new Map(inner.inputs.map((r, p) => [r[0], p]));
  const nodeCount = new Map(inner.layers.map((l) => [l.name, l.calls.length]));
  const remap = (r: TensorRef, k: number): TensorRef => {
    const p = inputIndex.get(r[0]);
    if (p !== undefined) {
      const arg = calls[k]!.args[p];
      if (!arg) throw new KerasError(`nested model "${outer}" takes ${inner.inputs.length} input(s), call ${k} passes ${calls[k]!.args.length}`);
      return arg;
    }
    return [`${outer}/${r[0]}`, k * (nodeCount.get(r[0]) ?? 1) + r[1], r[2]];
  };
  const layers = inner.layers
    .filter((l) => l.className !== "InputLayer")
    .map((l) => ({
      ...l,
      name: `${outer}/${l.name}`,
      ...(l.weightPath !== undefined ? { weightPath: `${outerPath}/${l.weightPath}` } : {}),
      calls: calls.flatMap((_, k) => l.calls.map((c) => remapCall(c, (r) => remap(r, k)))),
    }));
  calls.forEach((_, k) => inner.outputs.forEach((r, i) => aliases.set(refKey([outer, k, i]), remap(r, k))));
  const group: WeightGroup = {
    key: outer,
    layers: layers.map((l) => ({ name: l.name, trainable: trainable && l.config["trainable"] !== false })),
  };
  return { layers, group };
}

function remapCall(c: ArchCall, f: (r: TensorRef) => TensorRef): ArchCall {
  return {
    ...c,
    args: c.args.map(f),
    initialState: c.initialState.map(f),
    ...(c.mask ? { mask: f(c.mask) } : {}),
    ...(c.masks ? { masks: c.masks.map((r) => (r ? f(r) : null)) } : {}),
    ...(c.tensorKwargs ? { tensorKwargs: Object.fromEntries(Object.entries(c.tensorKwargs).map(([k, r]) => [k, f(r)])) } : {}),
  };
}

/** Follows aliases until a reference produced by a real layer. */
export function resolveRef(r: TensorRef, aliases: Aliases): TensorRef {
  let current = r;
  for (let hops = 0; hops <= aliases.size; hops++) {
    const next = aliases.get(refKey(current));
    if (!next) return current;
    current = next;
  }
  throw new KerasError(`tensor reference ${JSON.stringify(r[0])} loops through nested models`);
}

/** Rewrites every reference of every call through the aliases. */
export function resolveCalls(layers: ArchLayer[], aliases: Aliases): ArchLayer[] {
  if (aliases.size === 0) return layers;
  return layers.map((l) => ({ ...l, calls: l.calls.map((c) => remapCall(c, (r) => resolveRef(r, aliases))) }));
}
