/** Keras 3 Functional configs (`{args, kwargs}` inbound nodes) for tests that need call keywords. */

/** `[layer name, output index]`. */
export type Ref = readonly [string, number];
export type Arg = Ref | readonly Ref[] | number;

export interface CallSpec {
  readonly cls: string;
  readonly config: Record<string, unknown>;
  readonly args: readonly Arg[];
  /** Keras 3 module (op layers: "keras.src.ops.numpy"). */
  readonly module?: string;
  /** Tensors (refs) or literals by keyword. */
  readonly kwargs?: Readonly<Record<string, Ref | readonly (Ref | null)[] | number | boolean | string | null>>;
}

const isRef = (v: unknown): v is Ref => Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number";
const tensor = ([name, k]: Ref) => ({ class_name: "__keras_tensor__", config: { keras_history: [name, 0, k] } });

export function keras3Functional(inputs: readonly [string, readonly (number | null)[], string?][], layers: readonly CallSpec[], outputs: readonly Ref[]): unknown {
  const arg = (a: Arg): unknown => (typeof a === "number" ? a : isRef(a) ? tensor(a) : a.map(tensor));
  const kwarg = (v: unknown): unknown => (isRef(v) ? tensor(v) : Array.isArray(v) ? v.map((r) => (r === null ? null : tensor(r as Ref))) : v);
  return {
    class_name: "Functional",
    config: {
      name: "model",
      layers: [
        ...inputs.map(([name, shape, dtype]) => ({ class_name: "InputLayer", module: "keras.layers", config: { name, batch_shape: [null, ...shape], dtype: dtype ?? "float32" }, inbound_nodes: [] })),
        ...layers.map((l) => ({
          class_name: l.cls,
          module: l.module ?? "keras.layers",
          config: l.config,
          inbound_nodes: [{ args: l.args.map(arg), kwargs: Object.fromEntries(Object.entries(l.kwargs ?? {}).map(([k, v]) => [k, kwarg(v)])) }],
        })),
      ],
      input_layers: inputs.map(([name]) => [name, 0, 0]),
      output_layers: outputs.map(([name, k]) => [name, 0, k]),
    },
  };
}
