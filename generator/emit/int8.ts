/**
 * `--weights int8`: kernels and embedding tables quantised symmetrically per channel, everything
 * else exact float32. Channel c's scale is fround(max|w| / 127) (float32); each value is stored as
 * q = round(w / scale) in -127..127 (ties away from zero) and read back by the runtime's `decodeInt8`
 * as fround(q · scale). About 1.33 base64 characters a value instead of float32's 5.33.
 */
import { KerasError } from "../errors.js";
import { bytesBase64Literal, float32Base64Literal } from "./float32.js";

/** How a flat tensor splits into channels: value i belongs to channel ⌊i / stride⌋ mod count. */
export interface Channels {
  readonly count: number;
  readonly stride: number;
}

/** One scale per column of a Keras-layout tensor (…, count): a kernel's output channels. */
export const lastAxis = (shape: readonly number[]): Channels => ({ count: shape[shape.length - 1] ?? 1, stride: 1 });

/** One scale per row of a (rows, …) tensor: transposed kernels, embedding tables. */
export const perRow = (rows: number, size: number): Channels => ({ count: rows, stride: rows === 0 ? 1 : size / rows });

export interface Quantised {
  readonly q: Int8Array;
  readonly scales: Float32Array;
}

/** Quantises `data` per channel; refuses non-finite values (no scale could hold them). */
export function quantiseInt8(data: Float32Array, channels: Channels, what: string): Quantised {
  const scales = new Float32Array(channels.count);
  forEachChannel(data, channels, (i, c) => {
    const w = data[i]!;
    if (!Number.isFinite(w)) throw new KerasError(`--weights int8: ${what} holds a non-finite value (${w}); use --weights base64`);
    scales[c] = Math.max(scales[c]!, Math.abs(w));
  });
  scales.forEach((m, c) => (scales[c] = Math.fround(m / 127)));
  const q = new Int8Array(data.length);
  forEachChannel(data, channels, (i, c) => {
    const s = scales[c]!;
    // A zero scale (all-zero channel, or one too small for a float32 scale) stores zeros.
    const r = s === 0 ? 0 : Math.sign(data[i]!) * Math.round(Math.abs(data[i]!) / s);
    q[i] = Math.max(-127, Math.min(127, r));
  });
  return { q, scales };
}

/** The value the runtime's decodeInt8 computes for channel value q with scale s. */
export function int8Value(q: number, scale: number): number {
  return Math.fround(q * scale);
}

/** The runtime call that rebuilds the tensor at load. */
export function int8Call(decode: string, { q, scales }: Quantised, channels: Channels): string {
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.length);
  return `${decode}(${bytesBase64Literal(bytes)}, ${float32Base64Literal(scales)}, ${channels.stride})`;
}

export interface Int8Change {
  /** Largest |decoded − w|. */
  readonly absolute: number;
  /** Largest |decoded − w| / |w| over w ≠ 0 (1 when a small weight rounds to zero). */
  readonly relative: number;
  /** Largest |decoded − w| / (127 · scale, its channel's max |w| to float32 rounding): about 1/254 at most. */
  readonly ofChannel: number;
}

/** What quantising changed, measured on every value against what the runtime will decode. */
export function int8Change(tensors: readonly { data: Float32Array; quantised: Quantised; channels: Channels }[]): Int8Change {
  let absolute = 0;
  let relative = 0;
  let ofChannel = 0;
  for (const { data, quantised, channels } of tensors) {
    const { q, scales } = quantised;
    forEachChannel(data, channels, (i, c) => {
      const w = data[i]!;
      const d = Math.abs(int8Value(q[i]!, scales[c]!) - w);
      absolute = Math.max(absolute, d);
      if (w !== 0) relative = Math.max(relative, d / Math.abs(w));
      if (d > 0) ofChannel = Math.max(ofChannel, d / (scales[c]! * 127 || Math.abs(w)));
    });
  }
  return { absolute, relative, ofChannel };
}

function forEachChannel(data: Float32Array, { count, stride }: Channels, f: (i: number, channel: number) => void): void {
  let channel = 0;
  let run = 0;
  for (let i = 0; i < data.length; i++) {
    f(i, channel);
    if (++run === stride) {
      run = 0;
      if (++channel === count) channel = 0;
    }
  }
}

/**
 * The default split of a layer weight (label as the emitter names it, Keras shape): kernels (labels
 * ending in "kernel", recurrent and prefixed ones included) per output channel, the last axis;
 * embedding tables per row (each lookup reads one row). Everything else (biases, normalisation
 * parameters, scalars, 1-D tensors) stays exact: few values, and often precision-sensitive. Kernels
 * are quantised whatever their size: a scale costs 5.3 characters and each value saves 4, so any
 * kernel of two rows or more shrinks, and a small kernel loses no more precision than a large one.
 */
export function int8Channels(label: string, shape: readonly number[]): Channels | undefined {
  if (shape.length < 2) return undefined;
  if (/kernel$/.test(label)) return lastAxis(shape);
  if (/embeddings$/.test(label)) return perRow(shape[0]!, shape.reduce((a, b) => a * b, 1));
  return undefined;
}
