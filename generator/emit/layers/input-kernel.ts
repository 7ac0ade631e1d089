/**
 * The layout of a kernel applied to a layer's input. A model input may be one-hot: Keras' (n, m)
 * layout lets `dense` skip zero inputs, so a one-hot row costs one row of work. Computed activations
 * are dense: the transposed kernel gives contiguous dot products (`denseT`), about twice as fast.
 * Both runtime functions take the same arguments.
 */
import type { Layer } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

export function inputKernel(ctx: EmitContext, layer: Layer, index: number, x: string, label = "kernel"): { kernel: string; product: string } {
  return ctx.holdsModelInput(x)
    ? { kernel: ctx.weight(layer, index, label), product: ctx.rt("dense") }
    : { kernel: ctx.weightTransposed(layer, index, label), product: ctx.rt("denseT") };
}
