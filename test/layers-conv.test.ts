/**
 * Convolution and pooling layers through generated code, against naive references
 * (helpers/conv-reference.ts: explicitly padded input, textbook sums) over many sizes and options,
 * and against tfjs where it implements the same layer.
 */
import { describe, expect, it } from "vitest";
import { KerasError } from "../generator/index.js";
import { typecheck } from "./helpers/typecheck.js";
import { generated, generatedPaths, maxDiff, random, randomArray, sequential, Tensor } from "./helpers/layer-models.js";
import { tf, tfjsLayer } from "./helpers/tfjs-reference.js";
import { referenceConv, referencePool, transpose, type Padding, type Window } from "./helpers/conv-reference.js";

const relu = (t: Tensor) => new Tensor(t.shape, t.data.map((v) => Math.max(v, 0)));

interface ConvCase extends Window {
  spatial: number[];
  cin: number;
  filters: number;
  groups: number;
  useBias: boolean;
  activation: "linear" | "relu";
  channelsFirst: boolean;
}

function convCases(rank: number, count: number, seed: number): ConvCase[] {
  const rnd = random(seed);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor((rnd() + 0.5) * xs.length)]!;
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const groups = pick([1, 1, 2, 3]);
    const kernel = Array.from({ length: rank }, () => pick([1, 2, 3, 4]));
    const strides = Array.from({ length: rank }, () => pick([1, 1, 2, 3]));
    const dilation = strides.map((s) => (s > 1 ? 1 : pick([1, 2])));
    const padding = pick<Padding>(rank === 1 ? ["valid", "same", "causal"] : ["valid", "same"]);
    const spatial = Array.from({ length: rank }, () => pick([5, 6, 7, 9]));
    if (padding === "valid" && spatial.some((n, k) => n < (kernel[k]! - 1) * dilation[k]! + 1)) continue;
    cases.push({
      spatial, kernel, strides, dilation, padding, groups,
      cin: groups * pick([1, 2]),
      filters: groups * pick([1, 2, 3]),
      useBias: pick([true, false]),
      activation: pick(["linear", "relu"] as const),
      channelsFirst: pick([false, false, true]),
    });
  }
  return cases;
}

function convConfig(c: ConvCase): Record<string, unknown> {
  return {
    name: "conv", filters: c.filters, kernel_size: c.kernel, strides: c.strides, dilation_rate: c.dilation, padding: c.padding,
    groups: c.groups, use_bias: c.useBias, activation: c.activation, data_format: c.channelsFirst ? "channels_first" : "channels_last",
  };
}

describe.each([1, 2])("Conv%dD", (rank) => {
  it.each(convCases(rank, 24, 100 + rank).map((c, k) => [k, c] as const))("case %i matches a naive grouped convolution", async (k, c) => {
    const inShape = c.channelsFirst ? [c.cin, ...c.spatial] : [...c.spatial, c.cin];
    const arch = sequential(inShape, [[`Conv${rank}D`, convConfig(c)]]);
    const { run, weights } = await generated(`layers/conv${rank}d/${k}`, arch, 7 * k + rank);
    const [kernel, bias] = weights["conv"]!;
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(k));
    let xt = new Tensor(inShape, x);
    if (c.channelsFirst) xt = transpose(xt, true);
    let want = referenceConv(xt, new Tensor(kernel!.shape, kernel!.data), c.useBias ? bias!.data : null, c, c.groups);
    if (c.activation === "relu") want = relu(want);
    if (c.channelsFirst) want = transpose(want, false);
    expect(maxDiff(run(x)[0]!, want.data)).toBeLessThan(1e-5);
  });
});

