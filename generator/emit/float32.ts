/** Prints float32 values as the shortest decimal text that parses back to the same float32. */

export function formatFloat32(value: number): string {
  const v = Math.fround(value);
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  for (let digits = 1; digits <= 9; digits++) {
    const text = shortest(v.toPrecision(digits));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(v); // unreachable: 9 significant digits always round-trip a float32
}

/** Canonical form of a toPrecision result: no trailing zeros, the shorter of fixed and exponent. */
function shortest(text: string): string {
  const n = Number(text);
  const plain = String(n); // JS picks fixed or exponent notation and drops trailing zeros
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
