/**
 * keras2ts as a library: `generate()` turns the bytes of a Keras file into the text of the files to
 * write. No file system access happens here; the CLI does the I/O (and `loadCustomLayers`, in
 * custom-layers.ts, loads `--custom` implementation files).
 */
import { createRequire } from "node:module";
import type * as TypeScript from "typescript";
import { KerasError } from "./errors.js";
import { checkLimits, checkOutputFloor, outputLimit, outputTooLarge } from "./limits.js";
import { buildModel } from "./ir/build.js";
import { assignGroupedWeights } from "./ir/grouped-weights.js";
import type { Model, Shape } from "./ir/types.js";
import { verifyModel } from "./ir/verify.js";
import { bindCustomLayers } from "./ir/bind-custom.js";
import type { CustomLayer } from "./custom-layers.js";
import { readArchitecture } from "./load/architecture.js";
import { loadModelFile, type LoadLimits } from "./load/index.js";
import { layerWeights } from "./load/layer-weights.js";
import { emitModuleParts, type WeightEncoding } from "./emit/module.js";
import { emitterFor } from "./emit/layers/registry.js";
import { RUNTIME_FILE_BASE, runtimeSource } from "./emit/runtime-source.js";
import { runPasses } from "./passes/index.js";

export { KerasError, formatError } from "./errors.js";
export type { Model } from "./ir/types.js";
export type { WeightEncoding } from "./emit/module.js";
export { loadCustomLayers, type CustomLayer, type CustomLayerImplementation, type CustomLayerSource } from "./custom-layers.js";

export interface ModelOptions extends LoadLimits {
  /** Base name of the model file, used in the generated header and messages. */
  readonly sourceName: string;
  /** Architecture JSON text, for weights-only HDF5 files. */
  readonly configText?: string;
  /** Fix variable sequence lengths to this many timesteps. */
  readonly timesteps?: number;
  /** Implementations of layers keras2ts cannot translate (`--custom`; load files with `loadCustomLayers`). */
  readonly customLayers?: readonly CustomLayer[];
}

export interface GenerateOptions extends ModelOptions {
  /** "ts" (default) or "js" (an ES module in JavaScript). */
  readonly language?: "ts" | "js";
  /** Put the runtime functions the model uses inside the module. */
  readonly inlineRuntime?: boolean;
  /** Timestep loops at most this long are unrolled. */
  readonly unrollLimit?: number;
  /** "literal" (default): decimal `Float32Array` literals; "base64": exact bits in about a third of the text. */
  readonly weightEncoding?: WeightEncoding;
  /** Refuse models whose generated module would exceed this many bytes. */
  readonly maxOutputBytes?: number;
}

export interface GeneratedFile {
  /** File name relative to the output folder. */
  readonly name: string;
  readonly text: string;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/** Reads, builds, verifies and rewrites a model: the IR that emitters and `inspect` use. */
export async function loadModel(bytes: Uint8Array, options: ModelOptions): Promise<Model> {
  checkLimits(options); // every limit of GenerateOptions too: generate() passes its options here first
  const file = await loadModelFile(bytes, options.configText, options);
  const architecture = readArchitecture(file.architecture, file.kerasVersion);
  if (/\.keras$/i.test(options.sourceName) && file.format !== "keras-zip") architecture.notes.unshift("the file is named .keras but holds HDF5 (read by content)");
  const weights = layerWeights(architecture, file);
  const info = { version: file.kerasVersion };
  const customFor = bindCustomLayers(architecture, options.customLayers ?? []);
  const model = buildModel(
    {
      architecture, weights, kerasVersion: file.kerasVersion, sourceName: options.sourceName,
      ...(options.timesteps ? { timesteps: options.timesteps } : {}),
      ...(customFor ? { customFor } : {}),
    },
    (layer, inputs) => (layer.className === "InputLayer" ? [inputs[0]!] : emitterFor(layer).outputShapes(layer, inputs, info)),
  );
  const specs = (layer: Model["calls"][number]["layer"], inputs: readonly Shape[]) => emitterFor(layer).weightSpecs(layer, inputs, info);
  assignGroupedWeights(model, architecture.weightGroups ?? [], weights, specs);
  verifyModel(model, specs);
  return runPasses(model);
}

/** The files to write for one model: the module, and the runtime unless it is inlined. */
export async function generate(bytes: Uint8Array, moduleName: string, options: GenerateOptions): Promise<GeneratedFile[]> {
  // Modules beside it import ./keras2ts-runtime.js: a module by that name would replace the runtime or import itself.
  if (moduleName.toLowerCase().startsWith(`${RUNTIME_FILE_BASE}.`)) {
    throw new KerasError(`the module cannot be named ${moduleName}: that is the runtime's file name; choose another -o`);
  }
  const model = await loadModel(bytes, options);
  const limit = outputLimit(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  checkOutputFloor(model, limit, options.weightEncoding); // before emitting anything
  const language = options.language ?? "ts";
  const { code, weights } = emitModuleParts(model, {
    inlineRuntime: options.inlineRuntime ?? false,
    maxOutputBytes: limit,
    ...(options.unrollLimit !== undefined ? { unrollLimit: options.unrollLimit } : {}),
    ...(options.weightEncoding !== undefined ? { weightEncoding: options.weightEncoding } : {}),
  });
  if (code.length + weights.length > limit) throw outputTooLarge(code.length + weights.length, limit);
  // Weight literals are already JavaScript: only the code part goes through the transpiler.
  const text = language === "js" ? toJavaScript(code) + weights : code + weights;
  const files: GeneratedFile[] = [{ name: moduleName, text }];
  if (!options.inlineRuntime) {
    const runtime = language === "js" ? toJavaScript(runtimeSource()) : runtimeSource();
    files.push({ name: `${RUNTIME_FILE_BASE}.${language}`, text: runtime });
  }
  return files;
}

/** Strips types: the JavaScript module is the TypeScript one, transpiled. */
export function toJavaScript(source: string): string {
  const ts = typescript();
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, removeComments: false },
  }).outputText;
}

let tsModule: typeof TypeScript | undefined;

/** The compiler, loaded on first use: it costs most of the CLI's start-up, and failing runs never need it. */
function typescript(): typeof TypeScript {
  tsModule ??= createRequire(import.meta.url)("typescript") as typeof TypeScript;
  return tsModule;
}