describe("Depthwise and separable convolutions", () => {
  const cases = convCases(1, 8, 5).concat(convCases(2, 8, 6)).map((c, k) => [k, { ...c, multiplier: 1 + (k % 3) }] as const);
  it.each(cases)("DepthwiseConv case %i equals a convolution with one group per channel", async (k, c) => {
    const rank = c.spatial.length;
    const inShape = [...c.spatial, c.cin];
    const config = { ...convConfig(c), data_format: "channels_last", depth_multiplier: c.multiplier, filters: undefined, groups: undefined };
    const { run, weights } = await generated(`layers/depthwise/${k}`, sequential(inShape, [[`DepthwiseConv${rank}D`, config]]), k);
    const [kernel, bias] = weights["conv"]!;
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(k + 50));
    // Kernel (…k, C, M) read as (…k, 1, C·M): output channel c·M + m sees only input channel c.
    const asGrouped = new Tensor([...c.kernel, 1, c.cin * c.multiplier], kernel!.data);
    let want = referenceConv(new Tensor(inShape, x), asGrouped, c.useBias ? bias!.data : null, c, c.cin);
    if (c.activation === "relu") want = relu(want);
    expect(maxDiff(run(x)[0]!, want.data)).toBeLessThan(1e-5);
  });

  it.each(cases)("SeparableConv case %i equals depthwise then pointwise", async (k, c) => {
    const rank = c.spatial.length;
    const inShape = [...c.spatial, c.cin];
    const config = { ...convConfig(c), data_format: "channels_last", depth_multiplier: c.multiplier, groups: undefined };
    const { run, weights } = await generated(`layers/separable/${k}`, sequential(inShape, [[`SeparableConv${rank}D`, config]]), k);
    const [depthwise, pointwise, bias] = weights["conv"]!;
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(k + 60));
    const cm = c.cin * c.multiplier;
    const mid = referenceConv(new Tensor(inShape, x), new Tensor([...c.kernel, 1, cm], depthwise!.data), null, c, c.cin);
    const ones = c.kernel.map(() => 1);
    const unit = { kernel: ones, strides: ones, dilation: ones, padding: "valid" as const };
    let want = referenceConv(mid, new Tensor([...ones, cm, c.filters], pointwise!.data), c.useBias ? bias!.data : null, unit, 1);
    if (c.activation === "relu") want = relu(want);
    expect(maxDiff(run(x)[0]!, want.data)).toBeLessThan(1e-5);
  });
});

describe.each([1, 2])("Max/AveragePooling%dD", (rank) => {
  const rnd = random(300 + rank);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor((rnd() + 0.5) * xs.length)]!;
  const cases = Array.from({ length: 16 }, (_, k) => {
    const pool = Array.from({ length: rank }, () => pick([1, 2, 3]));
    return {
      k,
      kind: pick(["max", "avg"] as const),
      pool,
      strides: k % 4 === 0 ? null : pool.map(() => pick([1, 2, 3])),
      padding: pick(["valid", "same"] as const),
      spatial: Array.from({ length: rank }, () => pick([4, 5, 7])),
      c: pick([1, 3]),
      channelsFirst: k % 5 === 1,
    };
  });
  it.each(cases.map((c) => [c.k, c] as const))("case %i matches a naive pool (same-average divides by real elements)", async (k, c) => {
    const inShape = c.channelsFirst ? [c.c, ...c.spatial] : [...c.spatial, c.c];
    const cls = `${c.kind === "max" ? "Max" : "Average"}Pooling${rank}D`;
    const config = { name: "pool", pool_size: c.pool, strides: c.strides, padding: c.padding, data_format: c.channelsFirst ? "channels_first" : "channels_last" };
    const { run } = await generated(`layers/pool${rank}d/${k}`, sequential(inShape, [[cls, config]]), k);
    const x = randomArray(inShape.reduce((p, d) => p * d, 1), random(k + 70));
    let xt = new Tensor(inShape, x);
    if (c.channelsFirst) xt = transpose(xt, true);
    let want = referencePool(xt, { kernel: c.pool, strides: c.strides ?? c.pool, dilation: c.pool.map(() => 1), padding: c.padding }, c.kind);
    if (c.channelsFirst) want = transpose(want, false);
    expect(maxDiff(run(x)[0]!, want.data)).toBeLessThan(1e-6);
  });
});

