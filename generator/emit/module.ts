/** Stage 4: the IR → the text of one generated TypeScript module. */
import type { Layer, Model, Shape } from "../ir/types.js";
import { ModuleContext } from "./context.js";
import { KerasError } from "../errors.js";
import { float16Base64Literal, float16Error, float32ArrayLiteral, float32Base64Literal, LiteralTooLong } from "./float32.js";
import { emitterFor } from "./layers/registry.js";
import { commentText, identifierFrom, IdentifierPool, stringLiteral } from "./names.js";
import { RUNTIME_FILE_BASE, runtimeExportNames, inlineRuntime } from "./runtime-source.js";
import { renderModule } from "./template.js";
import { bytesPerWeight, outputTooLarge } from "../limits.js";
import { int8Call, int8Change, quantiseInt8, type Quantised } from "./int8.js";
import type { WeightDecl } from "./context.js";

export interface EmitOptions {
  /** Timestep loops at most this long are unrolled (default 32). */
  readonly unrollLimit?: number;
  /** How weights are written: decimal `Float32Array` literals, base64 of float32, of float16 or of int8 with per-channel scales decoded at load; "auto" (default) picks by size. */
  readonly weightEncoding?: WeightEncoding;
  /** Put the used runtime functions inside the module instead of importing the runtime file. */
  readonly inlineRuntime?: boolean;
  /** What the module imports the runtime from (default "./keras2ts-runtime.js"). */
  readonly runtimeSpecifier?: string;
  /** Header comment lines (JavaScript module format, test vectors), each ending in a newline; or "". */
  readonly headerNotes?: string;
  /** Told the stage and, while weights are printed (most of the time for big models), the share done. */
  readonly onProgress?: (stage: string, fraction?: number) => void;
  /** Refuse (KerasError) before printing weights past this many characters in all. */
  readonly maxOutputBytes?: number;
}

export const DEFAULT_UNROLL_LIMIT = 32;

/** Names generated code uses itself (loop counters, helpers): never handed to a layer or input. */
const FIXED_NAMES = ["defaultSession", "Session", "session", "results", "arguments", "s", "t", "j", "i", "k", "xo", "cj", "f", "g", "o"];

/** The module in two parts: code (skeleton, layers) and the weight literals that follow it. */
export interface ModuleParts {
  readonly code: string;
  readonly weights: string;
  /** What a lossy weight encoding changed (also in the module header), for the CLI to print. */
  readonly note?: string;
}

export function emitModule(model: Model, options: EmitOptions = {}): string {
  const { code, weights } = emitModuleParts(model, options);
  return code + weights;
}

/** "auto" (the default): readable literals up to AUTO_BASE64_ABOVE weight values, base64 above. */
export type WeightEncoding = "auto" | "literal" | "base64" | "f16" | "int8";

/**
 * Above this many weight values (transposed copies included) "auto" writes base64: decimal text of
 * a large model is slow to load (the engine parses every number) and slow to type-check (tsc spends
 * tens of seconds and over a gigabyte on a 17 MB literal module; a base64 string costs it nothing).
 */
export const AUTO_BASE64_ABOVE = 250_000;

