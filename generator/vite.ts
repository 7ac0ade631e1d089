/**
 * `keras2ts/vite`: a Vite plugin (also a plain Rollup plugin) that lets app code import a Keras file
 * as the module keras2ts generates from it:
 *
 *   import { predict, inputs, outputs } from "./model.keras";
 *
 * The module is generated at build time (and on demand by the dev server) as JavaScript importing one
 * shared virtual runtime module, so several models in one app share one copy of the runtime.
 * Results are cached by file content and options; a conversion error is a build error naming the file.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { formatError, generate, type GenerateOptions, type WeightEncoding } from "./index.js";
import { RUNTIME_FILE_BASE } from "./emit/runtime-source.js";

/** Options applied to every imported model, as on the command line. */
export interface Keras2tsPluginOptions {
  /** Which imports are Keras files (default: `.keras` and `.h5`, any query ignored). */
  readonly include?: RegExp;
  /** `--timesteps`: specialise variable-length models to this many steps. */
  readonly timesteps?: number;
  /** `--unroll-limit`. */
  readonly unrollLimit?: number;
  /** `--weights`: "literal" (default) or "base64". */
  readonly weights?: WeightEncoding;
  /** `--max-unzipped-bytes`, `--max-weights`, `--max-output-bytes`. */
  readonly maxUnzippedBytes?: number;
  readonly maxWeightElements?: number;
  readonly maxOutputBytes?: number;
  /**
   * `--config` for weights-only HDF5 files: the path of the architecture JSON for a model path
   * (return undefined for full model files).
   */
  readonly configFor?: (modelPath: string) => string | undefined;
}

/** The subset of the Rollup/Vite plugin interface this plugin uses (no dependency on either's types). */
export interface Keras2tsPlugin {
  readonly name: string;
  readonly enforce: "pre";
  resolveId(source: string): string | null;
  load(this: PluginContext, id: string): Promise<{ code: string; map: null } | string | null>;
}

interface PluginContext {
  addWatchFile(path: string): void;
  error(message: string): never;
}

/** The id app code never writes: generated modules import the runtime through it. */
export const RUNTIME_ID = "virtual:keras2ts-runtime";
const RESOLVED_RUNTIME_ID = `\0${RUNTIME_ID}`;
/** The runtime beside a generated `.js` module, and that module's import of it. */
const RUNTIME_JS = `${RUNTIME_FILE_BASE}.js`;
const RUNTIME_IMPORT = new RegExp(`from\\s+"\\./${RUNTIME_FILE_BASE}\\.js"`, "g");

export function keras2ts(options: Keras2tsPluginOptions = {}): Keras2tsPlugin {
  const include = options.include ?? /\.(keras|h5)$/i;
  const cache = new Map<string, string>();
  let runtime: string | undefined;

  async function convert(path: string): Promise<{ module: string; runtime: string }> {
    const bytes = readFileSync(path);
    const configPath = options.configFor?.(path);
    const configText = configPath === undefined ? undefined : readFileSync(configPath, "utf8");
    const generateOptions = toGenerateOptions(options, basename(path), configText);
    const key = contentKey(bytes, configText, generateOptions);
    const cached = cache.get(key);
    if (cached !== undefined && runtime !== undefined) return { module: cached, runtime };
    const moduleName = `${basename(path)}.js`;
    const files = await generate(new Uint8Array(bytes), moduleName, generateOptions);
    const fileNamed = (name: string) => files.find((f) => f.name === name)!.text;
    const code = fileNamed(moduleName).replace(RUNTIME_IMPORT, `from "${RUNTIME_ID}"`);
    cache.set(key, code);
    return { module: code, runtime: fileNamed(RUNTIME_JS) };
  }

  return {
    name: "keras2ts",
    enforce: "pre",
    resolveId(source) {
      return source === RUNTIME_ID ? RESOLVED_RUNTIME_ID : null;
    },
    async load(id) {
      if (id === RESOLVED_RUNTIME_ID) {
        // Only reached after a model imported it, so the runtime text is known.
        return runtime ?? this.error("keras2ts: the runtime was requested before any model was converted");
      }
      const path = id.split("?")[0]!;
      if (id.startsWith("\0") || !include.test(path)) return null;
      this.addWatchFile(path);
      try {
        const result = await convert(path);
        runtime = result.runtime;
        return { code: result.module, map: null };
      } catch (err) {
        return this.error(formatError(path, err));
      }
    },
  };
}

export default keras2ts;

function toGenerateOptions(o: Keras2tsPluginOptions, sourceName: string, configText: string | undefined): GenerateOptions {
  return {
    sourceName,
    language: "js",
    inlineRuntime: false,
    ...(configText !== undefined ? { configText } : {}),
    ...(o.timesteps !== undefined ? { timesteps: o.timesteps } : {}),
    ...(o.unrollLimit !== undefined ? { unrollLimit: o.unrollLimit } : {}),
    ...(o.weights !== undefined ? { weightEncoding: o.weights } : {}),
    ...(o.maxUnzippedBytes !== undefined ? { maxUnzippedBytes: o.maxUnzippedBytes } : {}),
    ...(o.maxWeightElements !== undefined ? { maxWeightElements: o.maxWeightElements } : {}),
    ...(o.maxOutputBytes !== undefined ? { maxOutputBytes: o.maxOutputBytes } : {}),
  };
}

function contentKey(bytes: Uint8Array, configText: string | undefined, options: GenerateOptions): string {
  return createHash("sha256").update(bytes).update("\0").update(configText ?? "").update("\0").update(JSON.stringify(options)).digest("hex");
}
