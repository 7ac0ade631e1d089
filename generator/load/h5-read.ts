/**
 * Reads a numeric HDF5 dataset and checks that HDF5 says the read worked. h5wasm's own `.value`
 * ignores H5Dread's status: a failed read (corrupt compressed chunk, storage outside the file)
 * would hand back whatever the buffer held before, silently turning into wrong weights.
 */
import { Module } from "h5wasm";
import { KerasError } from "../errors.js";

export interface NumericType {
  /** HDF5 type class: 0 integer, 1 float. */
  readonly type: number;
  /** Bytes per value. */
  readonly size: number;
  readonly signed: boolean;
}

/** The dataset's `count` values as float32 (HDF5 hands them over little-endian, in the file's size). */
export function readNumeric(fileId: bigint, path: string, t: NumericType, count: number): Float32Array {
  const decode = decoder(t);
  if (!decode) throw new KerasError(`weight "${path}" has an unsupported number type (${t.type === 1 ? "float" : "integer"} of ${t.size} bytes)`);
  const nbytes = count * t.size;
  const ptr = nbytes === 0 ? 0 : Module._malloc(nbytes);
  if (nbytes > 0 && ptr === 0) throw new KerasError(`weight "${path}" does not fit in memory (${nbytes} bytes)`);
  try {
    const status = Module.get_dataset_data(fileId, path, null, null, null, BigInt(ptr));
    if (status < 0) throw new KerasError(`weight "${path}" cannot be read (corrupt data, or data stored outside the file)`);
    return decode(Module.HEAPU8.slice(ptr, ptr + nbytes).buffer);
  } finally {
    if (ptr !== 0) Module._free(ptr);
  }
}

function decoder(t: NumericType): ((b: ArrayBuffer) => Float32Array) | undefined {
  const from = (a: ArrayLike<number>) => Float32Array.from(a);
  if (t.type === 1) {
    if (t.size === 4) return (b) => new Float32Array(b);
    if (t.size === 8) return (b) => from(new Float64Array(b));
    if (t.size === 2) return (b) => Float32Array.from(new Uint16Array(b), halfToNumber);
    return undefined;
  }
  if (t.type !== 0) return undefined;
  const ints: Record<number, [new (b: ArrayBuffer) => ArrayLike<number>, new (b: ArrayBuffer) => ArrayLike<number>]> = {
    1: [Int8Array, Uint8Array],
    2: [Int16Array, Uint16Array],
    4: [Int32Array, Uint32Array],
  };
  if (t.size === 8) return (b) => Float32Array.from(t.signed ? new BigInt64Array(b) : new BigUint64Array(b), Number);
  const pair = Object.hasOwn(ints, t.size) ? ints[t.size] : undefined;
  return pair && ((b) => from(new pair[t.signed ? 0 : 1](b)));
}

/** IEEE half precision bits → number (Keras float16 weights). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