export function emitModuleParts(model: Model, options: EmitOptions = {}): ModuleParts {
  const pool = new IdentifierPool([...runtimeExportNames(), ...FIXED_NAMES]);
  const bases = layerBases(model);
  const ctx = new ModuleContext(model, model.kerasVersion, options.unrollLimit ?? DEFAULT_UNROLL_LIMIT, pool, (l) => bases.get(l)!);
  options.onProgress?.("writing code");

  const inputIds = model.inputs.map((io) => {
    const id = pool.claim(`${identifierFrom(io.name)}_input`);
    ctx.nameValue(io.value, id);
    return id;
  });
  const paramIds = model.inputs.map((io) => pool.claim(identifierFrom(io.name)));
  for (const call of model.calls) {
    const emitter = emitterFor(call.layer);
    const identity = typeof emitter.identity === "function" ? emitter.identity(call.layer, call.inputs.map((v) => ctx.shape(v))) : emitter.identity;
    if (identity) {
      ctx.alias(call.outputs[0]!, call.inputs[0]!);
      continue;
    }
    call.outputs.forEach((v, k) => ctx.nameValue(v, pool.claim(`${bases.get(call.layer)}${k === 0 ? "" : `_${k}`}_out`)));
    ctx.line(`// ${commentText(call.layer.name)} (${commentText(call.layer.className)})`);
    emitter.emit(call, ctx);
  }
  const outIds = model.outputs.map((_, k) => pool.claim(`out${k}`));

  const stateful = ctx.states.some((s) => s.stateful);
  const requested = options.weightEncoding ?? "auto";
  const encoding = requested !== "auto" ? requested : ctx.weights.reduce((n, w) => n + w.data.length, 0) > AUTO_BASE64_ABOVE ? "base64" : "literal";
  if (encoding === "base64") ctx.rt("decodeFloat32");
  if (encoding === "f16") ctx.rt("decodeFloat16");
  const quantised = encoding === "int8" ? quantiseWeights(ctx) : undefined;
  const note = encoding === "f16" ? float16Note(ctx.weights.map((w) => w.data)) : quantised ? int8Note(ctx, quantised) : undefined;
  const body = sessionBody(model, ctx, { inputIds, paramIds, outIds }); // first: it imports runtime functions too
  const code = renderModule({
    sourceName: commentText(model.sourceName),
    kerasVersion: commentText(model.kerasVersion.raw),
    modelName: commentText(model.name),
    inputSummary: model.inputs.map((io) => `${commentText(io.name)} ${shapeText(ctx.shape(io.value))}`).join(", "),
    outputSummary: model.outputs.map((io) => `${commentText(io.name)} ${shapeText(ctx.shape(io.value))}`).join(", "),
    headerNotes: options.headerNotes ?? "",
    weightsNote: note ? `// ${note}\n` : "",
    runtimeImport: (options.inlineRuntime ? "" : runtimeImportLine(ctx, options.runtimeSpecifier ?? `./${RUNTIME_FILE_BASE}.js`)) + moduleImportLines(ctx),
    inputEntries: model.inputs
      .map((io) => `  { name: ${stringLiteral(io.name)}, shape: ${publicShape(ctx.shape(io.value))}, dtype: ${stringLiteral(model.values[io.value]!.dtype)} },`)
      .join("\n"),
    outputEntries: model.outputs.map((io) => `  { name: ${stringLiteral(io.name)}, shape: ${publicShape(ctx.shape(io.value))} },`).join("\n"),
    declarations: ctx.declarations.length > 0 ? `${ctx.declarations.join("\n")}\n\n` : "",
    returnType: returnType(model),
    predictParams: paramIds.map((p) => `${p}: ArrayLike<number>`).join(", "),
    stateful,
    sessionBody: body,
    runtimeInline: options.inlineRuntime ? inlineRuntime([...ctx.runtimeUsed]) : "",
  });
  const weights = printWeights(ctx, code.length, encoding, options, quantised);
  const epilogue = ctx.epilogue.length > 0 ? `\n// ---- custom layer weights ----\n${ctx.epilogue.join("\n")}\n` : "";
  return { code, weights: weights + epilogue, ...(note ? { note } : {}) };
}

/** The header line of a float16 module: how far rounding moved the weights (measured on every value). */
function float16Note(tensors: readonly Float32Array[]): string {
  const { absolute, relative } = float16Error(tensors);
  if (!Number.isFinite(absolute)) throw new KerasError("--weights f16: a weight is beyond float16's range (±65504); use --weights base64");
  return `Weights stored as float16 (--weights f16): largest change ${absolute.toExponential(2)} (relative ${relative.toExponential(2)}) from the float32 weights.`;
}

/** `--weights int8`: each tensor the emitters gave channels, quantised (the rest stays exact float32). */
function quantiseWeights(ctx: ModuleContext): Map<WeightDecl, Quantised> {
  const quantised = new Map<WeightDecl, Quantised>();
  for (const w of ctx.weights) if (w.channels) quantised.set(w, quantiseInt8(w.data, w.channels, w.comment));
  if (quantised.size > 0) ctx.rt("decodeInt8");
  if (quantised.size < ctx.weights.length) ctx.rt("decodeFloat32");
  return quantised;
}