describe("global pooling", () => {
  it.each([
    ["GlobalAveragePooling1D", [5, 3], false, false],
    ["GlobalMaxPooling1D", [5, 3], true, false],
    ["GlobalAveragePooling2D", [3, 4, 2], true, false],
    ["GlobalMaxPooling2D", [3, 4, 2], false, false],
    ["GlobalAveragePooling1D", [3, 5], false, true],
    ["GlobalMaxPooling2D", [2, 3, 4], true, true],
  ] as const)("%s on %j (keepdims %s, channels_first %s)", async (cls, shape, keepdims, first) => {
    const config = { name: "g", keepdims, data_format: first ? "channels_first" : "channels_last" };
    const { run, mod } = await generated(`layers/global/${cls}-${shape.join("x")}-${keepdims}-${first}`, sequential([...shape], [[cls, config]]), 1);
    const x = randomArray(shape.reduce((p, d) => p * d, 1), random(9));
    const t = new Tensor([...shape], x);
    const c = first ? shape[0] : shape[shape.length - 1]!;
    const want = Array.from({ length: c }, (_, ch) => {
      const vals = [...t.indices()].filter((i) => (first ? i[0] : i[i.length - 1]) === ch).map((i) => t.get(...i));
      return cls.includes("Max") ? Math.max(...vals) : vals.reduce((a, b) => a + b, 0) / vals.length;
    });
    expect(maxDiff(run(x)[0]!, want)).toBeLessThan(1e-6);
    const ones = shape.slice(1).map(() => 1);
    expect(mod.outputs[0]!.shape).toEqual(keepdims ? (first ? [c, ...ones] : [...ones, c]) : [c]);
  });
});

describe("tfjs (Keras 2 port) agrees on the layers it implements", () => {
  const x = (shape: number[], seed: number) => randomArray(shape.reduce((p, d) => p * d, 1), random(seed));
  const layers: [string, number[], string, Record<string, unknown>, () => tf.layers.Layer][] = [
    ["conv1d same strided", [9, 3], "Conv1D", { filters: 4, kernel_size: 3, strides: 2, padding: "same", activation: "relu" },
      () => tf.layers.conv1d({ filters: 4, kernelSize: 3, strides: 2, padding: "same", activation: "relu" })],
    ["conv1d dilated valid", [9, 3], "Conv1D", { filters: 2, kernel_size: 3, dilation_rate: 2, padding: "valid" },
      () => tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, padding: "valid" })],
    ["conv2d same even kernel", [6, 7, 2], "Conv2D", { filters: 3, kernel_size: [2, 4], strides: [2, 1], padding: "same" },
      () => tf.layers.conv2d({ filters: 3, kernelSize: [2, 4], strides: [2, 1], padding: "same" })],
    ["conv2d channels_first", [2, 5, 6], "Conv2D", { filters: 3, kernel_size: 3, padding: "same", data_format: "channels_first" },
      () => tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: "same", dataFormat: "channelsFirst" })],
    ["depthwise2d", [5, 6, 3], "DepthwiseConv2D", { kernel_size: 3, depth_multiplier: 2, padding: "same", strides: 2 },
      () => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same", strides: 2 })],
    ["separable2d", [6, 6, 3], "SeparableConv2D", { filters: 4, kernel_size: [3, 2], depth_multiplier: 2, padding: "valid" },
      () => tf.layers.separableConv2d({ filters: 4, kernelSize: [3, 2], depthMultiplier: 2, padding: "valid" })],
    ["maxpool1d same", [7, 2], "MaxPooling1D", { pool_size: 3, strides: 2, padding: "same" },
      () => tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: "same" })],
    ["avgpool2d same", [5, 7, 2], "AveragePooling2D", { pool_size: [3, 2], strides: [2, 2], padding: "same" },
      () => tf.layers.averagePooling2d({ poolSize: [3, 2], strides: [2, 2], padding: "same" })],
    ["globalavg2d", [3, 4, 5], "GlobalAveragePooling2D", {}, () => tf.layers.globalAveragePooling2d({})],
  ];
  it.each(layers)("%s", async (label, shape, cls, config, make) => {
    const arch = sequential(shape, [[cls, { name: "l", ...config }]]);
    const { run, weights } = await generated(`layers/tfjs/${label.replace(/\W+/g, "-")}`, arch, 3);
    const input = x(shape, 11);
    const want = await tfjsLayer(make(), shape, weights["l"]!, input);
    expect(maxDiff(run(input)[0]!, want)).toBeLessThan(1e-5);
  });
});

