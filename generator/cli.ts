/** The command line: argument parsing and file I/O around the library. Errors are one line, exit 1. */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { DEFAULT_MAX_OUTPUT_BYTES, formatError, generate, KerasError, loadCustomLayers, loadModel, type CustomLayerSource, type ModelOptions } from "./index.js";
import { DEFAULT_MAX_DATASET_ELEMENTS } from "./load/h5-format.js";
import { DEFAULT_MAX_UNZIPPED_BYTES } from "./load/keras-zip.js";
import { decodeJsonBytes } from "./load/json-text.js";
import { formatInspect, inspectModel } from "./inspect.js";
import { MAX_READ_SECONDS, MAX_UNROLL_LIMIT } from "./limits.js";
import { ensureFolder, writeAtomically } from "./write-output.js";

interface Common {
  model: string;
  config?: string | undefined;
  timesteps?: number | undefined;
  "max-unzipped-bytes"?: number | undefined;
  "max-weights"?: number | undefined;
  "max-read-seconds"?: number | undefined;
  custom?: CustomLayerSource[] | undefined;
}

function readInput(args: Common): { bytes: Uint8Array; options: ModelOptions } {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new KerasError(`cannot read ${what} (${code === "ENOENT" ? "no such file" : code ?? "error"})`);
    }
  };
  const bytes = new Uint8Array(read(args.model, "the model file"));
  const what = `the config file ${basename(args.config ?? "")}`;
  const configText = args.config === undefined ? undefined : decodeJsonBytes(read(args.config, what), what); // size-checked: V8 strings stop at ~512 MiB
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

async function runGenerate(args: Common & { out: string; weights: "literal" | "base64"; "inline-runtime": boolean; force: boolean; check: boolean; "unroll-limit"?: number | undefined; "max-output-bytes"?: number | undefined }): Promise<void> {
  const ext = extname(args.out);
  if (![".ts", ".js", ".mjs"].includes(ext)) throw new UsageError(`-o must end in .ts, .js or .mjs, got "${basename(args.out)}"`);
  const { bytes, options } = readInput(args);
  const customLayers = await loadCustomLayers(args.custom ?? [], args.out);
  const files = await generate(bytes, basename(args.out), {
    ...options,
    ...(customLayers.length > 0 ? { customLayers } : {}),
    language: ext === ".ts" ? "ts" : "js",
    inlineRuntime: args["inline-runtime"],
    weightEncoding: args.weights,
    ...(args["unroll-limit"] !== undefined ? { unrollLimit: args["unroll-limit"] } : {}),
    ...(args["max-output-bytes"] !== undefined ? { maxOutputBytes: args["max-output-bytes"] } : {}),
  });
  const outDir = dirname(resolve(args.out));
  const targets = files.map((f) => ({ path: join(outDir, f.name), text: f.text }));
  if (args.check) return checkCurrent(targets);
  ensureFolder(outDir);
  writeAtomically(targets, args.force);
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

const modelOptions = {
  config: { type: "string", describe: "architecture JSON (model.to_json()) for a weights-only HDF5 file" },
  timesteps: { type: "number", describe: "fix a variable sequence length to N timesteps" },
  "max-unzipped-bytes": { type: "number", coerce: wholeNumber("max-unzipped-bytes", 1), describe: `largest uncompressed .keras content accepted (default ${DEFAULT_MAX_UNZIPPED_BYTES})` },
  "max-weights": { type: "number", coerce: wholeNumber("max-weights", 1), describe: `largest number of weight values accepted, per tensor and in total (default ${DEFAULT_MAX_DATASET_ELEMENTS})` },
  "max-read-seconds": { type: "number", coerce: wholeNumber("max-read-seconds", 1, MAX_READ_SECONDS), describe: "seconds the HDF5 library may spend reading the file (default 3 + 1 per started 8 MiB)" },
  custom: { type: "string", coerce: customSources, describe: "NAME=FILE: a layer (by name, else by class) computed by your implementation in FILE (.ts/.js); repeatable" },
} as const;

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
    const n = Array.isArray(v) ? Number.NaN : Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number in [${min}, ${max}], got ${String(v)}`);
    return n;
  };
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  let modelPath = "";
  const fail = (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`keras2ts: ${err.message}\n`);
      exitCode = 2;
    } else {
      process.stderr.write(`${formatError(modelPath, err)}\n`);
      if (process.env["KERAS2TS_DEBUG"] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
      exitCode = 1;
    }
  };
  /** A command's handler: remembers the model path for error lines and reports failures once. */
  const handle = <A extends { model: string }>(run: (args: A) => Promise<void>) => async (args: { model: string }) => {
    modelPath = args.model;
    try {
      await run(args as A);
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
          .option("out", { alias: "o", type: "string", demandOption: true, describe: "output module (.ts, .js or .mjs)" })
          .option("inline-runtime", { type: "boolean", default: false, describe: "put the runtime inside the module" })
          .option("weights", { choices: ["literal", "base64"] as const, default: "literal" as const, describe: "weights as decimal Float32Array literals, or as base64 (exact, about a third of the size)" })
          .option("unroll-limit", { type: "number", coerce: wholeNumber("unroll-limit", 0, MAX_UNROLL_LIMIT), describe: `unroll timestep loops up to this length (default 32, at most ${MAX_UNROLL_LIMIT})` })
          .option("max-output-bytes", { type: "number", coerce: wholeNumber("max-output-bytes", 1), describe: `largest generated module accepted (default ${DEFAULT_MAX_OUTPUT_BYTES})` })
          .option("force", { type: "boolean", default: false, describe: "overwrite an output file not generated by keras2ts" })
          .option("check", { type: "boolean", default: false, describe: "write nothing; exit 1 if the output is missing or stale" }),
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
    .version()
    .fail((msg, err) => {
      throw new UsageError(`${msg ?? err?.message ?? "invalid arguments"}\nRun "keras2ts --help" for usage.`);
    })
    .exitProcess(false);
  try {
    await parser.parseAsync();
  } catch (err) {
    fail(err instanceof UsageError ? err : new UsageError(err instanceof Error ? err.message : String(err)));
  }
  return exitCode;
}