/** The header line of an int8 module: what was quantised, and how far it moved the weights (every value measured). */
function int8Note(ctx: ModuleContext, quantised: ReadonlyMap<WeightDecl, Quantised>): string {
  const tensors = [...quantised].map(([w, q]) => ({ data: w.data, quantised: q, channels: w.channels! }));
  const { absolute, relative, ofChannel } = int8Change(tensors);
  const values = tensors.reduce((n, t) => n + t.data.length, 0);
  const total = ctx.weights.reduce((n, w) => n + w.data.length, 0);
  return `Weights stored as int8 with per-channel float32 scales (--weights int8) for ${quantised.size} of ${ctx.weights.length} tensors ` +
    `(${values} of ${total} values; kernels and embeddings, the rest exact float32): largest change ${absolute.toExponential(2)} ` +
    `(relative ${relative.toExponential(2)}, ${ofChannel.toExponential(2)} of its channel's largest |w|) from the float32 weights.`;
}

/** Reports the share of weight values printed so far, before each tensor of `count` values. */
function weightProgress(weights: readonly { data: ArrayLike<number> }[], report: EmitOptions["onProgress"]): (count: number) => void {
  if (!report) return () => {};
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  let done = 0;
  return (count) => {
    report("writing weights", total === 0 ? 1 : done / total);
    done += count;
  };
}

/**
 * The weight declarations, within the output limit: checked first on what printing must take at
 * least (weights the emitters made themselves, such as an expanded PReLU alpha, included), then
 * as each tensor is printed, so an over-long module stops early instead of exhausting memory.
 */
function printWeights(ctx: ModuleContext, used: number, encoding: Exclude<WeightEncoding, "auto">, options: EmitOptions, quantised?: ReadonlyMap<WeightDecl, Quantised>): string {
  const limit = options.maxOutputBytes ?? Infinity;
  const values = ctx.weights.reduce((n, w) => n + w.data.length, 0);
  const floor = used + values * bytesPerWeight(encoding);
  if (floor > limit) throw outputTooLarge(floor, limit, ` (${values} weight values)`);
  const progress = weightProgress(ctx.weights, options.onProgress);
  const parts: string[] = [];
  for (const w of ctx.weights) {
    progress(w.data.length);
    const q = quantised?.get(w);
    const value =
      q ? int8Call(ctx.rt("decodeInt8"), q, w.channels!)
      : encoding === "base64" || encoding === "int8" ? `${ctx.rt("decodeFloat32")}(${float32Base64Literal(w.data)})`
      : encoding === "f16" ? `${ctx.rt("decodeFloat16")}(${float16Base64Literal(w.data)})`
      : literal(w.data, used, limit);
    const scales = q ? `; int8, ${w.channels!.count} float32 scales (${w.channels!.stride === 1 ? "one per column" : "one per row"})` : "";
    const text = `\n/** ${commentText(w.comment)}, shape [${w.shape.join(", ")}]${scales} */\nconst ${w.id} = ${value};\n`;
    used += text.length;
    if (used > limit) throw outputTooLarge(used, limit);
    parts.push(text);
  }
  return parts.join("");
}

function literal(data: Float32Array, used: number, limit: number): string {
  try {
    return float32ArrayLiteral(data, "  ", 8, limit - used);
  } catch (err) {
    if (err instanceof LiteralTooLong) throw outputTooLarge(used + err.length, limit);
    throw err;
  }
}

interface SessionIds {
  /** Float64 buffers the inputs are copied into. */
  readonly inputIds: string[];
  /** `predict`'s parameter names, one per input. */
  readonly paramIds: string[];
  /** Float32 output arrays, reused across calls. */
  readonly outIds: string[];
}

