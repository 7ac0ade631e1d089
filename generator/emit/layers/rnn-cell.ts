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
import { emitRnnCall, type CellKind } from "./recurrent.js";
import { simpleRnn, simpleRnnCell } from "./simple-rnn.js";
import type { LayerEmitter } from "./types.js";

const CELLS: Readonly<Record<string, { kind: CellKind; emitter: LayerEmitter }>> = {
  LSTMCell: { kind: lstmCell, emitter: lstm },
  GRUCell: { kind: gruCell, emitter: gru },
  SimpleRNNCell: { kind: simpleRnnCell, emitter: simpleRnn },
};

/** The RNN layer's own options; everything else comes from the cell. */
const SEQUENCE_KEYS = ["return_sequences", "return_state", "go_backwards", "stateful", "zero_output_for_mask", "time_major"];

/** One view per RNN layer, so that every stage sees the same object. */
const views = new WeakMap<Layer, Layer>();

/** The RNN seen as its cell with the sequence options: what LSTM/GRU/SimpleRNN emitters read. */
function cellView(layer: Layer): { view: Layer; kind: CellKind; emitter: LayerEmitter } {
  const cell = layer.config["cell"];
  const spec = cell && typeof cell === "object" && !Array.isArray(cell) ? (cell as { class_name?: unknown; config?: Config }) : undefined;
  const found = typeof spec?.class_name === "string" ? CELLS[spec.class_name] : undefined;
  if (!spec || !found) {
    const what = Array.isArray(cell) ? "a list of cells (stacked)" : JSON.stringify(spec?.class_name ?? null);
    throw layerError(layer, `RNN with cell ${what} is not supported (supported cells: ${Object.keys(CELLS).join(", ")})`);
  }
  let view = views.get(layer);
  if (!view) {
    const config: Config = { ...(spec.config ?? {}) };
    for (const key of SEQUENCE_KEYS) if (layer.config[key] !== undefined) config[key] = layer.config[key];
    view = { name: layer.name, className: layer.className, config, weights: [], inner: {} };
    views.set(layer, view);
  }
  return { view, kind: found.kind, emitter: found.emitter };
}

export const rnnCell: LayerEmitter = {
  classNames: ["RNN"],
  mask: "recurrent",
  takesInitialState: true,
  docs: "Recurrent",
  outputShapes(layer, inputs, info) {
    const { view, emitter } = cellView(layer);
    return emitter.outputShapes(view, inputs, info);
  },
  weightSpecs(layer, inputs, info) {
    const { view, emitter } = cellView(layer);
    return emitter.weightSpecs(view, inputs, info);
  },
  emit(call, ctx) {
    const { view, kind } = cellView(call.layer);
    emitRnnCall({ ...call, layer: view }, innerContext(ctx, { owner: call.layer, inner: view, weightOffset: 0, labelPrefix: "", alias: true }), kind);
  },
};
