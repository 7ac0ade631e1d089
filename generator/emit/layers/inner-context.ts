/**
 * The context a wrapper (Bidirectional, TimeDistributed) hands to the layer it wraps: the inner
 * layer's weights live in the wrapper's `weights`, so weight lookups are redirected there; a wrapper
 * may also stand in per-step values for the inner call and capture the statements it writes.
 */
import type { Layer, Shape } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

/** A value that exists only inside the wrapper (e.g. one timestep's slice): its shape and buffer. */
export interface LocalValue {
  readonly shape: Shape;
  readonly buffer: string;
}

export interface InnerScope {
  readonly owner: Layer;
  readonly inner: Layer;
  /** Index in `owner.weights` of the inner layer's first weight. */
  readonly weightOffset: number;
  /** Prefix for the inner layer's weight labels ("forward_" → `bidirectional_forward_kernel`). */
  readonly labelPrefix: string;
  /** Values known only to the wrapper, by (negative) id. */
  readonly locals?: ReadonlyMap<number, LocalValue>;
  /** Receives the inner statements instead of the outer context (the wrapper places them). */
  readonly lines?: string[];
  /** Called for every recurrent state the inner layer declares. */
  readonly onState?: (id: string, stateful: boolean) => void;
  /** The inner layer is a view of the owner (RNN(cell)): its identifiers are named after the owner. */
  readonly alias?: boolean;
}

export function innerContext(ctx: EmitContext, scope: InnerScope): EmitContext {
  const local = (v: number) => scope.locals?.get(v);
  const named = (layer: Layer) => (scope.alias && layer === scope.inner ? scope.owner : layer);
  const overrides: Partial<EmitContext> = {
    weight: (layer, index, label, data, channels) =>
      layer === scope.inner
        ? ctx.weight(scope.owner, scope.weightOffset + index, scope.labelPrefix + label, data, channels)
        : ctx.weight(layer, index, label, data, channels),
    weightTransposed: (layer, index, label) =>
      layer === scope.inner
        ? ctx.weightTransposed(scope.owner, scope.weightOffset + index, scope.labelPrefix + label)
        : ctx.weightTransposed(layer, index, label),
    shape: (v) => local(v)?.shape ?? ctx.shape(v),
    buffer: (v) => local(v)?.buffer ?? ctx.buffer(v),
    maskOf: (v) => (local(v) ? undefined : ctx.maskOf(v)),
    inputName: (v) => (local(v) ? undefined : ctx.inputName(v)),
    line: (...lines) => (scope.lines ? scope.lines.push(...lines) : ctx.line(...lines)),
    id: (layer, label) => ctx.id(named(layer), label),
    scratch: (layer, label, dims) => ctx.scratch(named(layer), label, dims),
    state: (layer, label, size, stateful) => {
      const id = ctx.state(named(layer), label, size, stateful);
      scope.onState?.(id, stateful);
      return id;
    },
  };
  // A proxy rather than a class, so members added to EmitContext later pass through unchanged.
  return new Proxy(ctx, {
    get(target, key) {
      const own = (overrides as Record<PropertyKey, unknown>)[key];
      if (own !== undefined) return own;
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
