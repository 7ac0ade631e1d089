/**
 * ConvLSTM1D/2D through generated code against a reference built from the naive convolution
 * (input conv with the layer's geometry, recurrent conv stride 1 "same"), and against tfjs.
 */
import { describe, expect, it } from "vitest";
import { referenceConv, type Padding } from "./helpers/conv-reference.js";
import { generated, generatedPaths, maxDiff, random, randomArray, sequential, Tensor } from "./helpers/layer-models.js";
import { tf, tfjsLayer } from "./helpers/tfjs-reference.js";
import { typecheck } from "./helpers/typecheck.js";

interface Case {
  steps: number;
  spatial: number[];
  cin: number;
  filters: number;
  kernel: number[];
  strides: number[];
  padding: Padding;
  activation: "tanh" | "relu";
  recurrent: "sigmoid" | "hard_sigmoid";
  useBias: boolean;
  returnSequences: boolean;
  returnState: boolean;
  backwards: boolean;
  version: string;
}

const ACT: Record<string, (x: number, keras2: boolean) => number> = {
  tanh: Math.tanh,
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x, keras2) => Math.min(1, Math.max(0, keras2 ? 0.2 * x + 0.5 : x / 6 + 0.5)),
};

/** Keras' ConvLSTM equations on one sample; returns [main output, h, c] flattened. */
function referenceConvLstm(c: Case, x: number[], w: { shape: number[]; data: number[] }[]): number[][] {
  const keras2 = c.version.startsWith("2");
  const act = (v: number) => ACT[c.activation]!(v, keras2);
  const rec = (v: number) => ACT[c.recurrent]!(v, keras2);
  const kernel = new Tensor(w[0]!.shape, w[0]!.data);
  const recurrent = new Tensor(w[1]!.shape, w[1]!.data);
  const bias = c.useBias ? w[2]!.data : null;
  const ones = c.kernel.map(() => 1);
  const frameSize = c.spatial.reduce((p, d) => p * d, 1) * c.cin;
  let h: Tensor | undefined;
  let cell: Float64Array | undefined;
  const outputs: number[][] = [];
  for (let s = 0; s < c.steps; s++) {
    const t = c.backwards ? c.steps - 1 - s : s;
    const frame = new Tensor([...c.spatial, c.cin], x.slice(t * frameSize, (t + 1) * frameSize));
    const zx = referenceConv(frame, kernel, bias, { kernel: c.kernel, strides: c.strides, dilation: ones, padding: c.padding }, 1);
    const outShape = zx.shape.slice(0, -1);
    h ??= new Tensor([...outShape, c.filters]);
    cell ??= new Float64Array(h.data.length);
    const zh = referenceConv(h, recurrent, null, { kernel: c.kernel, strides: ones, dilation: ones, padding: "same" }, 1);
    const next = new Tensor(h.shape);
    for (let p = 0; p < h.data.length / c.filters; p++) {
      for (let j = 0; j < c.filters; j++) {
        const z = (g: number) => zx.data[p * 4 * c.filters + g * c.filters + j]! + zh.data[p * 4 * c.filters + g * c.filters + j]!;
        const k = p * c.filters + j;
        cell[k] = rec(z(1)) * cell[k]! + rec(z(0)) * act(z(2));
        next.data[k] = rec(z(3)) * act(cell[k]!);
      }
    }
    h = next;
    outputs.push(Array.from(h.data));
  }
  const main = c.returnSequences ? outputs.flat() : outputs[outputs.length - 1]!;
  return c.returnState ? [main, Array.from(h!.data), Array.from(cell!)] : [main];
}

function cases(rank: number, count: number, seed: number): Case[] {
  const rnd = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor((rnd() + 0.5) * xs.length)]!;
  return Array.from({ length: count }, () => ({
    steps: pick([1, 3, 4]),
    spatial: Array.from({ length: rank }, () => pick([3, 4, 5])),
    cin: pick([1, 2]),
    filters: pick([1, 2, 3]),
    kernel: Array.from({ length: rank }, () => pick([1, 2, 3])),
    strides: Array.from({ length: rank }, () => pick([1, 1, 2])),
    padding: pick(["valid", "same"] as const),
    activation: pick(["tanh", "relu"] as const),
    recurrent: pick(["sigmoid", "hard_sigmoid"] as const),
    useBias: pick([true, false]),
    returnSequences: pick([true, false]),
    returnState: pick([true, false]),
    backwards: pick([true, false]),
    version: pick(["3.15.1", "2.12.0"]),
  }));
}

describe.each([1, 2])("ConvLSTM%dD", (rank) => {
  it.each(cases(rank, 14, 500 + rank).map((c, k) => [k, c] as const))("case %i matches the reference", async (k, c) => {
    const inShape = [c.steps, ...c.spatial, c.cin];
    const config = {
      name: "cl", filters: c.filters, kernel_size: c.kernel, strides: c.strides, padding: c.padding, activation: c.activation,
      recurrent_activation: c.recurrent, use_bias: c.useBias, return_sequences: c.returnSequences, return_state: c.returnState, go_backwards: c.backwards,
    };
    // return_state gives several outputs: build a Functional model around the layer.
    const arch = c.returnState
      ? {
        class_name: "Functional",
        config: {
          name: "m",
          layers: [
            { class_name: "InputLayer", name: "x", config: { name: "x", batch_shape: [null, ...inShape] }, inbound_nodes: [] },
            { class_name: `ConvLSTM${rank}D`, name: "cl", config, inbound_nodes: [[["x", 0, 0, {}]]] },
          ],
          input_layers: [["x", 0, 0]],
          output_layers: [["cl", 0, 0], ["cl", 0, 1], ["cl", 0, 2]],
        },
      }
      : sequential(inShape, [[`ConvLSTM${rank}D`, config]]);
    const { run, weights } = await generated(`layers/convlstm${rank}d/${k}`, arch, 11 * k + rank, c.version);
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(k + 90), 2);
    const want = referenceConvLstm(c, x, weights["cl"]!);
    const got = run(x);
    expect(got.length).toBe(want.length);
    want.forEach((w, i) => expect(maxDiff(got[i]!, w), `output ${i}`).toBeLessThan(1e-5));
  });
});

describe("ConvLSTM2D agrees with tfjs", () => {
  it.each([
    ["same, sequences", { padding: "same", returnSequences: true }],
    ["valid, strided, last output", { padding: "valid", strides: 2, returnSequences: false }],
  ] as const)("%s", async (label, opts) => {
    const inShape = [3, 5, 5, 2];
    const config = { name: "cl", filters: 3, kernel_size: [3, 3], strides: "strides" in opts ? opts.strides : 1, padding: opts.padding, return_sequences: opts.returnSequences };
    const { run, weights } = await generated(`layers/convlstm-tfjs/${label.replace(/\W+/g, "-")}`, sequential(inShape, [["ConvLSTM2D", config]]), 4);
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(77), 2);
    const layer = tf.layers.convLstm2d({
      filters: 3, kernelSize: 3, strides: "strides" in opts ? opts.strides : 1, padding: opts.padding,
      returnSequences: opts.returnSequences, recurrentActivation: "sigmoid",
    });
    const want = await tfjsLayer(layer, inShape, weights["cl"]!, x);
    expect(maxDiff(run(x)[0]!, want)).toBeLessThan(1e-5);
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", () => {
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});
