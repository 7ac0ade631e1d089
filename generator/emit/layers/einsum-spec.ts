/**
 * EinsumDense's equation `input,kernel->output` read as Keras 3.15 reads it (batch axis first in
 * the input and output; `...` standing for the input's leading or trailing axes): the size of every
 * index letter, the kernel's and bias's shapes, the per-sample output shape, and whether the
 * product is a plain Dense over the last axes (then the runtime's matrix product computes it).
 * Anything else is computed by the general einsum rule: every output element is the sum, over the
 * letters absent from the output, of input × kernel.
 */
import type { Dim, Shape } from "../../ir/types.js";

export interface EinsumPlan {
  /** Per-sample index letters (the batch letter removed). */
  readonly input: readonly string[];
  readonly kernel: readonly string[];
  readonly output: readonly string[];
  /** Letters summed over (in the input or kernel, not in the output). */
  readonly summed: readonly string[];
  readonly size: ReadonlyMap<string, Dim>;
  readonly kernelShape: readonly number[];
  /** Bias letters: the output's letters from the first bias axis on (size 1 where not a bias axis). */
  readonly bias: { readonly letters: readonly string[]; readonly shape: readonly number[] } | undefined;
  readonly outputShape: Shape;
  /** Set when output = leading input letters + kernel's own letters, input = leading + contracted, kernel = contracted + own. */
  readonly dense: { readonly leading: readonly string[]; readonly contracted: readonly string[]; readonly own: readonly string[] } | undefined;
}

const EQUATION = /^([a-zA-Z.]+),([a-zA-Z]+)->([a-zA-Z.]+)$/;

export function planEinsum(equation: string, inputShape: Shape, outputShape: readonly (number | null)[], biasAxes: string | null): EinsumPlan {
  const m = EQUATION.exec(equation.replace(/\s+/g, ""));
  if (!m) throw new Error(`equation ${JSON.stringify(equation)} is not of the form "input,kernel->output" with one kernel`);
  let [inSpec, kSpec, outSpec] = [m[1]!, m[2]!, m[3]!];
  const rank = inputShape.length + 1; // with batch
  let fullOut: (Dim | null)[] = ["batch", ...outputShape];
  const left = inSpec.startsWith("...");
  if (inSpec.includes("...")) {
    if (!(left ? outSpec.startsWith("...") : inSpec.endsWith("...") && outSpec.endsWith("..."))) {
      throw new Error(`equation ${JSON.stringify(equation)}: "..." must lead (or end) both the input and the output`);
    }
    const bare = inSpec.replace("...", "");
    const elided = rank - bare.length;
    const unused = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"].filter((c) => !equation.includes(c));
    const fresh = unused.slice(0, elided).join("");
    inSpec = inSpec.replace("...", fresh);
    outSpec = outSpec.replace("...", fresh);
    const elidedDims = Array.from({ length: elided }, (_, i) => (left ? i : rank - elided + i)).map((i) => (i === 0 ? "batch" : inputShape[i - 1]!));
    fullOut = left ? [...elidedDims, ...outputShape] : ["batch", ...outputShape, ...elidedDims.filter((d) => d !== "batch")];
  }
  if (inSpec.includes(".") || outSpec.includes(".")) throw new Error(`equation ${JSON.stringify(equation)}: "..." may appear once, in the input and output`);
  if (inSpec.length !== rank) throw new Error(`equation input "${inSpec}" has ${inSpec.length} axes, the input has ${rank} (with batch)`);
  if (fullOut.length !== outSpec.length) throw new Error(`output_shape ${JSON.stringify(outputShape)} does not match the equation's output "${outSpec}"`);
  for (const spec of [inSpec, kSpec, outSpec]) if (new Set(spec).size !== spec.length) throw new Error(`equation ${JSON.stringify(equation)} repeats a letter within one operand (a diagonal), which is not supported`);
  const batch = inSpec[0]!;
  if (outSpec[0] !== batch || kSpec.includes(batch)) throw new Error(`equation ${JSON.stringify(equation)}: the batch axis "${batch}" must lead the output and stay out of the kernel`);

  const size = new Map<string, Dim>();
  [...inSpec].forEach((c, i) => i > 0 && size.set(c, inputShape[i - 1]!));
  [...outSpec].forEach((c, i) => {
    const given = fullOut[i];
    const known = size.get(c);
    if (i === 0) return;
    if (known !== undefined && typeof given === "number" && typeof known === "number" && given !== known) {
      throw new Error(`output_shape gives axis "${c}" size ${given}, the input has ${known}`);
    }
    if (known === undefined) {
      if (typeof given !== "number") throw new Error(`output axis "${c}" is not in the input, so output_shape must give its size`);
      size.set(c, given);
    }
  });
  for (const c of kSpec) if (!size.has(c)) throw new Error(`kernel axis "${c}" is in neither the input nor the output`);
  for (const c of outSpec) if (!inSpec.includes(c) && !kSpec.includes(c)) throw new Error(`output axis "${c}" is in neither the input nor the kernel`);
  const kernelShape = [...kSpec].map((c) => {
    const d = size.get(c)!;
    if (typeof d !== "number") throw new Error(`kernel axis "${c}" has a variable size`);
    return d;
  });
  const input = [...inSpec.slice(1)];
  const kernel = [...kSpec];
  const output = [...outSpec.slice(1)];
  const summed = [...new Set([...input, ...kernel])].filter((c) => !output.includes(c));
  return {
    input, kernel, output, summed, size, kernelShape,
    bias: biasPlan(biasAxes, output, size),
    outputShape: output.map((c) => size.get(c)!),
    dense: densePlan(input, kernel, output),
  };
}

/** Keras' bias: the output's axes from the first bias axis on, size 1 on the others (trailing `...` axes included). */
function biasPlan(biasAxes: string | null, output: readonly string[], size: ReadonlyMap<string, Dim>): EinsumPlan["bias"] {
  if (biasAxes === null || biasAxes === "") return undefined;
  for (const c of biasAxes) if (!output.includes(c)) throw new Error(`bias axis "${c}" is not an output axis`);
  const first = Math.min(...[...biasAxes].map((c) => output.indexOf(c)));
  const letters = output.slice(first);
  const shape = letters.map((c) => {
    if (!biasAxes.includes(c)) return 1;
    const d = size.get(c)!;
    if (typeof d !== "number") throw new Error(`bias axis "${c}" has a variable size`);
    return d;
  });
  return { letters, shape };
}

function densePlan(input: readonly string[], kernel: readonly string[], output: readonly string[]): EinsumPlan["dense"] {
  const contracted = input.filter((c) => kernel.includes(c) && !output.includes(c));
  const leading = input.slice(0, input.length - contracted.length);
  const own = kernel.slice(contracted.length);
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);
  const ok = contracted.length > 0 && same(input, [...leading, ...contracted]) && same(kernel, [...contracted, ...own]) &&
    same(output, [...leading, ...own]) && own.every((c) => !input.includes(c));
  return ok ? { leading, contracted, own } : undefined;
}
