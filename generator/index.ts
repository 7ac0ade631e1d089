/**
 * keras2ts as a library: `generate()` turns the bytes of a Keras file into the text of the files to
 * write. No file system access happens here; the CLI does the I/O (and `loadCustomLayers`, in
 * custom-layers.ts, loads `--custom` implementation files).
 */
import { KerasError } from "./errors.js";
import { checkLimits, checkOutputFloor, outputLimit, outputTooLarge } from "./limits.js";
import { buildModel } from "./ir/build.js";
import { assignGroupedWeights } from "./ir/grouped-weights.js";
import type { CallShapes, Model, Shape } from "./ir/types.js";
import { verifyModel } from "./ir/verify.js";
import { bindCustomLayers } from "./ir/bind-custom.js";
import type { CustomLayer } from "./custom-layers.js";
import { readArchitecture } from "./load/architecture.js";
import { loadModelFile, type LoadLimits } from "./load/index.js";
import { layerWeights } from "./load/layer-weights.js";
import { emitModuleParts, type WeightEncoding } from "./emit/module.js";
import { emitterFor, layerKinds } from "./emit/layers/registry.js";
import { RUNTIME_FILE_BASE, runtimeSource } from "./emit/runtime-source.js";
import { runPasses } from "./passes/index.js";
import { declarationName, declarationsOf, formatNote, toCommonJs, typescript, type ModuleFormat } from "./emit/module-format.js";
import { readTestVectors, testFileName, testFileText, testVectorsHeader } from "./test-vectors.js";

export { KerasError, formatError } from "./errors.js";
export type { Model } from "./ir/types.js";
export type { WeightEncoding } from "./emit/module.js";
export type { ModuleFormat } from "./emit/module-format.js";
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
  /** "ts" or "js"; by default what the module name's extension says. */
  readonly language?: "ts" | "js";
  /** For a `.js` module: "esm" (default) or "cjs". `.mjs` is always "esm" and `.cjs` always "cjs". */
  readonly moduleFormat?: ModuleFormat;
  /** Put the runtime functions the model uses inside the module. */
  readonly inlineRuntime?: boolean;
  /** Timestep loops at most this long are unrolled. */
  readonly unrollLimit?: number;
  /** "literal" (default): decimal `Float32Array` literals; "base64": exact bits in about a third of the text. */
  readonly weightEncoding?: WeightEncoding;
  /** Refuse models whose generated module would exceed this many bytes. */
  readonly maxOutputBytes?: number;
  /** Keras' inputs and outputs (`--test-vectors`): a `node:test` file checking the module is written beside it. */
  readonly testVectors?: { readonly text: string; readonly sourceName: string };
  /** Called as generation advances (the CLI's progress line); `fraction` in [0, 1] where known. */
  readonly onProgress?: (stage: string, fraction?: number) => void;
}

export interface GeneratedFile {
  /** File name relative to the output folder. */
  readonly name: string;
  readonly text: string;
  /** What a lossy weight encoding (`f16`, `int8`) changed, as recorded in the module header. */
  readonly note?: string;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/** Reads, builds, verifies and rewrites a model: the IR that emitters and `inspect` use. */
export async function loadModel(bytes: Uint8Array, options: ModelOptions): Promise<Model> {
  checkLimits(options); // every limit of GenerateOptions too: generate() passes its options here first
  const file = await loadModelFile(bytes, options.configText, options, options.sourceName);
  const architecture = readArchitecture(file.architecture, file.kerasVersion, layerKinds);
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
    (layer, inputs, call) => (layer.className === "InputLayer" ? [inputs[0]!] : emitterFor(layer).outputShapes(layer, inputs, { ...info, call })),
  );
  const specs = (layer: Model["calls"][number]["layer"], inputs: readonly Shape[], call?: CallShapes) => emitterFor(layer).weightSpecs(layer, inputs, { ...info, ...(call ? { call } : {}) });
  assignGroupedWeights(model, architecture.weightGroups ?? [], weights, specs);
  verifyModel(model, specs);
  return runPasses(model);
}

/**
 * The files to write for one model: the module; the runtime beside it unless inlined; for JavaScript,
 * a declaration file beside each. The module's extension picks the flavour: `.ts` TypeScript, `.mjs`
 * an ES module, `.cjs` CommonJS, `.js` the `moduleFormat` option (the CLI reads package.json for it).
 * The runtime takes the module's extension, so Node reads both the same way.
 */
export async function generate(bytes: Uint8Array, moduleName: string, options: GenerateOptions): Promise<GeneratedFile[]> {
  flavourOf(moduleName, options); // a bad module name fails before any work
  options.onProgress?.("reading the model");
  return generateFromModel(await loadModel(bytes, options), moduleName, options);
}

