/**
 * The checks a generated module makes at run time, tested through generated modules: wrong argument
 * counts and lengths throw a RangeError naming the input and the expected length, nested arrays a
 * RangeError saying to flatten them, non-arrays and non-number elements a TypeError; NaN and
 * ±Infinity flow through as Keras' arithmetic would carry them.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { generate } from "../generator/index.js";
import { asList, FIXTURES, GENERATED, readCase, samples, type GeneratedModule } from "./helpers/cases.js";
import { readZip, writeZip } from "../scripts/fuzz/zipkit.js";

const work = join(GENERATED, "runtime-checks");

async function moduleFrom(name: string, bytes: Uint8Array): Promise<GeneratedModule> {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const f of await generate(bytes, "model.ts", { sourceName: "model.keras" })) writeFileSync(join(dir, f.name), f.text);
  return (await import(pathToFileURL(join(dir, "model.ts")).href)) as GeneratedModule;
}

const fixture = (name: string) => new Uint8Array(readFileSync(join(FIXTURES, name, "model.keras")));

/** lstm_default with a variable sequence length (batch_shape [null, null, 4]). */
function variableLength(): Uint8Array {
  return writeZip(
    readZip(fixture("lstm_default")).map((e) => {
      if (e.name !== "config.json") return e;
      const config = JSON.parse(new TextDecoder().decode(e.data));
      config.config.layers[0].config.batch_shape = [null, null, 4];
      return { ...e, data: new TextEncoder().encode(JSON.stringify(config)) };
    }),
  );
}

const firstSample = (name: string) => readCase(join(FIXTURES, name)).inputs.map((t) => samples(t)[0]!);

let multi: GeneratedModule; // functional_multi_io: seq (6, 3), vec (5) -> cls (2), reg (1)
let lstm: GeneratedModule; // lstm_default: (5, 4) -> (3)
let dense: GeneratedModule; // dense_zoo: Dense relu, BatchNorm, ..., softmax
let variable: GeneratedModule;

beforeAll(async () => {
  multi = await moduleFrom("multi", fixture("functional_multi_io"));
  lstm = await moduleFrom("lstm", fixture("lstm_default"));
  dense = await moduleFrom("dense", fixture("dense_zoo"));
  variable = await moduleFrom("variable", variableLength());
});

