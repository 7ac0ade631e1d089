/** Stage 3: IR → IR rewrites, each named, run in order after the model is built and verified. */
import type { Model } from "../ir/types.js";
import { verifyGraph } from "../ir/verify.js";
import { attachMasks } from "./masks.js";

export interface Pass {
  readonly name: string;
  run(model: Model): Model;
}

/** Drops calls whose outputs nothing uses (e.g. layers after the model's outputs). */
export const pruneUnused: Pass = {
  name: "prune-unused",
  run(model) {
    const needed = new Set(model.outputs.map((o) => o.value));
    const kept = [];
    for (const call of [...model.calls].reverse()) {
      if (!call.outputs.some((v) => needed.has(v))) continue;
      kept.push(call);
      for (const v of [...call.inputs, ...call.initialState, ...Object.values(call.namedInputs ?? {})]) needed.add(v);
      if (call.maskInput !== undefined) needed.add(call.maskInput);
      for (const m of call.maskInputs ?? []) if (m !== undefined) needed.add(m);
      for (const v of [...call.inputs, ...Object.values(call.namedInputs ?? {})]) {
        const mask = model.values[v]!.mask;
        if (mask !== undefined) needed.add(mask);
      }
    }
    return { ...model, calls: kept.reverse() };
  },
};

export const PASSES: readonly Pass[] = [attachMasks, pruneUnused];

/** Runs the passes in order, checking the IR's invariants after each (a broken pass fails by name). */
export function runPasses(model: Model, passes: readonly Pass[] = PASSES): Model {
  return passes.reduce((m, p) => {
    const next = p.run(m);
    verifyGraph(next, p.name);
    return next;
  }, model);
}
