/** Prints float32 values as the shortest decimal text that parses back to the same float32. */

export function formatFloat32(value: number): string {
  const v = Math.fround(value);
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  // More digits never round-trip worse, so binary-search the fewest significant digits (1..9).
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(v.toPrecision(mid))) === v) hi = mid;
    else lo = mid + 1;
  }
  return shortest(v.toPrecision(lo));
}

/** Canonical form of a toPrecision result: no trailing zeros, the shorter of fixed and exponent. */
function shortest(text: string): string {
  const n = Number(text);
  const plain = String(n); // JS picks fixed or exponent notation and drops trailing zeros
  if (plain.length <= 6) return plain;
  const [mantissa, exp] = n.toExponential().split("e");
  const exponent = `${mantissa}e${Number(exp)}`;
  return exponent.length < plain.length ? exponent : plain;
}

/** Thrown by `float32ArrayLiteral` once the literal passes its `maxChars`. */
export class LiteralTooLong extends Error {
  constructor(readonly length: number) {
    super(`literal over ${length} characters`);
  }
}

/**
 * A Float32Array literal, `perLine` values per line, each line indented by `indent`. Refuses (before
 * the string grows further) a literal longer than `maxChars`.
 */
export function float32ArrayLiteral(data: Float32Array, indent = "  ", perLine = 8, maxChars = Infinity): string {
  if (data.length === 0) return "new Float32Array(0)";
  const lines: string[] = [];
  let length = 0;
  for (let i = 0; i < data.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + perLine, data.length); j++) row.push(formatFloat32(data[j]!));
    const line = indent + row.join(", ") + ",";
    length += line.length + 1;
    if (length > maxChars) throw new LiteralTooLong(length);
    lines.push(line);
  }
  return `new Float32Array([\n${lines.join("\n")}\n])`;
}

/**
 * The same tensor as base64 of its little-endian float32 bytes (see bytesBase64Literal): exact bits,
 * about 5.3 bytes a value instead of 10 to 15 as decimal text.
 */
export function float32Base64Literal(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytesBase64Literal(bytes);
}

/** Base64 of bytes: Node's Buffer where there is one, else btoa (browsers: the converter page). */
function base64Of(bytes: Uint8Array): string {
  const nodeBuffer = (globalThis as { Buffer?: { from(b: Uint8Array): { toString(enc: "base64"): string } } }).Buffer;
  if (nodeBuffer) return nodeBuffer.from(bytes).toString("base64");
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/** The IEEE 754 binary16 bits nearest to a float32 value (ties to even; overflow to ±Infinity). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = f32Bits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : 0x7e00;
  if (exp > 112) {
    // Normal half (or overflow): drop 13 mantissa bits, rounding to even; a carry moves into the exponent.
    if (exp > 142) return sign | 0x7c00;
    const h = ((exp - 112) << 10) | (mant >>> 13);
    const dropped = mant & 0x1fff;
    const up = dropped > 0x1000 || (dropped === 0x1000 && (h & 1) === 1);
    return sign | Math.min(h + (up ? 1 : 0), 0x7c00);
  }
  // Subnormal half: the 24-bit significand in units of 2^-24, rounded to even.
  const shift = 126 - exp;
  if (shift > 25) return sign;
  const m = mant | (exp === 0 ? 0 : 0x800000);
  const q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return sign | (q + (rem > half || (rem === half && (q & 1) === 1) ? 1 : 0));
}

/** The value of binary16 bits (what the runtime's decodeFloat16 computes). */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0x1f) return m === 0 ? sign * Infinity : NaN;
  return sign * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

/**
 * `--weights f16`: each value rounded to the nearest float16, base64 of the little-endian halves
 * (see bytesBase64Literal; about 2.7 bytes a value), widened back to float32 once at load by the
 * runtime's `decodeFloat16`. Lossy: see `float16Error`.
 */
export function float16Base64Literal(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 2);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setUint16(i * 2, float16Bits(v), true));
  return bytesBase64Literal(bytes);
}

/** Largest |float16(w) − w| over the tensors, and the largest relative to |w| (finite values only). */
export function float16Error(tensors: readonly Float32Array[]): { absolute: number; relative: number } {
  let absolute = 0;
  let relative = 0;
  for (const data of tensors) {
    for (const w of data) {
      if (!Number.isFinite(w)) continue;
      const d = Math.abs(float16Value(float16Bits(w)) - w);
      if (d > absolute) absolute = d;
      if (w !== 0 && d / Math.abs(w) > relative) relative = d / Math.abs(w);
    }
  }
  return { absolute, relative };
}

/**
 * Base64 of raw bytes as one double-quoted line, as every weight encoding prints its data: engines scan
 * a plain string literal much faster than a template literal or line-broken text (the seed-size module
 * compiles in 55 ms instead of 90), and nobody reads base64 by line.
 */
export function bytesBase64Literal(bytes: Uint8Array): string {
  return `"${base64Of(bytes)}"`;
}