/** `generate` for a model already loaded with `loadModel` (and the same options). */
export function generateFromModel(model: Model, moduleName: string, options: GenerateOptions): GeneratedFile[] {
  const flavour = flavourOf(moduleName, options);
  const limit = outputLimit(options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  checkOutputFloor(model, limit, options.weightEncoding); // before emitting anything
  const runtimeName = `${RUNTIME_FILE_BASE}${flavour.extension}`;
  const inline = options.inlineRuntime ?? false;
  const vectors = options.testVectors && readTestVectors(options.testVectors.text, options.testVectors.sourceName, model);
  const testName = testFileName(moduleName);
  const notes = (flavour.language === "ts" ? "" : formatNote(flavour.extension, flavour.format)) + (vectors ? `${testVectorsHeader(vectors, testName)}\n` : "");
  const { code, weights, note } = emitModuleParts(model, {
    inlineRuntime: inline,
    runtimeSpecifier: `./${RUNTIME_FILE_BASE}${flavour.language === "ts" ? ".js" : flavour.extension}`,
    headerNotes: notes,
    maxOutputBytes: limit,
    ...(options.unrollLimit !== undefined ? { unrollLimit: options.unrollLimit } : {}),
    ...(options.weightEncoding !== undefined ? { weightEncoding: options.weightEncoding } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  if (code.length + weights.length > limit) throw outputTooLarge(code.length + weights.length, limit);
  const tests: GeneratedFile[] = vectors ? [{ name: testName, text: testFileText(vectors, { moduleFile: moduleName, language: flavour.language, format: flavour.format }) }] : [];
  if (flavour.language === "ts") {
    return [{ name: moduleName, text: code + weights, ...(note ? { note } : {}) }, ...(inline ? [] : [{ name: runtimeName, text: runtimeSource() }]), ...tests];
  }
  // Weight literals are already JavaScript: only the code part goes through the transpiler.
  options.onProgress?.("transpiling to JavaScript");
  const files: GeneratedFile[] = [
    { name: moduleName, text: toJavaScript(code, flavour.format) + weights, ...(note ? { note } : {}) },
    { name: declarationName(moduleName), text: declarationsOf(code) },
  ];
  if (!inline) {
    files.push({ name: runtimeName, text: toJavaScript(runtimeSource(), flavour.format) }, { name: declarationName(runtimeName), text: runtimeDeclarations() });
  }
  return [...files, ...tests];
}

interface Flavour {
  readonly language: "ts" | "js";
  readonly format: ModuleFormat;
  /** The module's extension, which the runtime file takes too. */
  readonly extension: ".ts" | ".js" | ".mjs" | ".cjs";
}

function flavourOf(moduleName: string, options: GenerateOptions): Flavour {
  // Modules import ./keras2ts-runtime.*: a module by that name would replace the runtime or import itself.
  if (moduleName.toLowerCase().startsWith(`${RUNTIME_FILE_BASE}.`)) {
    throw new KerasError(`the module cannot be named ${moduleName}: that is the runtime's file name; choose another -o`);
  }
  const ext = /\.(ts|js|mjs|cjs)$/.exec(moduleName)?.[0] as Flavour["extension"] | undefined;
  if (ext === undefined || /\.d\.[mc]?ts$/.test(moduleName)) throw new KerasError(`the module name must end in .ts, .js, .mjs or .cjs (and not be a .d.ts), got ${moduleName}`);
  const language = options.language ?? (ext === ".ts" ? "ts" : "js");
  if ((language === "ts") !== (ext === ".ts")) throw new KerasError(`language "${language}" does not match the module name ${moduleName}`);
  const format = ext === ".mjs" ? "esm" : ext === ".cjs" ? "cjs" : (options.moduleFormat ?? "esm");
  if ((ext === ".mjs" && options.moduleFormat === "cjs") || (ext === ".cjs" && options.moduleFormat === "esm")) {
    throw new KerasError(`moduleFormat "${options.moduleFormat}" does not match the module name ${moduleName}`);
  }
  return { language, format, extension: ext };
}

let cachedRuntimeDeclarations: string | undefined;

function runtimeDeclarations(): string {
  cachedRuntimeDeclarations ??= declarationsOf(runtimeSource());
  return cachedRuntimeDeclarations;
}

/** Strips types: the JavaScript module is the TypeScript one, transpiled (imports kept even if only weights use them). */
export function toJavaScript(source: string, format: ModuleFormat = "esm"): string {
  const ts = typescript();
  // verbatimModuleSyntax keeps runtime imports used only by the weights appended after the transpiled code.
  const esm = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext, removeComments: false, verbatimModuleSyntax: true },
  }).outputText;
  return format === "cjs" ? toCommonJs(esm) : esm;
}

