/**
 * ConvLSTM1D/2D: an LSTM whose matrix products are convolutions. Kernel (…k, Cin, 4F), recurrent
 * kernel (…k, F, 4F), bias (4F), gate channel blocks [i, f, c, o]. The input convolution uses the
 * layer's strides, padding and dilation; the recurrent one is always stride 1, "same", undilated.
 * The state (h, c) is an (…spatial out, F) map; the timestep loop is the shared RNN driver's.
 */
import { layerError } from "../../errors.js";
import type { Layer, Shape } from "../../ir/types.js";
import { fixedSize } from "./axes.js";
import { boolParam, intParam } from "./config.js";
import { convOptions, type ConvOptions } from "./conv.js";
import { checkCellActivations, runSequence, type CellKind } from "./recurrent.js";
import type { LayerEmitter, ShapeInfo, WeightSpec } from "./types.js";
import { windowGeometry, type WindowGeometry } from "./window.js";

interface Geometry {
  readonly o: ConvOptions;
  /** Input frame (…spatial, Cin) and output frame (…spatial out, F), both as 2-D (H, W) with H = 1 for 1-D. */
  readonly inHW: [number, number];
  readonly outHW: [number, number];
  readonly cin: number;
  readonly filters: number;
  readonly pads: [number, number];
  /** "same" padding of the recurrent kernel at stride 1. */
  readonly recurrentPads: [number, number];
}

const rankOf = (layer: Layer) => (layer.className === "ConvLSTM1D" ? 1 : 2);

function geometry(layer: Layer, input: Shape): Geometry {
  const o = convOptions(layer, rankOf(layer));
  if (o.channelsFirst) throw layerError(layer, "data_format channels_first is not supported for ConvLSTM");
  if (o.padding === "causal") throw layerError(layer, 'padding "causal" is not supported for ConvLSTM');
  if (input.length !== o.rank + 2) throw layerError(layer, `expects inputs of rank ${o.rank + 3} (with batch: batch, time, …spatial, channels), got ${input.length + 1}`);
  const frame = input.slice(1) as Shape;
  fixedSize(layer, frame, "each frame");
  const spatial = frame.slice(0, -1) as number[];
  const g: WindowGeometry[] = spatial.map((n, k) => windowGeometry(layer, n, o.kernel[k]!, o.strides[k]!, o.dilation[k]!, o.padding));
  const rec = o.kernel.map((k) => Math.floor((k - 1) / 2));
  const two = <T,>(v: T[], one: T): [T, T] => (v.length === 1 ? [one, v[0]!] : [v[0]!, v[1]!]);
  return {
    o,
    inHW: two(spatial, 1),
    outHW: two(g.map((w) => w.out as number), 1),
    cin: frame[frame.length - 1] as number,
    filters: intParam(layer, "filters"),
    pads: two(g.map((w) => w.padBefore), 0),
    recurrentPads: two(rec, 0),
  };
}

const gateSlices = (f: number) => [
  `output channels [0, ${f}): input gate i`,
  `[${f}, ${2 * f}): forget gate f`,
  `[${2 * f}, ${3 * f}): cell candidate c`,
  `[${3 * f}, ${4 * f}): output gate o`,
];

function weightSpecs(layer: Layer, g: Geometry): WeightSpec[] {
  const f = g.filters;
  const specs: WeightSpec[] = [
    { name: "kernel", shape: [...g.o.kernel, g.cin, 4 * f], slices: gateSlices(f) },
    { name: "recurrent_kernel", shape: [...g.o.kernel, f, 4 * f], slices: gateSlices(f) },
  ];
  if (boolParam(layer, "use_bias", true)) specs.push({ name: "bias", shape: [4 * f], slices: gateSlices(f) });
  return specs;
}

