import { describe, expect, it } from "vitest";
import { float32ArrayLiteral, formatFloat32 } from "../generator/emit/float32.js";

/** Deterministic pseudo-random float32 bit patterns covering every exponent. */
function* randomFloats(count: number): Generator<number> {
  let s = 0x9e3779b9;
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  for (let i = 0; i < count; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    bits[0] = s >>> 0;
    yield f[0]!;
  }
}

describe("formatFloat32", () => {
  it.each([
    [0, "0"],
    [-0, "-0"],
    [NaN, "NaN"],
    [Infinity, "Infinity"],
    [-Infinity, "-Infinity"],
    [1, "1"],
    [0.1, "0.1"],
    [-2.5, "-2.5"],
    [1e-45, "1e-45"],
    [3.4028234663852886e38, "3.4028235e38"],
    [1.17549435e-38, "1.1754944e-38"],
    [123456792, "123456790"],
  ])("%s prints as %s", (value, text) => {
    expect(formatFloat32(value)).toBe(text);
  });

  it("round-trips 200000 random float32 bit patterns exactly, with the shortest text", () => {
    // Every value is checked; failures are collected and asserted once (400,000 expect() calls took 40 s).
    const failures: string[] = [];
    let checked = 0;
    for (const v of randomFloats(200_000)) {
      const text = formatFloat32(v);
      const back = Math.fround(Number(text));
      if (Number.isNaN(v) ? text !== "NaN" : !Object.is(back, v)) failures.push(`${v} -> ${text} reads back as ${back}`);
      // No shorter precision round-trips (shortest property), checked on the significant digits.
      if (Number.isFinite(v) && v !== 0) {
        const digits = text.replace(/^-/, "").replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "").length;
        if (digits > 1 && Object.is(Math.fround(Number(v.toPrecision(digits - 1))), v)) failures.push(`${v} -> ${text} is not the shortest: ${v.toPrecision(digits - 1)} reads back too`);
      }
      checked++;
    }
    expect(checked).toBe(200_000);
    expect(failures).toEqual([]);
  });
});

describe("float32ArrayLiteral", () => {
  it("prints a fixed number of values per line and parses back to the same array", () => {
    const data = new Float32Array([1, -0, NaN, 0.3, -Infinity, 2, 3, 4, 5]);
    const text = float32ArrayLiteral(data, "  ", 4);
    expect(text).toBe("new Float32Array([\n  1, -0, NaN, 0.3,\n  -Infinity, 2, 3, 4,\n  5,\n])");
    const back = new Function(`return ${text}`)() as Float32Array;
    expect(Array.from(back).map((v) => Object.is(v, -0) ? "-0" : String(v))).toEqual(["1", "-0", "NaN", String(Math.fround(0.3)), "-Infinity", "2", "3", "4", "5"]);
  });

  it("prints an empty tensor", () => {
    expect(float32ArrayLiteral(new Float32Array(0))).toBe("new Float32Array(0)");
  });
});