function sessionBody(model: Model, ctx: ModuleContext, { inputIds, paramIds, outIds }: SessionIds): string {
  const lines: string[] = [];
  const dynamic = (dims: Shape) => dims.some((d) => typeof d === "string");
  for (const b of ctx.buffers) {
    lines.push(dynamic(b.dims) ? `  let ${b.id} = new Float64Array(0);` : `  const ${b.id} = new Float64Array(${ctx.size(b.dims)});`);
  }
  for (const s of ctx.states) lines.push(`  const ${s.id} = new Float64Array(${s.size});${s.stateful ? " // stateful: kept across calls" : ""}`);
  model.outputs.forEach((io, k) => {
    const dims = ctx.shape(io.value);
    lines.push(dynamic(dims) ? `  let ${outIds[k]} = new Float32Array(0);` : `  const ${outIds[k]} = new Float32Array(${ctx.size(dims)});`);
  });
  const single = model.outputs.length === 1;
  // Multi-output results go in one array made once: predict allocates nothing.
  if (!single) lines.push(`  const results: ${returnType(model)} = [${outIds.join(", ")}];`);
  for (const f of ctx.funcs) lines.push("", ...f.map((l) => (l ? `  ${l}` : l)));

  const params = paramIds.map((p) => `${p}?: ArrayLike<number>`).join(", ");
  lines.push("", `  function predict(${params}): ${returnType(model)} {`);
  lines.push(`    ${ctx.rt("checkArgCount")}(arguments.length, inputs);`);
  const declared = new Set<string>();
  model.inputs.forEach((io, k) => {
    const dims = ctx.shape(io.value);
    const sym = dims.find((d): d is string => typeof d === "string");
    if (sym !== undefined && !declared.has(sym)) {
      declared.add(sym);
      const step = ctx.size(dims.filter((d) => d !== sym));
      lines.push(`    const ${sym} = ${ctx.rt("sequenceLength")}(${paramIds[k]}, inputs[${k}]!, ${step});`);
    }
  });
  for (const b of ctx.buffers.filter((b) => dynamic(b.dims))) {
    lines.push(`    if (${b.id}.length < ${ctx.size(b.dims)}) ${b.id} = new Float64Array(${ctx.size(b.dims)});`);
  }
  model.outputs.forEach((io, k) => {
    const dims = ctx.shape(io.value);
    if (!dynamic(dims)) return;
    const grow = `${outIds[k]} = new Float32Array(${ctx.size(dims)});${single ? "" : ` results[${k}] = ${outIds[k]};`}`;
    lines.push(`    if (${outIds[k]}.length !== ${ctx.size(dims)}) { ${grow} }`);
  });
  model.inputs.forEach((io, k) => {
    lines.push(`    ${ctx.rt("readInput")}(${paramIds[k]}, inputs[${k}]!, ${ctx.size(ctx.shape(io.value))}, ${inputIds[k]});`);
  });
  for (const s of ctx.states.filter((s) => !s.stateful)) lines.push(`    ${ctx.rt("zeroFill")}(${s.id});`);
  lines.push(...ctx.body.map((l) => `    ${l}`));
  model.outputs.forEach((io, k) => {
    lines.push(`    ${ctx.rt("writeOutput")}(${ctx.buffer(io.value)}, 0, ${ctx.size(ctx.shape(io.value))}, ${outIds[k]});`);
  });
  lines.push(single ? `    return ${outIds[0]};` : "    return results;", "  }");

  const stateful = ctx.states.filter((s) => s.stateful);
  lines.push("", "  function resetStates(): void {");
  for (const s of stateful) lines.push(`    ${s.id}.fill(0);`);
  lines.push("  }", "", "  return { predict, resetStates };");
  return lines.join("\n");
}

/** The runtime import; ".js" for TypeScript output too, which tsc and bundlers resolve to the .ts file. */
function runtimeImportLine(ctx: ModuleContext, specifier: string): string {
  const used = [...ctx.runtimeUsed].sort();
  return `import { ${used.join(", ")} } from ${stringLiteral(specifier)};\n`;
}

/** Imports of custom layer implementations (`--custom`), in the order layers use them. */
function moduleImportLines(ctx: ModuleContext): string {
  return [...ctx.imports].map(([specifier, id]) => `import * as ${id} from ${stringLiteral(specifier)};\n`).join("");
}

/** One identifier prefix per layer, unique across the model. */
function layerBases(model: Model): Map<Layer, string> {
  const bases = new Map<Layer, string>();
  const taken = new Set<string>();
  const visit = (layer: Layer) => {
    if (bases.has(layer)) return;
    let base = identifierFrom(layer.name);
    for (let n = 2; taken.has(base); n++) base = `${identifierFrom(layer.name)}_${n}`;
    taken.add(base);
    bases.set(layer, base);
    for (const inner of Object.values(layer.inner)) visit(inner);
  };
  for (const call of model.calls) visit(call.layer);
  return bases;
}

/** One Float32Array, or a tuple of them in `outputs` order. */
function returnType(model: Model): string {
  return model.outputs.length === 1 ? "Float32Array" : `[${model.outputs.map(() => "Float32Array").join(", ")}]`;
}

function publicShape(dims: Shape): string {
  return `[${dims.map((d) => (typeof d === "number" ? String(d) : "null")).join(", ")}]`;
}

function shapeText(dims: Shape): string {
  return `(${dims.map((d) => (typeof d === "number" ? String(d) : "None")).join(", ")})`;
}
