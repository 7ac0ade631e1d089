/**
 * Every Keras activation, through generated code, against formulas written out independently here,
 * with the semantics of the Keras version recorded in the file.
 */
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/errors.js";
import { importModel, modelFromConfig, sequential } from "./helpers/ir.js";

const XS = [-40, -6, -3.1, -2.6, -1, -0.3, -0, 0, 0.25, 0.7, 1, 2.4, 2.6, 3.2, 5.5, 40];

/** erf by direct numeric integration (independent of the runtime's series). */
function erfRef(x: number): number {
  const n = 20000;
  let s = 0;
  for (let k = 0; k < n; k++) {
    const t = (x * (k + 0.5)) / n;
    s += Math.exp(-t * t);
  }
  return ((2 / Math.sqrt(Math.PI)) * s * x) / n;
}

const sig = (x: number) => 1 / (1 + Math.exp(-x));
const clip01 = (x: number) => Math.min(1, Math.max(0, x));
const softplusRef = (x: number) => Math.log(1 + Math.exp(x));

const REFERENCE: Record<string, (x: number) => number> = {
  linear: (x) => x,
  relu: (x) => Math.max(0, x),
  relu6: (x) => Math.min(6, Math.max(0, x)),
  sigmoid: sig,
  tanh: Math.tanh,
  softplus: (x) => (x > 30 ? x : softplusRef(x)),
  softsign: (x) => x / (1 + Math.abs(x)),
  elu: (x) => (x > 0 ? x : Math.exp(x) - 1),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1)),
  gelu: (x) => 0.5 * x * (1 + erfRef(x / Math.SQRT2)),
  swish: (x) => x * sig(x),
  silu: (x) => x * sig(x),
  exponential: Math.exp,
  hard_swish: (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
  hard_silu: (x) => (x * Math.min(6, Math.max(0, x + 3))) / 6,
  leaky_relu: (x) => (x >= 0 ? x : 0.2 * x),
  mish: (x) => x * Math.tanh(x > 30 ? x : softplusRef(x)),
  log_sigmoid: (x) => (x < -30 ? x : -softplusRef(-x)),
  hard_tanh: (x) => Math.min(1, Math.max(-1, x)),
};

async function run(activation: unknown, version: string, sub: string): Promise<Float32Array> {
  const model = modelFromConfig(sequential([XS.length], [["Activation", { name: "act", activation }]]), {}, version);
  const mod = await importModel(`activations/${sub}`, model);
  return (mod.predict(XS) as Float32Array).slice();
}

function expectClose(got: Float32Array, want: number[]): void {
  want.forEach((w, i) => {
    const tol = 1e-6 + 1e-6 * Math.abs(w);
    expect(Math.abs(got[i]! - Math.fround(w)), `x=${XS[i]}: got ${got[i]} want ${w}`).toBeLessThanOrEqual(tol);
  });
}

describe("elementwise activations", () => {
  it.each(Object.keys(REFERENCE))("%s", async (name) => {
    expectClose(await run(name, "3.15.1", name), XS.map(REFERENCE[name]!));
  });

  it("hard_sigmoid is x/6 + 0.5 in a Keras 3 file", async () => {
    expectClose(await run("hard_sigmoid", "3.15.1", "hs3"), XS.map((x) => clip01(x / 6 + 0.5)));
  });

  it("hard_sigmoid is 0.2x + 0.5 in a Keras 2 file", async () => {
    expectClose(await run("hard_sigmoid", "2.2.4", "hs2"), XS.map((x) => clip01(0.2 * x + 0.5)));
  });

  it("accepts a serialised activation object with parameters", async () => {
    const spec = { class_name: "function", config: "relu" };
    expectClose(await run(spec, "3.15.1", "fn-object"), XS.map(REFERENCE["relu"]!));
  });
});

describe("row-wise activations over the last axis", () => {
  it("softmax and log_softmax", async () => {
    const m = Math.max(...XS);
    const sum = XS.reduce((s, x) => s + Math.exp(x - m), 0);
    expectClose(await run("softmax", "3.15.1", "softmax"), XS.map((x) => Math.exp(x - m) / sum));
    expectClose(await run("log_softmax", "3.15.1", "log_softmax"), XS.map((x) => x - m - Math.log(sum)));
  });
});

describe("activation layers", () => {
  it("LeakyReLU defaults to slope 0.3 (the activation function defaults to 0.2)", async () => {
    const model = modelFromConfig(sequential([XS.length], [["LeakyReLU", { name: "lr" }]]));
    const mod = await importModel("activations/leaky-layer", model);
    expectClose((mod.predict(XS) as Float32Array).slice(), XS.map((x) => (x >= 0 ? x : 0.3 * x)));
  });

  it("an unknown activation is refused with a clear error naming the layer", async () => {
    const model = modelFromConfig(sequential([3], [["Dense", { name: "d", units: 2, activation: "frobnicate" }]]), {
      d: [{ shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, { shape: [2], data: [0, 0] }],
    });
    const err = await importModel("activations/unknown", model).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as KerasError).layer?.name).toBe("d");
    expect((err as KerasError).message).toBe('unsupported activation "frobnicate"');
  });
});
