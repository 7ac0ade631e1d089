/**
 * TimeDistributed(layer): the wrapped layer applied to each timestep independently; its weights
 * are the wrapper's. Layers that act along the last axis only (Dense, activations) run once over
 * all steps; any other layer's own emitter runs inside a loop over steps on a per-step copy, with
 * its recurrent state (if any) zeroed for every step.
 */
import { layerError } from "../../errors.js";
import type { Call, Layer, Shape } from "../../ir/types.js";
import { boolParam } from "./config.js";
import { innerContext } from "./inner-context.js";
// Resolved when a layer is emitted, not at load time, so the registry's import of this file is safe.
import { emitterFor } from "./registry.js";
import type { EmitContext, LayerEmitter } from "./types.js";

/** Ids for the per-step values inside the loop (negative: never a model value). */
const STEP_IN = -1;
const STEP_OUT = -2;

function wrapped(layer: Layer): Layer {
  const inner = layer.inner["layer"];
  if (!inner) throw layerError(layer, "has no wrapped layer");
  return inner;
}

export const timeDistributed: LayerEmitter = {
  classNames: ["TimeDistributed"],
  mask: "wrapper",
  docs: "Recurrent",
  outputShapes(layer, [input], info) {
    const inner = wrapped(layer);
    if (input!.length < 2) throw layerError(layer, `expects input of shape (timesteps, …), got ${input!.length} dimensions`);
    if (boolParam(inner, "stateful", false)) throw layerError(layer, `a stateful ${inner.className} inside TimeDistributed is not supported`);
    const outs = emitterFor(inner).outputShapes(inner, [input!.slice(1)], info);
    if (outs.length !== 1) throw layerError(layer, `wraps ${inner.className} with ${outs.length} outputs; TimeDistributed needs one`);
    return [[input![0]!, ...outs[0]!]];
  },
  weightSpecs(layer, [input], info) {
    const inner = wrapped(layer);
    return emitterFor(inner).weightSpecs(inner, [input!.slice(1)], info);
  },
  emit(call, ctx) {
    const inner = wrapped(call.layer);
    const emitter = emitterFor(inner);
    const inShape = ctx.shape(call.inputs[0]!);
    if (isIdentity(emitter, inner, inShape.slice(1))) {
      ctx.line(`${ctx.rt("copy")}(${ctx.buffer(call.inputs[0]!)}, 0, ${ctx.buffer(call.outputs[0]!)}, 0, ${ctx.size(inShape)});`);
    } else if (emitter.lastAxisOnly) {
      // Its result on (T, …, F) equals its result on each (…, F) step: no loop needed.
      const sub: Call = { layer: inner, inputs: call.inputs, outputs: call.outputs, initialState: [] };
      emitter.emit(sub, innerContext(ctx, { owner: call.layer, inner, weightOffset: 0, labelPrefix: "" }));
    } else {
      emitPerStep(call, inner, emitter, ctx);
    }
  },
};

function isIdentity(emitter: LayerEmitter, layer: Layer, stepShape: Shape): boolean {
  return typeof emitter.identity === "function" ? emitter.identity(layer, [stepShape]) : emitter.identity === true;
}

/** for each step t: copy step t in, run the wrapped layer's code on it, copy its result out. */
function emitPerStep(call: Call, inner: Layer, emitter: LayerEmitter, ctx: EmitContext): void {
  const layer = call.layer;
  const inShape = ctx.shape(call.inputs[0]!);
  const outShape = ctx.shape(call.outputs[0]!);
  const stepIn = { shape: inShape.slice(1), buffer: ctx.scratch(layer, "step_in", inShape.slice(1)) };
  const stepOut = { shape: outShape.slice(1), buffer: ctx.scratch(layer, "step_out", outShape.slice(1)) };
  const lines: string[] = [];
  const states: string[] = [];
  const innerCtx = innerContext(ctx, {
    owner: layer,
    inner,
    weightOffset: 0,
    labelPrefix: "",
    locals: new Map([[STEP_IN, stepIn], [STEP_OUT, stepOut]]),
    lines,
    onState: (id) => states.push(id),
  });
  emitter.emit({ layer: inner, inputs: [STEP_IN], outputs: [STEP_OUT], initialState: [] }, innerCtx);

  const n = ctx.size(stepIn.shape);
  const m = ctx.size(stepOut.shape);
  const x = ctx.buffer(call.inputs[0]!);
  const out = ctx.buffer(call.outputs[0]!);
  const copy = ctx.rt("copy");
  ctx.line(
    `for (let t = 0; t < ${ctx.dim(inShape[0]!)}; t++) {`,
    `  ${copy}(${x}, t * ${n}, ${stepIn.buffer}, 0, ${n});`,
    // Every step is a separate sample to the wrapped layer: its state starts at zero.
    ...states.map((s) => `  ${s}.fill(0);`),
    ...lines.map((l) => `  ${l}`),
    `  ${copy}(${stepOut.buffer}, 0, ${out}, t * ${m}, ${m});`,
    `}`,
  );
}
