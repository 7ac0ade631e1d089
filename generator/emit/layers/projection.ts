/**
 * A kernel of any rank read as (n, m) — inputs flattened to n, outputs to m — applied along the last
 * axis, as EinsumDense projections in attention are. Like `inputKernel`: Keras' layout for model
 * inputs (zero rows skipped), a transposed copy (contiguous dot products) for computed activations.
 */
import type { Layer } from "../../ir/types.js";
import type { EmitContext } from "./types.js";

export interface Projection {
  readonly x: string;
  /** Rows of n values each. */
  readonly rows: string;
  readonly n: number;
  readonly m: number;
  readonly kernel: number;
  /** Weight index of the bias (m values), or undefined for none. */
  readonly bias: number | undefined;
  readonly out: string;
  readonly label: string;
}

export function emitProjection(ctx: EmitContext, layer: Layer, p: Projection): void {
  const bias = p.bias === undefined ? "null" : ctx.weight(layer, p.bias, `${p.label}_bias`);
  // --weights int8: one scale per output m (the kernel's trailing axes flattened), in either layout.
  if (ctx.holdsModelInput(p.x)) {
    const kernel = ctx.weight(layer, p.kernel, `${p.label}_kernel`, undefined, { count: p.m, stride: 1 });
    ctx.line(`${ctx.rt("dense")}(${p.x}, 0, ${p.rows}, ${p.n}, ${kernel}, ${bias}, ${p.out}, 0, ${p.m});`);
    return;
  }
  const w = layer.weights[p.kernel]!.data;
  const t = new Float32Array(p.n * p.m);
  for (let i = 0; i < p.n; i++) for (let j = 0; j < p.m; j++) t[j * p.n + i] = w[i * p.m + j]!;
  const kernel = ctx.weight(layer, p.kernel, `${p.label}_kernel_t`, t, { count: p.m, stride: p.n });
  ctx.line(`${ctx.rt("denseT")}(${p.x}, 0, ${p.rows}, ${p.n}, ${kernel}, ${bias}, ${p.out}, 0, ${p.m});`);
}
