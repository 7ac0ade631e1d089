/** The command line: argument parsing and file I/O around the library. Errors are one line, exit 1. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { DEFAULT_MAX_OUTPUT_BYTES, formatError, generateFromModel, KerasError, loadCustomLayers, loadModel, type CustomLayerSource, type ModelOptions } from "./index.js";
import { OptionError } from "./errors.js";
import { progressLine, summaryLine, type ProgressLine } from "./cli-report.js";
import { DEFAULT_MAX_DATASET_ELEMENTS } from "./load/h5-format.js";
import { DEFAULT_MAX_UNZIPPED_BYTES } from "./load/keras-zip.js";
import { folderReason } from "./load/foreign.js";
import { decodeJsonBytes, jsonErrorDetail } from "./load/json-text.js";
import { formatInspect, inspectModel } from "./inspect.js";
import { MAX_READ_SECONDS, MAX_UNROLL_LIMIT } from "./limits.js";
import { packageVersion } from "./paths.js";
import { ensureFolder, writeAtomically } from "./write-output.js";
import { OutputNameError, outputFlavour } from "./output-flavour.js";

interface Common {
  model: string;
  config?: string | undefined;
  timesteps?: number | undefined;
  "max-unzipped-bytes"?: number | undefined;
  "max-weights"?: number | undefined;
  "max-read-seconds"?: number | undefined;
  custom?: CustomLayerSource[] | undefined;
}

function readFile(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KerasError(`cannot read ${what} (${code === "ENOENT" ? "no such file" : code ?? "error"})`);
  }
}

/** The model's bytes; a folder (a TensorFlow SavedModel, most often) gets a hint instead of EISDIR. */
function readModelFile(path: string): Uint8Array {
  if (existsSync(path) && statSync(path).isDirectory()) throw new KerasError(folderReason(readdirSync(path)));
  return new Uint8Array(readFile(path, "the model file"));
}

/** `--config` text, checked to be JSON here so the error names the file and where it breaks. */
function readConfig(path: string): string {
  const what = `the config file ${basename(path)}`;
  const text = decodeJsonBytes(readFile(path, what), what); // size-checked: V8 strings stop at ~512 MiB
  try {
    JSON.parse(text);
  } catch (err) {
    throw new KerasError(`--config ${basename(path)} is not valid JSON: ${jsonErrorDetail(text, err)}`);
  }
  return text;
}

function readInput(args: Common): { bytes: Uint8Array; options: ModelOptions } {
  const bytes = readModelFile(args.model);
  const configText = args.config === undefined ? undefined : readConfig(args.config);
  return {
    bytes,
    options: {
      sourceName: basename(args.model),
      ...(configText !== undefined ? { configText } : {}),
      ...(args.timesteps !== undefined ? { timesteps: args.timesteps } : {}),
      ...(args["max-unzipped-bytes"] !== undefined ? { maxUnzippedBytes: args["max-unzipped-bytes"] } : {}),
      ...(args["max-weights"] !== undefined ? { maxWeightElements: args["max-weights"] } : {}),
      ...(args["max-read-seconds"] !== undefined ? { maxReadSeconds: args["max-read-seconds"] } : {}),
    },
  };
}

interface GenerateArgs extends Common {
  out: string;
  weights: "auto" | "literal" | "base64" | "f16" | "int8";
  "inline-runtime": boolean;
  force: boolean;
  check: boolean;
  quiet: boolean;
  "unroll-limit"?: number | undefined;
  "max-output-bytes"?: number | undefined;
  "test-vectors"?: string | undefined;
}