describe("refused options", () => {
  it.each([
    ["Conv1D", { filters: 4, kernel_size: 3, groups: 3 }, [5, 4], /groups=3 must divide/],
    ["Conv2D", { filters: 4, kernel_size: 3, padding: "causal" }, [5, 5, 4], /padding/],
    ["Conv1D", { filters: 4, kernel_size: 3, strides: 2, dilation_rate: 2 }, [9, 4], /dilation_rate/],
    ["Conv1D", { filters: 4, kernel_size: 6 }, [5, 4], /shorter than the window/],
    ["MaxPooling1D", { pool_length: 2, border_mode: "same" }, [6, 4], /Keras 1 config key "border_mode"/],
    ["BatchNormalization", { mode: 2 }, [6, 4], /mode 2/],
  ] as const)("%s %j on %j", async (cls, config, shape, message) => {
    const err = await generated(`layers/refused/${cls}`, sequential([...shape], [[cls, { name: "l", ...config }]]), 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as KerasError).layer?.name).toBe("l");
    expect((err as Error).message).toMatch(message);
  });
});

describe("variable sequence length", () => {
  const layers: [string, Record<string, unknown>][] = [
    ["Conv1D", { name: "causal", filters: 4, kernel_size: 3, dilation_rate: 2, padding: "causal", activation: "relu" }],
    ["Conv1D", { name: "same", filters: 3, kernel_size: 4, padding: "same" }],
    ["SeparableConv1D", { name: "sep", filters: 3, kernel_size: 3, padding: "same", depth_multiplier: 2 }],
    ["BatchNormalization", { name: "bn" }],
    ["LayerNormalization", { name: "ln" }],
    ["PReLU", { name: "prelu", shared_axes: [1] }],
    ["Softmax", { name: "sm", axis: 1 }],
    ["GlobalMaxPooling1D", { name: "gmp" }],
    ["Dense", { name: "d", units: 2 }],
  ];
  it("runs same/causal convolutions, normalizations and global pooling on any length, equal to a fixed-length module", async () => {
    const variable = await generated("layers/variable/any", sequential([null, 3], layers), 5);
    expect(variable.mod.inputs[0]!.shape).toEqual([null, 3]);
    for (const steps of [1, 4, 9]) {
      const fixed = await generated(`layers/variable/fixed-${steps}`, sequential([steps, 3], layers), 5, "3.15.1", variable.weights);
      const x = randomArray(steps * 3, random(steps));
      expect(maxDiff(variable.run(x)[0]!, fixed.run(x)[0]!)).toBeLessThan(1e-12);
    }
  });

  const shrinking: [string, Record<string, unknown>][] = [
    ["Conv1D", { name: "valid", filters: 4, kernel_size: 3 }],
    ["MaxPooling1D", { name: "pool", pool_size: 2 }],
    ["Conv1D", { name: "causal2", filters: 3, kernel_size: 2, strides: 2, padding: "causal" }],
    ["AveragePooling1D", { name: "avg", pool_size: 2, strides: 1 }],
    ["LSTM", { name: "lstm", units: 3 }],
    ["Dense", { name: "d", units: 2 }],
  ];
  it("runs valid and strided windows on any long enough length, then an LSTM over the derived length", async () => {
    const variable = await generated("layers/variable/shrinking", sequential([null, 2], shrinking), 8);
    for (const steps of [8, 9, 12, 40]) {
      const fixed = await generated(`layers/variable/shrinking-${steps}`, sequential([steps, 2], shrinking), 8, "3.15.1", variable.weights);
      const x = randomArray(steps * 2, random(steps));
      expect(maxDiff(variable.run(x)[0]!, fixed.run(x)[0]!), `${steps} steps`).toBeLessThan(1e-12);
    }
    // 7 steps: conv → 5, pool → 2, causal stride 2 → 1, and the average pool needs 2.
    expect(() => variable.run(randomArray(14, random(1)))).toThrow(/layer "avg": needs at least 2 steps/);
    expect(() => variable.run(randomArray(4, random(1)))).toThrow(/layer "valid": needs at least 3 steps/);
  });

  it("refuses same padding with strides over a variable length, naming --timesteps", async () => {
    const arch = sequential([null, 3], [["Conv1D", { name: "c", filters: 2, kernel_size: 3, padding: "same", strides: 2 }]]);
    const err = await generated("layers/variable/refused", arch, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KerasError);
    expect((err as Error).message).toMatch(/--timesteps/);
  });
});

describe("generated code", () => {
  it("of every module above compiles under tsc --strict", { timeout: 180_000 }, () => {
    expect(generatedPaths().length).toBeGreaterThan(0);
    expect(typecheck(generatedPaths())).toEqual([]);
  });
});
