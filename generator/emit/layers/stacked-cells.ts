/**
 * RNN over a list of cells (`StackedRNNCells`): at every timestep the first cell reads the input,
 * each next cell reads the output (new `h`) of the one before, and the last cell's output is the
 * layer's. The states are every cell's states in order (LSTM h, c; GRU h; …), which is also the
 * order of `initial_state` and of the extra outputs with `return_state`.
 */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";
import { innerContext } from "./inner-context.js";
import type { CellKind } from "./recurrent.js";
import type { ShapeInfo, WeightSpec } from "./types.js";

/** One cell of the stack: a layer view holding its config, and how it steps. */
export interface StackedCell {
  readonly view: Layer;
  readonly kind: CellKind;
}

/** The stack as one cell kind (for runSequence/emitRnnCall); `layer` arguments are the RNN's view. */
export function stackedCellKind(cells: readonly StackedCell[]): CellKind {
  const labels = cells.map((c, k) => c.kind.stateLabels(c.view).map((l) => `cell${k}_${l}`));
  const sizes = cells.map((c) => c.kind.stateLabels(c.view).map(() => c.kind.units(c.view)));
  const last = cells[cells.length - 1]!;
  /** Input size of each cell: the layer's features for the first, the previous cell's units after. */
  const inputDims = (features: number) => cells.map((_, k) => (k === 0 ? features : cells[k - 1]!.kind.units(cells[k - 1]!.view)));
  const weightCounts = (features: number, info: ShapeInfo) => cells.map((c, k) => c.kind.weightSpecs(c.view, inputDims(features)[k]!, info).length);
  return {
    stateLabels: () => labels.flat(),
    stateSizes: () => sizes.flat(),
    outputState: () => labels.slice(0, -1).flat().length,
    units: () => last.kind.units(last.view),
    weightSpecs(_layer, inputDim, info): WeightSpec[] {
      const dims = inputDims(inputDim);
      return cells.flatMap((c, k) => c.kind.weightSpecs(c.view, dims[k]!, info).map((w) => ({ ...w, name: `cell${k}_${w.name}` })));
    },
    stepBody(layer, ctx, { x, states, inputDim, weightOffset }) {
      const dims = inputDims(inputDim);
      // Weight counts need no activation info: the cells' specs depend on their configs and input sizes.
      const counts = weightCounts(inputDim, { version: ctx.version });
      const lines: string[] = [];
      let state = 0;
      let offset = weightOffset;
      cells.forEach((c, k) => {
        const n = c.kind.stateLabels(c.view).length;
        const own = states.slice(state, state + n);
        // The cell's weights are the RNN's, from this cell's first one on; identifiers carry "cellK_".
        const cellCtx = innerContext(ctx, { owner: layer, inner: c.view, weightOffset: offset, labelPrefix: `cell${k}_`, alias: true });
        const input = k === 0 ? x : states[state - (cells[k - 1]!.kind.stateLabels(cells[k - 1]!.view).length)]!;
        const step = ctx.id(layer, `cell${k}_step`);
        const body = c.kind.stepBody(c.view, cellCtx, { x: input, states: own, inputDim: dims[k]!, weightOffset: 0 });
        ctx.func([`function ${step}(xo: number): void {`, ...body.map((l) => `  ${l}`), "}"]);
        lines.push(k === 0 ? `${step}(xo);` : `${step}(0); // reads cell ${k - 1}'s new h`);
        state += n;
        offset += counts[k]!;
      });
      return lines;
    },
  };
}

/** Refuses what a stack cannot hold (nested stacks, unknown cells) with the layer's name. */
export function stackedCellsOf(layer: Layer, spec: unknown, cellOf: (spec: unknown) => StackedCell | undefined): StackedCell[] {
  const list = Array.isArray(spec) ? spec : undefined;
  if (!list || list.length === 0) throw layerError(layer, "StackedRNNCells needs a non-empty list of cells");
  return list.map((c, k) => {
    const cell = cellOf(c);
    if (!cell) throw layerError(layer, `cell ${k} of the stack (${JSON.stringify((c as { class_name?: unknown })?.class_name ?? null)}) is not supported (LSTMCell, GRUCell, SimpleRNNCell are)`);
    return cell;
  });
}