async function runGenerate(args: GenerateArgs, progress: ProgressLine): Promise<void> {
  const started = performance.now();
  const flavour = usage(() => outputFlavour(args.out));
  progress.show("reading the model");
  const { bytes, options } = readInput(args);
  const customLayers = await loadCustomLayers(args.custom ?? [], args.out);
  const vectorsPath = args["test-vectors"];
  const testVectors = vectorsPath === undefined ? undefined : { text: readFile(vectorsPath, `the test vectors ${basename(vectorsPath)}`).toString("utf8"), sourceName: basename(vectorsPath) };
  const generateOptions = {
    ...options,
    ...(testVectors ? { testVectors } : {}),
    ...(customLayers.length > 0 ? { customLayers } : {}),
    ...flavour,
    inlineRuntime: args["inline-runtime"],
    weightEncoding: args.weights,
    ...(args["unroll-limit"] !== undefined ? { unrollLimit: args["unroll-limit"] } : {}),
    ...(args["max-output-bytes"] !== undefined ? { maxOutputBytes: args["max-output-bytes"] } : {}),
    onProgress: (stage: string, fraction?: number) => progress.show(stage, fraction),
  };
  const model = await loadModel(bytes, generateOptions);
  const files = generateFromModel(model, basename(args.out), generateOptions);
  const outDir = dirname(resolve(args.out));
  const targets = files.map((f) => ({ path: join(outDir, f.name), text: f.text }));
  if (args.check) checkCurrent(targets);
  else {
    progress.show("writing files");
    ensureFolder(outDir);
    writeAtomically(targets, args.force);
  }
  progress.clear();
  if (args.quiet) return;
  if (files[0]?.note) process.stdout.write(`${files[0].note}\n`);
  const shown = files.map((f) => ({ path: join(dirname(args.out), f.name), bytes: Buffer.byteLength(f.text) }));
  const line = summaryLine(args.check ? "up to date:" : "wrote", shown, inspectModel(model).totalParams, performance.now() - started);
  process.stdout.write(`${line}\n`);
}

/** `--check`: succeed only when every output file exists with exactly the text it would get. */
function checkCurrent(files: { path: string; text: string }[]): void {
  for (const f of files) {
    const current = existsSync(f.path) && statSync(f.path).isFile() ? readFileSync(f.path, "utf8") : undefined;
    if (current !== f.text) {
      throw new KerasError(`${basename(f.path)} is ${current === undefined ? "missing" : "stale"}: regenerate it without --check`);
    }
  }
}

async function runInspect(args: Common & { json: boolean }): Promise<void> {
  const { bytes, options } = readInput(args);
  const customLayers = await loadCustomLayers(args.custom ?? [], "inspect"); // import specifiers are not used
  const report = inspectModel(await loadModel(bytes, { ...options, ...(customLayers.length > 0 ? { customLayers } : {}) }));
  process.stdout.write(args.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatInspect(report)}\n`);
}

class UsageError extends Error {}

/** Runs `f`, turning an OutputNameError into a usage error (exit 2). */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw err instanceof OutputNameError ? new UsageError(err.message) : err;
  }
}


// Numeric flags are read as text and checked by `wholeNumber`, so "--timesteps abc" is reported as
// "abc" (not NaN) and exits 2 like every other flag error; `requiresArg` refuses a flag without value.
const modelOptions = {
  config: { type: "string", requiresArg: true, coerce: single("config"), describe: "architecture JSON (model.to_json()) for a weights-only HDF5 file" },
  timesteps: { type: "string", requiresArg: true, coerce: wholeNumber("timesteps", 1, 2 ** 28), describe: "fix a variable sequence length (None) to N timesteps" },
  "max-unzipped-bytes": { type: "string", requiresArg: true, coerce: wholeNumber("max-unzipped-bytes", 1), describe: `largest uncompressed .keras content accepted (default ${DEFAULT_MAX_UNZIPPED_BYTES})` },
  "max-weights": { type: "string", requiresArg: true, coerce: wholeNumber("max-weights", 1), describe: `largest number of weight values accepted, per tensor and in total (default ${DEFAULT_MAX_DATASET_ELEMENTS})` },
  "max-read-seconds": { type: "string", requiresArg: true, coerce: wholeNumber("max-read-seconds", 1, MAX_READ_SECONDS), describe: "seconds the HDF5 library may spend reading the file (default 3 + 1 per started 8 MiB)" },
  custom: { type: "string", requiresArg: true, coerce: customSources, describe: "NAME=FILE: a layer (by name, else by class) computed by your implementation in FILE (.ts/.js); repeatable" },
} as const;

/** A flag that takes one value: given twice it would silently keep one of them. */
function single(flag: string) {
  return (v: unknown): string | undefined => {
    if (Array.isArray(v)) throw new UsageError(`--${flag} is given ${v.length} times; give it once`);
    return v === undefined ? undefined : String(v);
  };
}

/** `--custom NAME=FILE`, repeatable (yargs gives a string, or an array when repeated). */
function customSources(v: unknown): CustomLayerSource[] {
  const sources = (Array.isArray(v) ? v : [v]).map((entry) => {
    const text = String(entry);
    const eq = text.indexOf("=");
    if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--custom expects NAME=FILE (e.g. --custom Scale=./scale.ts), got "${text}"`);
    return { name: text.slice(0, eq), path: text.slice(eq + 1) };
  });
  const names = sources.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) throw new UsageError(`--custom ${twice} is given twice`);
  return sources;
}

