/**
 * RNN(cell): the generic recurrent layer around one LSTMCell, GRUCell or SimpleRNNCell. It computes
 * exactly what the matching LSTM/GRU/SimpleRNN layer computes: the cell's config gives the step,
 * the RNN's config the sequence options (return_sequences, go_backwards, stateful, …).
 */
import { layerError } from "../../errors.js";
import type { Config, Layer } from "../../ir/types.js";
import { gru, gruCell } from "./gru.js";
import { innerContext } from "./inner-context.js";
import { lstm, lstmCell } from "./lstm.js";
import { checkCellActivations, emitRnnCall, rnnOutputShapes, type CellKind } from "./recurrent.js";
import { simpleRnn, simpleRnnCell } from "./simple-rnn.js";
import { stackedCellKind, stackedCellsOf, type StackedCell } from "./stacked-cells.js";
import type { LayerEmitter, ShapeInfo } from "./types.js";
import type { Shape } from "../../ir/types.js";

const CELLS: Readonly<Record<string, { kind: CellKind; emitter: LayerEmitter }>> = {
  LSTMCell: { kind: lstmCell, emitter: lstm },
  GRUCell: { kind: gruCell, emitter: gru },
  SimpleRNNCell: { kind: simpleRnnCell, emitter: simpleRnn },
};

/** The RNN layer's own options; everything else comes from the cell. */
const SEQUENCE_KEYS = ["return_sequences", "return_state", "go_backwards", "stateful", "zero_output_for_mask", "time_major"];

/** One view per RNN layer, so that every stage sees the same object. */
const views = new WeakMap<Layer, CellView>();

interface CellView {
  /** The RNN seen as its cell with the sequence options: what LSTM/GRU/SimpleRNN emitters read. */
  readonly view: Layer;
  readonly kind: CellKind;
  /** A single cell's layer emitter (shapes, weights); absent for a stack. */
  readonly emitter?: LayerEmitter;
  /** The cells of a StackedRNNCells. */
  readonly stack?: readonly StackedCell[];
}

const specOf = (cell: unknown) => (cell && typeof cell === "object" && !Array.isArray(cell) ? (cell as { class_name?: unknown; config?: Config }) : undefined);

/** A single cell's view: its config plus the RNN's sequence options. */
function singleCell(layer: Layer, cell: unknown): { view: Layer; kind: CellKind; emitter: LayerEmitter } | undefined {
  const spec = specOf(cell);
  const found = typeof spec?.class_name === "string" && Object.hasOwn(CELLS, spec.class_name) ? CELLS[spec.class_name] : undefined;
  if (!spec || !found) return undefined;
  const config: Config = { ...(spec.config ?? {}) };
  for (const key of SEQUENCE_KEYS) if (layer.config[key] !== undefined) config[key] = layer.config[key];
  return { view: { name: layer.name, className: layer.className, config, weights: [], inner: {} }, kind: found.kind, emitter: found.emitter };
}

function cellView(layer: Layer): CellView {
  const known = views.get(layer);
  if (known) return known;
  const cell = layer.config["cell"];
  const spec = specOf(cell);
  let made: CellView | undefined = singleCell(layer, cell);
  // A stack: StackedRNNCells (Keras 2 and 3), or a bare list of cells.
  const list = spec?.class_name === "StackedRNNCells" ? (spec.config ?? {})["cells"] : Array.isArray(cell) ? cell : undefined;
  if (!made && list !== undefined) {
    const stack = stackedCellsOf(layer, list, (c) => singleCell(layer, c));
    const config: Config = {};
    for (const key of SEQUENCE_KEYS) if (layer.config[key] !== undefined) config[key] = layer.config[key];
    made = { view: { name: layer.name, className: layer.className, config, weights: [], inner: {} }, kind: stackedCellKind(stack), stack };
  }
  if (!made) {
    const what = JSON.stringify(spec?.class_name ?? null);
    throw layerError(layer, `RNN with cell ${what} is not supported (supported cells: ${Object.keys(CELLS).join(", ")}, or a StackedRNNCells of them)`);
  }
  views.set(layer, made);
  return made;
}

/** A stack's output shapes: the last cell's output (sequence or last), then every cell's states. */
function stackedShapes(c: CellView, input: Shape, info: ShapeInfo): Shape[] {
  for (const cell of c.stack!) checkCellActivations(cell.view, info, { activation: "tanh", recurrent_activation: "sigmoid" });
  const [main] = rnnOutputShapes(c.view, input, c.kind.units(c.view), 0);
  const states: Shape[] = c.view.config["return_state"] === true ? c.kind.stateSizes!(c.view).map((n) => [n]) : [];
  return [main!, ...states];
}

export const rnnCell: LayerEmitter = {
  classNames: ["RNN"],
  mask: "recurrent",
  takesInitialState: true,
  docs: "Recurrent",
  outputShapes(layer, inputs, info) {
    const c = cellView(layer);
    return c.emitter ? c.emitter.outputShapes(c.view, inputs, info) : stackedShapes(c, inputs[0]!, info);
  },
  weightSpecs(layer, inputs, info) {
    const c = cellView(layer);
    return c.emitter ? c.emitter.weightSpecs(c.view, inputs, info) : c.kind.weightSpecs(c.view, Number(inputs[0]![1]), info);
  },
  emit(call, ctx) {
    const { view, kind } = cellView(call.layer);
    emitRnnCall({ ...call, layer: view }, innerContext(ctx, { owner: call.layer, inner: view, weightOffset: 0, labelPrefix: "", alias: true }), kind);
  },
};
