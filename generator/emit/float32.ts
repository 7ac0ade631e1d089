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