/** A flag value that must be a whole number ≥ min: "abc" or NaN must not silently disable a limit. */
function wholeNumber(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    const n = Array.isArray(v) || String(v).trim() === "" ? Number.NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number in [${min}, ${max}], got ${JSON.stringify(Array.isArray(v) ? v : String(v))}`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let modelPath = "";
  let progress: ProgressLine = progressLine(process.stderr, false);
  const fail = (err: unknown) => {
    progress.clear();
    if (err instanceof UsageError) {
      process.stderr.write(`keras2ts: ${oneLine(err.message)} (run "keras2ts --help" for usage)\n`);
      exitCode = 2;
    } else {
      process.stderr.write(`${formatError(modelPath, err)}\n`);
      if (process.env["KERAS2TS_DEBUG"] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      exitCode = err instanceof OptionError ? 2 : 1; // an option that cannot apply to this model is a usage error
    }
  };
  /** A command's handler: remembers the model path for error lines and reports failures once. */
  const handle = <A extends { model: string; quiet?: boolean }>(run: (args: A, progress: ProgressLine) => Promise<void>) => async (args: { model: string }) => {
    modelPath = args.model;
    progress = progressLine(process.stderr, (args as A).quiet !== true);
    try {
      await run(args as A, progress);
    } catch (err) {
      fail(err);
    }
  };
  const parser = yargs(argv)
    .scriptName("keras2ts")
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .usage("$0 <command> [options]")
    .command(
      "generate <model>",
      "write a TypeScript/JavaScript module computing the model",
      (y) =>
        y
          .positional("model", { type: "string", demandOption: true, describe: ".keras, .h5 or .weights.h5 file" })
          .options(modelOptions)
          .option("out", { alias: "o", type: "string", requiresArg: true, demandOption: true, coerce: single("out"), describe: "output module (.ts, .mjs, .cjs, or .js: ES module or CommonJS as the nearest package.json says)" })
          .option("inline-runtime", { type: "boolean", default: false, describe: "put the runtime inside the module" })
          .option("weights", { requiresArg: true, choices: ["auto", "literal", "base64", "f16", "int8"] as const, default: "auto" as const, describe: "weights as decimal Float32Array literals, as base64 (exact, about a third of the size; auto: literals up to 250,000 values, base64 above), as base64 of float16 (lossy, about a sixth), or kernels and embeddings as base64 of int8 with per-channel float32 scales (lossier, about a quarter of base64; both print the change and record it in the header)" })
          .option("unroll-limit", { type: "string", requiresArg: true, coerce: wholeNumber("unroll-limit", 0, MAX_UNROLL_LIMIT), describe: `unroll timestep loops up to this length (default 32, at most ${MAX_UNROLL_LIMIT})` })
          .option("max-output-bytes", { type: "string", requiresArg: true, coerce: wholeNumber("max-output-bytes", 1), describe: `largest generated module accepted (default ${DEFAULT_MAX_OUTPUT_BYTES})` })
          .option("test-vectors", { type: "string", requiresArg: true, coerce: single("test-vectors"), describe: "JSON of Keras inputs and outputs: write OUT's .test file (node:test) checking the module against them" })
          .option("force", { type: "boolean", default: false, describe: "overwrite an output file not generated by keras2ts" })
          .option("check", { type: "boolean", default: false, describe: "write nothing; exit 1 if the output is missing or stale" })
          .option("quiet", { alias: "q", type: "boolean", default: false, describe: "print nothing on success (no summary, no progress)" }),
      handle(runGenerate),
    )
    .command(
      "inspect <model>",
      "print layers, shapes, parameter counts and the meaning of every weight slice",
      (y) =>
        y
          .positional("model", { type: "string", demandOption: true })
          .options(modelOptions)
          .option("json", { type: "boolean", default: false, describe: "print JSON" }),
      handle(runInspect),
    )
    .demandCommand(1, "name a command: generate or inspect")
    .strict()
    .help()
    .version(packageVersion()) // keras2ts' own, not that of the package.json nearest the working folder
    .fail((msg, err) => {
      throw err instanceof UsageError ? err : new UsageError(msg ?? err?.message ?? "invalid arguments");
    })
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (err) {
    fail(err instanceof UsageError ? err : new UsageError(err instanceof Error ? err.message : String(err)));
  }
  return exitCode;
}

/** Usage messages from yargs may span lines: errors are one line. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, "; ");
}
