/**
 * The weights a file holds → the weights of each layer of the normalised architecture, keyed by
 * layer name: Keras 3 path keys mapped to names, Keras 1 per-gate tensors fused.
 */
import type { Architecture } from "./architecture.js";
import { convertCudnnWeights } from "./cudnn.js";
import { fuseKeras1Weights } from "./keras1.js";
import type { WeightsByLayer } from "./weights.js";

export interface FileWeights {
  readonly weights: WeightsByLayer;
  /** True when the weights are keyed by Keras 3 class-counter paths rather than layer names. */
  readonly keyedByPath?: boolean;
}

export function layerWeights(arch: Architecture, file: FileWeights): WeightsByLayer {
  const byName = file.keyedByPath ? rekeyByPath(arch, file.weights) : file.weights;
  return fuseKeras1Weights(arch.layers, cpuRecurrentWeights(arch, orderStackedCells(arch, byName)), arch.notes);
}

/** Gate count of an LSTM/GRU layer, or of the one a wrapper holds. */
function gatesOf(className: string, config: Record<string, unknown>): number | undefined {
  const inner = config["layer"] as { class_name?: unknown } | undefined;
  const cls = className === "Bidirectional" || className === "TimeDistributed" ? inner?.class_name : className;
  return cls === "LSTM" ? 4 : cls === "GRU" ? 3 : undefined;
}

/** CuDNNLSTM/CuDNNGRU weights (told by their double bias, as Keras 2 did) in the LSTM/GRU layout. */
function cpuRecurrentWeights(arch: Architecture, weights: WeightsByLayer): WeightsByLayer {
  const out: WeightsByLayer = new Map(weights);
  for (const layer of arch.layers) {
    const gates = gatesOf(layer.className, layer.config);
    const found = weights.get(layer.name);
    if (gates !== undefined && found) out.set(layer.name, convertCudnnWeights(found, gates));
  }
  return out;
}

/**
 * A Keras 3 weights file keys the cells of a StackedRNNCells by class (`cells/lstm_cell`,
 * `cells/gru_cell`, `cells/lstm_cell_1`, numbered in list order), which sorts by name, not by
 * position: put each cell's weights back in the order of the config's cell list.
 */
function orderStackedCells(arch: Architecture, weights: WeightsByLayer): WeightsByLayer {
  const out: WeightsByLayer = new Map(weights);
  for (const layer of arch.layers) {
    const cell = layer.config["cell"] as { class_name?: unknown; config?: Record<string, unknown> } | unknown[] | undefined;
    const list = Array.isArray(cell) ? cell : cell && typeof cell === "object" && cell.class_name === "StackedRNNCells" ? cell.config?.["cells"] : undefined;
    const found = weights.get(layer.name);
    if (!Array.isArray(list) || !found) continue;
    const used = new Map<string, number>();
    const keys = list.map((c) => {
      const base = snakeCase(String((c as { class_name?: unknown })?.class_name ?? ""));
      const n = used.get(base) ?? 0;
      used.set(base, n + 1);
      return n === 0 ? base : `${base}_${n}`;
    });
    const rank = (name: string) => {
      const key = /(?:^|\/)cells\/([^/]+)\/vars\//.exec(name)?.[1];
      const i = key === undefined ? -1 : keys.indexOf(key);
      return i < 0 ? keys.length : i;
    };
    out.set(layer.name, [...found].sort((a, b) => rank(a.name) - rank(b.name)));
  }
  return out;
}

const snakeCase = (name: string) => name.replace(/(.)([A-Z][a-z]+)/g, "$1_$2").replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

/** Older Keras 3 files name no layers: each layer's weights sit at its class-counter path. */
function rekeyByPath(arch: Architecture, weights: WeightsByLayer): WeightsByLayer {
  const out: WeightsByLayer = new Map();
  for (const layer of arch.layers) {
    const found = layer.weightPath === undefined ? undefined : weights.get(layer.weightPath);
    if (found) out.set(layer.name, found);
  }
  return out;
}
