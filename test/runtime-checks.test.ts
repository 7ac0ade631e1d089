/**
 * The checks a generated module makes at run time, tested through generated modules: wrong argument
 * counts, lengths and types throw a RangeError naming the input and the expected length; NaN and
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

  it("something that is not an array of numbers is refused the same way", () => {
    for (const bad of [undefined, null, 7, "x".repeat(20), { length: "20" }]) {
      expect(() => lstm.predict(bad as unknown as number[])).toThrow(new RangeError('input "input_layer": expected an array of 20 numbers'));
    }
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