/** The cell for one geometry: two convolutions into gate maps, then the LSTM update per position. */
function convLstmCell(g: Geometry): CellKind {
  const [outH, outW] = g.outHW;
  const f = g.filters;
  const kh = g.o.kernel.length === 1 ? 1 : g.o.kernel[0]!;
  const kw = g.o.kernel[g.o.kernel.length - 1]!;
  const pair = (v: number[], one: number) => (v.length === 1 ? `${one}, ${v[0]}` : v.join(", "));
  return {
    stateLabels: () => ["h", "c"],
    units: () => outH * outW * f,
    weightSpecs: (layer) => weightSpecs(layer, g),
    stepBody(layer, ctx, { x, states: [h, c] }) {
      const kernel = ctx.weight(layer, 0, "kernel");
      const recurrent = ctx.weight(layer, 1, "recurrent_kernel");
      const bias = boolParam(layer, "use_bias", true) ? ctx.weight(layer, 2, "bias") : "null";
      const z = ctx.scratch(layer, "z", [outH, outW, 4 * f]);
      const r = ctx.scratch(layer, "zh", [outH, outW, 4 * f]);
      const act = ctx.activation(layer, layer.config["activation"] ?? "tanh").scalar!;
      const rec = ctx.activation(layer, layer.config["recurrent_activation"] ?? (ctx.version.major >= 3 ? "sigmoid" : "hard_sigmoid")).scalar!;
      const conv = ctx.rt("conv2d");
      const at = (block: number) => (block === 0 ? `${z}[b]! + ${r}[b]!` : `${z}[b + ${block * f}]! + ${r}[b + ${block * f}]!`);
      return [
        `// z = conv(x, W) + b, zh = conv(h, U) (stride 1, same); gate channel blocks [i, f, c, o]`,
        `${conv}(${x}, xo, ${g.inHW.join(", ")}, ${g.cin}, ${kernel}, ${bias}, ${z}, ${outH}, ${outW}, ${4 * f}, ` +
          `${kh}, ${kw}, ${pair(g.o.strides, 1)}, ${pair(g.o.dilation, 1)}, ${g.pads.join(", ")}, 1);`,
        `${conv}(${h}, 0, ${outH}, ${outW}, ${f}, ${recurrent}, null, ${r}, ${outH}, ${outW}, ${4 * f}, ` +
          `${kh}, ${kw}, 1, 1, 1, 1, ${g.recurrentPads.join(", ")}, 1);`,
        `for (let p = 0; p < ${outH * outW}; p++) {`,
        `  for (let j = 0; j < ${f}; j++) {`,
        `    const b = p * ${4 * f} + j;`,
        `    const k = p * ${f} + j;`,
        `    const i = ${rec(at(0))};`,
        `    const fg = ${rec(at(1))};`,
        `    const g = ${act(at(2))};`,
        `    const o = ${rec(at(3))};`,
        `    const ck = fg * ${c}[k]! + i * g;`,
        `    ${c}[k] = ck;`,
        `    ${h}[k] = o * ${act("ck")};`,
        `  }`,
        `}`,
      ];
    },
  };
}

function checkActivations(layer: Layer, info: ShapeInfo): void {
  checkCellActivations(layer, info, { activation: "tanh", recurrent_activation: info.version.major >= 3 ? "sigmoid" : "hard_sigmoid" });
}

export const convLstm: LayerEmitter = {
  classNames: ["ConvLSTM1D", "ConvLSTM2D"],
  mask: "refuse",
  takesInitialState: true,
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    const g = geometry(layer, input!);
    checkActivations(layer, info);
    const frame: Shape = [...(g.o.rank === 1 ? [g.outHW[1]] : g.outHW), g.filters];
    const main: Shape = boolParam(layer, "return_sequences", false) ? [input![0]!, ...frame] : frame;
    return boolParam(layer, "return_state", false) ? [main, frame, frame] : [main];
  },
  weightSpecs: (layer, [input]) => weightSpecs(layer, geometry(layer, input!)),
  emit(call, ctx) {
    const layer = call.layer;
    const input = ctx.shape(call.inputs[0]!);
    const g = geometry(layer, input);
    const units = g.outHW[0] * g.outHW[1] * g.filters;
    const returnSequences = boolParam(layer, "return_sequences", false);
    const mainOut = ctx.buffer(call.outputs[0]!);
    // The driver sees each frame as one flat feature vector and the state maps as flat vectors.
    const states = runSequence(ctx, {
      layer,
      cell: convLstmCell(g),
      x: ctx.buffer(call.inputs[0]!),
      inputShape: [input[0]!, g.inHW[0] * g.inHW[1] * g.cin],
      backwards: boolParam(layer, "go_backwards", false),
      sequenceOut: returnSequences ? { buf: mainOut, reverse: false, stride: units, offset: 0 } : null,
      stateful: boolParam(layer, "stateful", false),
      initialState: call.initialState.map((v) => ctx.buffer(v)),
      weightOffset: 0,
    });
    if (!returnSequences) ctx.line(`${mainOut}.set(${states[0]});`);
    call.outputs.slice(1).forEach((v, k) => ctx.line(`${ctx.buffer(v)}.set(${states[k]!});`));
  },
};
