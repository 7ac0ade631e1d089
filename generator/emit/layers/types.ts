import type { Call, CallShapes, Config, Dim, KerasVersion, Layer, Shape } from "../../ir/types.js";
import type { Activation } from "../activations.js";
import type { Channels } from "../int8.js";

/** One weight tensor a layer expects, with what its slices mean (shown by `inspect`). */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly slices?: readonly string[];
}

/** What a descriptor's `normalizeConfig` knows about the layer and the file. */
export interface NormalizeContext {
  readonly className: string;
  readonly name: string;
  readonly version: KerasVersion;
  readonly notes: string[];
}

/** What shape inference knows about a model while it walks the layer calls. */
export interface ShapeInfo {
  readonly version: KerasVersion;
  /** The call's keyword tensors and literals (given to `outputShapes` while the graph is built). */
  readonly call?: CallShapes;
}

/**
 * What a layer does with the per-timestep mask travelling with its input (Keras 3.15 rules; see
 * passes/masks.ts). Layers without masking support drop it ("drop", the default).
 * - "pass": supports masking and its values do not depend on the mask: the mask travels on;
 * - "merge": the mask common to all inputs travels on (none when an input has none);
 * - "create": makes a new mask, one flag per output position but the last axis (Masking, Embedding);
 * - "recurrent": reads the mask and, with return_sequences, passes it on with the sequence(s);
 * - "read": its emitter applies the mask, which then stops (masked global average);
 * - "wrapper": passes it on, refusing wrapped layers that would read it (TimeDistributed);
 * - "refuse": Keras changes its values by the mask, keras2ts does not apply it: a mask is an error;
 * - "attention": reads the masks of all its inputs (query, value, key); its first output carries the
 *   query's mask (Attention, AdditiveAttention, MultiHeadAttention).
 */
export type MaskPolicy = "drop" | "pass" | "merge" | "create" | "recurrent" | "read" | "wrapper" | "refuse" | "attention";

/** The README table's groups, in order, with the options each group's row lists. */
export type DocsGroup =
  | "Recurrent" | "Core" | "Activation layers" | "Convolution" | "Pooling" | "Normalization" | "Shape" | "Merge"
  | "Attention" | "Preprocessing" | "Keras 3 ops" | "Identity at inference";

/**
 * Everything about one Keras layer kind, in one place: its typed config, shapes, expected weights,
 * mask policy, how wrappers may apply it, where the README lists it, and the code it emits.
 * `C` is the typed config `parseConfig` makes once per layer (read it with `configOf`).
 */
export interface LayerEmitter<C = unknown> {
  /** Keras class names handled by this emitter. */
  readonly classNames: readonly string[];
  /** The README group of each class (one group for all, or one per class name). */
  readonly docs?: DocsGroup | Readonly<Record<string, DocsGroup>>;
  /** Reads and checks the config once (layer errors for bad values); the result is kept on the layer. */
  parseConfig?(layer: Layer): C;
  /** Mask policy (default "drop"), per layer when it depends on the config. */
  readonly mask?: MaskPolicy | ((layer: Layer) => MaskPolicy);
  /** Acts along the last axis only, so its result on (T, …, F) is its result on each step (TimeDistributed runs it once). */
  readonly lastAxisOnly?: boolean;
  /** Takes initial-state tensors: in Keras 1/2 inbound nodes, the tensors after the first are its states. */
  readonly takesInitialState?: boolean;
  /**
   * Makes the config of a file of an older Keras version mean what it meant there (defaults made
   * explicit; every interpretation noted in `notes`). Runs at load time, before anything reads it.
   */
  normalizeConfig?(config: Config, context: NormalizeContext): void;
  /** Output shapes for these input shapes; throws a layer error for unsupported configs. */
  outputShapes(layer: Layer, inputs: readonly Shape[], info: ShapeInfo): Shape[];
  /** The weights Keras keeps for this layer, in `get_weights()` order. */
  weightSpecs(layer: Layer, inputs: readonly Shape[], info: ShapeInfo): WeightSpec[];
  /** Writes the code computing one call of the layer. */
  emit(call: Call, ctx: EmitContext): void;
  /**
   * True when the output is exactly the input (Dropout at inference): no code, shared buffer.
   * A function decides per layer (Flatten is a no-op unless it must move channels_first data).
   */
  readonly identity?: boolean | ((layer: Layer, inputs: readonly Shape[]) => boolean);
}

/** The services the module emitter offers to layer emitters. */
export interface EmitContext {
  readonly version: KerasVersion;
  /** Timestep loops at most this long are unrolled; longer ones become `for` loops. */
  readonly unrollLimit: number;
  shape(value: number): Shape;
  /** Code for the number of elements in a shape: "60", or "T0 * 20" for a variable length. */
  size(dims: readonly Dim[]): string;
  /** Code for a single dimension. */
  dim(d: Dim): string;
  /** Identifier of the float64 buffer holding a value. */
  buffer(value: number): string;
  /** Id of the per-timestep mask value attached to a value (`Value.mask`: 1 = real step), if any. */
  maskOf(value: number): number | undefined;
  /** The model input's name when `value` is a model input (for messages in generated code). */
  inputName(value: number): string | undefined;
  /** Makes `to` use the buffer of `from` (layers that change nothing at inference). */
  alias(to: number, from: number): void;
  /**
   * Module-level Float32Array constant holding `layer.weights[index]` (or `data`). `channels`: how
   * `--weights int8` quantises it, where the default (kernels by their last axis, embedding tables
   * by row, nothing else; see int8.ts) does not fit or `data` is a kernel in another layout.
   */
  weight(layer: Layer, index: number, label: string, data?: Float32Array, channels?: Channels): string;
  /**
   * Module-level constant holding the 2-D weight `layer.weights[index]` of shape (n, m) transposed
   * to (m, n), for the runtime's `denseT`/`addMatVecT` (contiguous dot products).
   */
  weightTransposed(layer: Layer, index: number, label: string): string;
  /** True when the buffer holds a model input as given (possibly one-hot, so zeros are worth skipping). */
  holdsModelInput(buffer: string): boolean;
  /** Per-session float64 scratch buffer. */
  scratch(layer: Layer, label: string, dims: readonly Dim[]): string;
  /**
   * Per-session recurrent state: zeroed at the start of every `predict`, or, for stateful layers,
   * only by `resetStates()`.
   */
  state(layer: Layer, label: string, size: number, stateful: boolean): string;
  /** A fresh identifier derived from the layer's name. */
  id(layer: Layer, label: string): string;
  /** Imports a runtime function and returns its name. */
  rt(name: string): string;
  /** Resolves an activation config with the semantics of the file's Keras version. */
  activation(layer: Layer, spec: unknown): Activation;
  /** Adds a helper function inside the session (e.g. a specialised timestep). */
  func(lines: readonly string[]): void;
  /** Writes statements into `predict`, in order. */
  line(...lines: string[]): void;
  /** Imports a module (`import * as id from specifier`, once per specifier) and returns its identifier. */
  importModule(specifier: string, base: string): string;
  /** Module-level TypeScript declarations, placed before the session (they cannot use weights). */
  declare(...lines: string[]): void;
  /** Module-level JavaScript statements run after the weight constants exist (no type syntax). */
  afterWeights(...lines: string[]): void;
}
