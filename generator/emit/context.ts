/** Collects what layer emitters declare (weights, buffers, state, helpers, statements) for one module. */
import type { Dim, KerasVersion, Layer, Model, Shape } from "../ir/types.js";
import { resolveActivation, type Activation } from "./activations.js";
import type { EmitContext } from "./layers/types.js";
import { IdentifierPool } from "./names.js";
import { int8Channels, perRow, type Channels } from "./int8.js";

export interface WeightDecl {
  readonly id: string;
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly comment: string;
  /** How `--weights int8` splits it into channels; undefined: it stays exact float32. */
  readonly channels?: Channels;
}

export interface BufferDecl {
  readonly id: string;
  readonly dims: readonly Dim[];
}

export interface StateDecl {
  readonly id: string;
  readonly size: number;
  readonly stateful: boolean;
}

export class ModuleContext implements EmitContext {
  readonly weights: WeightDecl[] = [];
  readonly buffers: BufferDecl[] = [];
  readonly states: StateDecl[] = [];
  readonly funcs: string[][] = [];
  readonly body: string[] = [];
  readonly runtimeUsed = new Set<string>();
  /** Module imports besides the runtime: specifier → identifier. */
  readonly imports = new Map<string, string>();
  readonly declarations: string[] = [];
  readonly epilogue: string[] = [];

  private readonly valueBuffers = new Map<number, string>();
  private readonly weightIds = new Map<string, string>();
  private readonly layerBases = new Map<Layer, string>();

  constructor(
    private readonly model: Model,
    readonly version: KerasVersion,
    readonly unrollLimit: number,
    private readonly pool: IdentifierPool,
    private readonly layerBase: (layer: Layer) => string,
  ) {}

  shape(value: number): Shape {
    const v = this.model.values[value];
    if (!v) throw new Error(`unknown value ${value}`);
    return v.shape;
  }

  dim(d: Dim): string {
    return String(d);
  }

  size(dims: readonly Dim[]): string {
    let constant = 1;
    const symbols: string[] = [];
    for (const d of dims) {
      if (typeof d === "number") constant *= d;
      else symbols.push(d);
    }
    if (symbols.length === 0) return String(constant);
    return constant === 1 ? symbols.join(" * ") : `${symbols.join(" * ")} * ${constant}`;
  }

  buffer(value: number): string {
    const existing = this.valueBuffers.get(value);
    if (existing) return existing;
    const id = this.pool.claim(`v${value}`);
    this.buffers.push({ id, dims: this.shape(value) });
    this.valueBuffers.set(value, id);
    return id;
  }

  maskOf(value: number): number | undefined {
    const mask = this.model.values[value]?.mask;
    // Named after the masked value's buffer, e.g. `masking_out_mask`.
    if (mask !== undefined && !this.valueBuffers.has(mask)) this.nameValue(mask, this.pool.claim(`${this.buffer(value)}_mask`));
    return mask;
  }

  holdsModelInput(buffer: string): boolean {
    return this.model.inputs.some((io) => this.valueBuffers.get(io.value) === buffer);
  }

  inputName(value: number): string | undefined {
    return this.model.inputs.find((io) => io.value === value)?.name;
  }

  /** Names the buffer of a value after the layer producing it (called before any use). */
  nameValue(value: number, id: string): void {
    if (!this.valueBuffers.has(value)) {
      this.buffers.push({ id, dims: this.shape(value) });
      this.valueBuffers.set(value, id);
    }
  }

  alias(to: number, from: number): void {
    this.valueBuffers.set(to, this.buffer(from));
  }

  weight(layer: Layer, index: number, label: string, data?: Float32Array, channels?: Channels): string {
    const key = data ? "" : `${this.base(layer)}#${index}`;
    const known = key && this.weightIds.get(key);
    if (known) return known;
    const w = layer.weights[index];
    const values = data ?? w?.data;
    if (!values) throw new Error(`layer ${layer.name} has no weight ${index}`);
    const id = this.id(layer, label);
    const split = layer.custom ? undefined : (channels ?? (data || !w ? undefined : int8Channels(label, w.shape)));
    this.weights.push({ id, data: values, shape: data ? [data.length] : (w?.shape ?? []), comment: `${layer.name}: ${label}`, ...(split ? { channels: split } : {}) });
    if (key) this.weightIds.set(key, id);
    return id;
  }

  weightTransposed(layer: Layer, index: number, label: string): string {
    const key = `${this.base(layer)}#${index}#T`;
    const known = this.weightIds.get(key);
    if (known) return known;
    const w = layer.weights[index];
    if (!w || w.shape.length !== 2) throw new Error(`layer ${layer.name} has no 2-D weight ${index}`);
    const [n, m] = w.shape as [number, number];
    const data = new Float32Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) data[j * n + i] = w.data[i * m + j]!;
    const id = this.id(layer, `${label}_t`);
    const split = !layer.custom && int8Channels(label, w.shape) ? perRow(m, data.length) : undefined; // row j: column j's channel
    this.weights.push({ id, data, shape: [m, n], comment: `${layer.name}: ${label}, transposed (row j holds the weights into output j)`, ...(split ? { channels: split } : {}) });
    this.weightIds.set(key, id);
    return id;
  }

  scratch(layer: Layer, label: string, dims: readonly Dim[]): string {
    const id = this.id(layer, label);
    this.buffers.push({ id, dims });
    return id;
  }

  state(layer: Layer, label: string, size: number, stateful: boolean): string {
    const id = this.id(layer, label);
    this.states.push({ id, size, stateful });
    return id;
  }

  id(layer: Layer, label: string): string {
    return this.pool.claim(`${this.base(layer)}_${label}`);
  }

  rt(name: string): string {
    this.runtimeUsed.add(name);
    return name;
  }

  activation(layer: Layer, spec: unknown): Activation {
    return resolveActivation(layer, spec, this.version, (n) => this.rt(n));
  }

  func(lines: readonly string[]): void {
    this.funcs.push([...lines]);
  }

  line(...lines: string[]): void {
    this.body.push(...lines);
  }

  importModule(specifier: string, base: string): string {
    let id = this.imports.get(specifier);
    if (!id) {
      id = this.pool.claim(base);
      this.imports.set(specifier, id);
    }
    return id;
  }

  declare(...lines: string[]): void {
    this.declarations.push(...lines);
  }

  afterWeights(...lines: string[]): void {
    this.epilogue.push(...lines);
  }

  private base(layer: Layer): string {
    let b = this.layerBases.get(layer);
    if (!b) {
      b = this.layerBase(layer);
      this.layerBases.set(layer, b);
    }
    return b;
  }
}
