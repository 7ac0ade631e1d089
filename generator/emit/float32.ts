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

/** A Float32Array literal, `perLine` values per line, each line indented by `indent`. */
export function float32ArrayLiteral(data: Float32Array, indent = "  ", perLine = 8): string {
  if (data.length === 0) return "new Float32Array(0)";
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += perLine) {
    const row: string[] = [];
    for (let j = i; j < Math.min(i + perLine, data.length); j++) row.push(formatFloat32(data[j]!));
    lines.push(indent + row.join(", ") + ",");
  }
  return `new Float32Array([\n${lines.join("\n")}\n])`;
}

/**
 * The same tensor as base64 of its little-endian float32 bytes, in a template literal of fixed-width
 * lines (the runtime's `decodeFloat32` skips the white space): exact bits, about 5.3 bytes a value
 * instead of 10 to 15 as decimal text.
 */
export function float32Base64Literal(data: Float32Array, indent = "  ", perLine = 96): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  const text = Buffer.from(bytes).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += perLine) lines.push(indent + text.slice(i, i + perLine));
  return `\`\n${lines.join("\n")}\n\``;
}

/** Half-way cases to even: `x` ≥ 0 with at most 24 significant bits, so every step is exact. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  return d > 0.5 || (d === 0.5 && f % 2 === 1) ? f + 1 : f;
}

/** The IEEE 754 binary16 bits nearest to a float32 value (ties to even; overflow to ±Infinity). */
export function float16Bits(value: number): number {
  const v = Math.fround(value);
  if (Number.isNaN(v)) return 0x7e00;
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a >= 65520) return sign | 0x7c00; // 65504 is the largest half; from 65520 up it rounds to infinity
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 carries into the exponent)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return sign | (((e + 15) << 10) + roundHalfEven((a / 2 ** e - 1) * 1024)); // a mantissa of 1024 carries too
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
 * `--weights f16`: each value rounded to the nearest float16, base64 of the little-endian halves in
 * a template literal (about 2.7 bytes a value), widened back to float32 once at load by the
 * runtime's `decodeFloat16`. Lossy: see `float16Error`.
 */
export function float16Base64Literal(data: Float32Array, indent = "  ", perLine = 96): string {
  const bytes = new Uint8Array(data.length * 2);
  const view = new DataView(bytes.buffer);
  data.forEach((v, i) => view.setUint16(i * 2, float16Bits(v), true));
  const text = Buffer.from(bytes).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += perLine) lines.push(indent + text.slice(i, i + perLine));
  return `\`\n${lines.join("\n")}\n\``;
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
