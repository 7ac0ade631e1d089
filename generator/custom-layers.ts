/**
 * Custom layers (`--custom NAME=./impl.ts`): a user-supplied TypeScript/JavaScript implementation of
 * a layer keras2ts cannot translate (Lambda, user-defined classes). The implementation is loaded at
 * generation time for its `outputShape`; the generated module imports it for `forward`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { typescript } from "./emit/module-format.js";
import { KerasError } from "./errors.js";

/** Shapes of one sample (no batch dimension), row-major. */
export type SampleShape = readonly number[];

/** What an implementation module exports. */
export interface CustomLayerImplementation {
  /** The output shape (no batch dimension) for these input shapes; called once at generation time. */
  outputShape(inputShapes: readonly SampleShape[], config: Readonly<Record<string, unknown>>): readonly number[];
  /**
   * Computes one sample: reads `inputs` (one flat row-major buffer per input), writes every element
   * of `output` in place. Called on every `predict`: it should not allocate.
   */
  forward(
    inputs: readonly Float64Array[],
    output: Float64Array,
    inputShapes: readonly SampleShape[],
    config: Readonly<Record<string, unknown>>,
    weights: readonly Float32Array[],
  ): void;
}

/** A custom layer for `GenerateOptions.customLayers`. */
export interface CustomLayer {
  /** A layer name, else a class name (`Scale`, or `package>Scale` written as `Scale`). */
  readonly name: string;
  /** Import specifier the generated module uses, relative to its folder (e.g. "../src/scale.js"). */
  readonly specifier: string;
  /** The loaded implementation (only `outputShape` runs at generation time). */
  readonly implementation: Pick<CustomLayerImplementation, "outputShape">;
}

/** `NAME=PATH` as given to `--custom`. */
export interface CustomLayerSource {
  readonly name: string;
  readonly path: string;
}

const TS_EXT = new Set([".ts", ".mts"]);
const JS_EXT = new Set([".js", ".mjs"]);

/**
 * Loads implementation files: TypeScript is transpiled (one self-contained file) into a private
 * temporary .mjs and imported; JavaScript is imported in place. `outFile` is the generated module's
 * path, from which import specifiers are made relative (independent of the working directory).
 */
export async function loadCustomLayers(sources: readonly CustomLayerSource[], outFile: string): Promise<CustomLayer[]> {
  const layers: CustomLayer[] = [];
  for (const source of sources) {
    const file = resolve(source.path);
    const implementation = checkExports(source, await importImplementation(source, file));
    layers.push({ name: source.name, specifier: importSpecifier(dirname(resolve(outFile)), file), implementation });
  }
  return layers;
}

/** The specifier from the output folder to the implementation: POSIX separators, `./`-prefixed, `.ts` → `.js`. */
export function importSpecifier(fromDir: string, file: string): string {
  let rel = relative(fromDir, file).split(sep).join("/");
  if (!rel.startsWith("../")) rel = `./${rel}`;
  return rel.replace(/\.ts$/, ".js").replace(/\.mts$/, ".mjs");
}

async function importImplementation(source: CustomLayerSource, file: string): Promise<unknown> {
  const ext = extname(file);
  const fail = (reason: string) => new KerasError(`--custom ${source.name}: ${basename(file)}: ${reason}`);
  if (!TS_EXT.has(ext) && !JS_EXT.has(ext)) throw fail("the implementation must be a .ts, .mts, .js or .mjs file");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fail(`cannot read it (${code === "ENOENT" ? "no such file" : code ?? "error"})`);
  }
  if (JS_EXT.has(ext)) return importOrFail(pathToFileURL(file).href, fail);
  const dir = mkdtempSync(join(tmpdir(), "keras2ts-custom-"));
  try {
    const temp = join(dir, `${basename(file, ext)}.mjs`);
    writeFileSync(temp, transpile(text, basename(file), fail));
    return await importOrFail(pathToFileURL(temp).href, fail);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importOrFail(url: string, fail: (reason: string) => KerasError): Promise<unknown> {
  try {
    return await import(url);
  } catch (err) {
    throw fail(`cannot load it (${err instanceof Error ? err.message : String(err)})`);
  }
}

function transpile(text: string, fileName: string, fail: (reason: string) => KerasError): string {
  const ts = typescript();
  const out = ts.transpileModule(text, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  const error = out.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (error) throw fail(`does not compile: ${ts.flattenDiagnosticMessageText(error.messageText, " ")}`);
  return out.outputText;
}

function checkExports(source: CustomLayerSource, mod: unknown): CustomLayer["implementation"] {
  const m = mod as Partial<Record<"forward" | "outputShape", unknown>>;
  for (const fn of ["outputShape", "forward"] as const) {
    if (typeof m[fn] !== "function") {
      throw new KerasError(
        `--custom ${source.name}: ${basename(source.path)} exports no ${fn} function ` +
          "(expected outputShape(inputShapes, config) and forward(inputs, output, inputShapes, config, weights))",
      );
    }
  }
  return m as CustomLayer["implementation"];
}