describe("argument checks", () => {
  it("a wrong number of arguments names every input", () => {
    const [seq, vec] = firstSample("functional_multi_io");
    expect(() => multi.predict(seq!)).toThrow(new RangeError("predict expects 2 input(s) (seq, vec), got 1"));
    expect(() => multi.predict(seq!, vec!, vec!)).toThrow(RangeError);
  });

  it("a wrong length names the input and the expected length", () => {
    const [seq, vec] = firstSample("functional_multi_io");
    expect(() => multi.predict(seq!.slice(1), vec!)).toThrow(new RangeError('input "seq": expected 18 numbers, got 17'));
    expect(() => multi.predict(seq!, [...vec!, 0])).toThrow(new RangeError('input "vec": expected 5 numbers, got 6'));
  });

  it("something that is not an array is a TypeError naming the input", () => {
    const cases: [unknown, string][] = [
      [undefined, "undefined"], [null, "null"], [7, "number"], ["x".repeat(20), "a string"], [{ length: "20" }, "an object without a numeric length"],
    ];
    for (const [bad, got] of cases) {
      expect(() => lstm.predict(bad as number[])).toThrow(new TypeError(`input "input_layer": expected an array of 20 numbers, got ${got}`));
    }
  });

  it("a nested array is a RangeError saying to flatten it, with the expected shape", () => {
    const [x] = firstSample("lstm_default");
    const rows = Array.from({ length: 5 }, (_, t) => x!.slice(4 * t, 4 * t + 4)); // shape [5, 4] as nested rows
    const flatten = new RangeError('input "input_layer": got a nested array; flatten it row-major into 20 numbers (one sample of shape [5, 4])');
    expect(() => lstm.predict(rows as unknown as number[])).toThrow(flatten);
    expect(() => lstm.predict([...x!.slice(0, 19), [0]] as unknown as number[])).toThrow(flatten); // nested further in
    const [seq, vec] = firstSample("functional_multi_io");
    expect(() => multi.predict(seq!, [vec!] as unknown as number[])).toThrow(/^input "vec": got a nested array; flatten it row-major into 5 numbers \(one sample of shape \[5\]\)$/);
    expect(() => variable.predict(rows as unknown as number[])).toThrow(/input "input_layer": got a nested array; .* \[timesteps, 4\]/);
  });

  it("holes, strings, objects and new Array(n) are TypeErrors naming the input and the element, never NaN", () => {
    const [x] = firstSample("lstm_default");
    const withAt = (i: number, v: unknown) => Object.assign(x!.slice(), { [i]: v }) as number[];
    const holey = x!.slice();
    delete holey[7];
    const cases: [unknown, RegExp][] = [
      [holey, /^input "input_layer": element 7 is missing \(a hole or undefined\), not a number \(expected 20 numbers\)$/],
      [new Array(20), /element 0 is missing/],
      [withAt(2, "0.5"), /element 2 is the string "0.5", not a number/],
      [withAt(19, {}), /element 19 is a value of type object, not a number/],
      [withAt(3, null), /element 3 is null/],
      [withAt(4, 1n), /element 4 is a value of type bigint/],
      [new BigInt64Array(20), /element 0 is a value of type bigint/],
    ];
    for (const [bad, message] of cases) {
      expect(() => lstm.predict(bad as number[])).toThrow(TypeError);
      expect(() => lstm.predict(bad as number[])).toThrow(message);
    }
  });

  it("every kind of array of numbers gives the same result: arrays, typed arrays, array-likes", () => {
    const [x] = firstSample("lstm_default");
    const want = Array.from(asList(lstm.predict(x!))[0]!);
    const arrayLike = Object.assign({ length: x!.length }, x!) as ArrayLike<number>;
    for (const same of [new Float64Array(x!), arrayLike]) expect(Array.from(asList(lstm.predict(same))[0]!)).toEqual(want);
    expect(Array.from(asList(lstm.predict(new Float32Array(x!)))[0]!)).toEqual(Array.from(asList(lstm.predict(Array.from(new Float32Array(x!))))[0]!));
  });

  it("a variable-length input takes whole steps only and says the step size", () => {
    expect(variable.inputs[0]!.shape).toEqual([null, 4]);
    expect(asList(variable.predict(new Float32Array(12)))[0]!.length).toBe(3);
    expect(() => variable.predict(new Float32Array(13))).toThrow(new RangeError('input "input_layer": expected a positive multiple of 4 numbers, got 13'));
    expect(() => variable.predict([])).toThrow(RangeError);
  });
});

describe("NaN and ±Infinity propagate as in Keras", () => {
  it("LSTM: a NaN anywhere in the sequence makes every output NaN (it reaches every gate)", () => {
    for (const at of [0, 7, 19]) {
      const x = firstSample("lstm_default")[0]!.slice();
      x[at] = Number.NaN;
      expect(Array.from(asList(lstm.predict(x))[0]!).every(Number.isNaN)).toBe(true);
    }
  });

  it("LSTM: ±Infinity saturates the gates exactly like a huge finite input, giving finite outputs", () => {
    for (const inf of [Infinity, -Infinity]) {
      const x = firstSample("lstm_default")[0]!.slice();
      x[6] = inf;
      const got = Array.from(asList(lstm.predict(x))[0]!);
      x[6] = Math.sign(inf) * 1e300;
      expect(got).toEqual(Array.from(asList(lstm.predict(x))[0]!));
      expect(got.every(Number.isFinite)).toBe(true);
    }
  });

  it("Dense with relu: NaN in gives NaN out (relu(NaN) is NaN in Keras, not 0)", () => {
    const x = firstSample("dense_zoo")[0]!.slice();
    x[3] = Number.NaN;
    expect(Array.from(asList(dense.predict(x))[0]!).every(Number.isNaN)).toBe(true);
  });

  it("a NaN in one input of a multi-input model reaches the outputs that depend on it", () => {
    const [seq, vec] = firstSample("functional_multi_io");
    const v = vec!.slice();
    v[0] = Number.NaN;
    const [cls, reg] = asList(multi.predict(seq!, v)).map((a) => Array.from(a));
    expect(cls!.every(Number.isNaN) && reg!.every(Number.isNaN)).toBe(true);
  });
});
