/**
 * EinsumDense: `einsum(equation, input, kernel)` + bias over `bias_axes` + activation. Equations that
 * are a Dense over the trailing axes (every one Keras' own layers build: "abc,cd->abd",
 * "abc,cde->abde", "abcd,cde->abe", "...b,bc->...c") run the runtime's matrix product; any other
 * equation the general einsum rule covers becomes loops over its index letters (see einsum-spec.ts).
 */
import { layerError } from "../../errors.js";
import type { Call, Dim, Layer, Shape } from "../../ir/types.js";
import { applyActivation } from "./apply-activation.js";
import { configOf } from "./parsed-config.js";
import { planEinsum, type EinsumPlan } from "./einsum-spec.js";
import { emitProjection } from "./projection.js";
import type { EmitContext, LayerEmitter } from "./types.js";

interface EinsumConfig {
  readonly equation: string;
  readonly outputShape: readonly (number | null)[];
  readonly biasAxes: string | null;
  readonly activation: unknown;
}

function parse(layer: Layer): EinsumConfig {
  const c = layer.config;
  const q = c["quantization_config"];
  if (q !== undefined && q !== null) throw layerError(layer, "quantized EinsumDense is not supported");
  if (typeof c["lora_rank"] === "number" && c["lora_rank"] > 0) throw layerError(layer, "LoRA-enabled EinsumDense is not supported");
  if (typeof c["equation"] !== "string") throw layerError(layer, `config "equation" must be a string, got ${JSON.stringify(c["equation"])}`);
  const out = c["output_shape"];
  const list = Array.isArray(out) ? out : [out];
  if (!list.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d > 0))) {
    throw layerError(layer, `config "output_shape" must be positive integers or None, got ${JSON.stringify(out)}`);
  }
  const bias = c["bias_axes"];
  if (bias !== null && bias !== undefined && typeof bias !== "string") throw layerError(layer, `config "bias_axes" must be a string, got ${JSON.stringify(bias)}`);
  return { equation: c["equation"], outputShape: list as (number | null)[], biasAxes: bias ?? null, activation: c["activation"] };
}

function plan(layer: Layer, input: Shape): EinsumPlan {
  const c = configOf(einsumDense, layer);
  try {
    return planEinsum(c.equation, input, c.outputShape, c.biasAxes);
  } catch (err) {
    throw layerError(layer, (err as Error).message);
  }
}

export const einsumDense: LayerEmitter<EinsumConfig> = {
  classNames: ["EinsumDense"],
  docs: "Attention",
  mask: "pass",
  parseConfig: parse,
  outputShapes: (layer, [input]) => [plan(layer, input!).outputShape],
  weightSpecs(layer, [input]) {
    const p = plan(layer, input!);
    return [
      { name: "kernel", shape: p.kernelShape, slices: [`axes "${p.kernel.join("")}" of the equation ${configOf(einsumDense, layer).equation}`] },
      ...(p.bias ? [{ name: "bias", shape: p.bias.shape, slices: [`output axes "${p.bias.letters.join("")}" (size 1: broadcast)`] }] : []),
    ];
  },
  emit(call, ctx) {
    emitEinsum(call, ctx);
  },
};

function emitEinsum(call: Call, ctx: EmitContext): void {
  const layer = call.layer;
  const p = plan(layer, ctx.shape(call.inputs[0]!));
  const x = ctx.buffer(call.inputs[0]!);
  const out = ctx.buffer(call.outputs[0]!);
  const fixed = (letters: readonly string[]) => letters.reduce((n, c) => n * Number(p.size.get(c)), 1);
  // A bias over exactly the kernel's own output axes is the Dense bias; any other is added after.
  const denseBias = p.dense && p.bias && p.bias.letters.join("") === p.dense.own.join("") && p.bias.shape.every((d, i) => d === p.size.get(p.dense!.own[i]!));
  if (p.dense) {
    const rows = ctx.size(p.dense.leading.map((c) => p.size.get(c)!));
    emitProjection(ctx, layer, { x, rows, n: fixed(p.dense.contracted), m: fixed(p.dense.own), kernel: 0, bias: denseBias ? 1 : undefined, out, label: "einsum" });
  } else {
    emitGeneral(ctx, layer, p, x, out);
  }
  if (p.bias && !denseBias) emitBias(ctx, layer, p, out);
  const shape = p.outputShape;
  applyActivation(ctx, layer, configOf(einsumDense, layer).activation, out, ctx.size(shape.slice(0, -1)), Number(shape[shape.length - 1]));
}

const loopVar = (c: string) => `i_${c}`;

/** Flat index of letters laid out in `spec` order: Σ i_c · (product of the later axes' sizes). */
function indexCode(ctx: EmitContext, spec: readonly string[], size: ReadonlyMap<string, Dim>, sizeOf: (c: string) => Dim = (c) => size.get(c)!): string {
  const terms = spec.map((c, k) => {
    const later = spec.slice(k + 1).map(sizeOf);
    const stride = later.length === 0 ? "1" : ctx.size(later);
    return stride === "1" ? loopVar(c) : `${loopVar(c)} * ${stride}`;
  });
  return terms.length === 0 ? "0" : terms.join(" + ");
}

function loops(ctx: EmitContext, letters: readonly string[], size: ReadonlyMap<string, Dim>): { open: string[]; close: string[] } {
  return {
    open: letters.map((c, k) => `${"  ".repeat(k)}for (let ${loopVar(c)} = 0; ${loopVar(c)} < ${ctx.dim(size.get(c)!)}; ${loopVar(c)}++) {`),
    close: letters.map((_, k) => `${"  ".repeat(letters.length - 1 - k)}}`),
  };
}

function emitGeneral(ctx: EmitContext, layer: Layer, p: EinsumPlan, x: string, out: string): void {
  const w = ctx.weight(layer, 0, "kernel");
  const outer = loops(ctx, p.output, p.size);
  const inner = loops(ctx, p.summed, p.size);
  const pad = "  ".repeat(p.output.length);
  ctx.line(
    `// einsum ${configOf(einsumDense, layer).equation}: each output element sums input × kernel over "${p.summed.join("")}"`,
    ...outer.open,
    `${pad}let sum = 0;`,
    ...inner.open.map((l) => pad + l),
    `${pad}${"  ".repeat(p.summed.length)}sum += ${x}[${indexCode(ctx, p.input, p.size)}]! * ${w}[${indexCode(ctx, p.kernel, p.size)}]!;`,
    ...inner.close.map((l) => pad + l),
    `${pad}${out}[${indexCode(ctx, p.output, p.size)}] = sum;`,
    ...outer.close,
  );
}

function emitBias(ctx: EmitContext, layer: Layer, p: EinsumPlan, out: string): void {
  const bias = p.bias!;
  const b = ctx.weight(layer, 1, "bias");
  const biasSize = new Map(bias.letters.map((c, k) => [c, bias.shape[k]!]));
  const onBias = bias.letters.filter((_, k) => bias.shape[k] !== 1);
  const all = loops(ctx, p.output, p.size);
  const pad = "  ".repeat(p.output.length);
  const biasIndex = indexCode(ctx, onBias, p.size, (c) => biasSize.get(c)!);
  ctx.line(`// bias over the output axes "${onBias.join("")}"`, ...all.open, `${pad}${out}[${indexCode(ctx, p.output, p.size)}]! += ${b}[${biasIndex}]!;`, ...all.close);
}
