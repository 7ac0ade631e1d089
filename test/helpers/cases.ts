/** Reading Keras-made fixture cases (../shared/fixtures) and comparing outputs with their tolerances. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject } from "vitest";
import { generate, type GenerateOptions } from "../../generator/index.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const SHARED = resolve(REPO, "../shared");
export const FIXTURES = join(SHARED, "fixtures/keras");
export const GENERATED = join(REPO, "test/.generated");


export interface TensorData {
  name: string;
  shape: number[];
  dtype: string;
  data: unknown;
}

export interface Step {
  inputs?: TensorData[];
  outputs?: TensorData[];
  reset?: boolean;
}

export interface KerasCase {
  name: string;
  description: string;
  inputs: TensorData[];
  outputs: TensorData[];
  steps?: Step[];
  atol: number;
  rtol: number;
}

/** A model file of a case and how to load it. */
export interface CaseFormat {
  label: "keras" | "h5" | "weights";
  model: string;
  config?: string;
}

export function caseNames(root = FIXTURES): string[] {
  return readdirSync(root).filter((d) => existsSync(join(root, d, "case.json"))).sort();
}

export function readCase(dir: string): KerasCase {
  return JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as KerasCase;
}

export function caseFormats(dir: string): CaseFormat[] {
  const formats: CaseFormat[] = [];
  if (existsSync(join(dir, "model.keras"))) formats.push({ label: "keras", model: join(dir, "model.keras") });
  if (existsSync(join(dir, "model.h5"))) formats.push({ label: "h5", model: join(dir, "model.h5") });
  if (existsSync(join(dir, "model.weights.h5")) && existsSync(join(dir, "model.json"))) {
    formats.push({ label: "weights", model: join(dir, "model.weights.h5"), config: join(dir, "model.json") });
  }
  return formats;
}

export function flatten(data: unknown): number[] {
  return Array.isArray(data) ? data.flatMap(flatten) : [Number(data)];
}

/** Splits a batched tensor into per-sample flat arrays. */
export function samples(t: TensorData): number[][] {
  const all = flatten(t.data);
  const batch = t.shape[0]!;
  const per = all.length / batch;
  return Array.from({ length: batch }, (_, b) => all.slice(b * per, (b + 1) * per));
}

/** Elementwise |got - want| <= atol + rtol·|want|; returns the worst violation (≤ 0 when all pass). */
export function worstExcess(got: ArrayLike<number>, want: readonly number[], atol: number, rtol: number): { excess: number; index: number; maxAbs: number } {
  let excess = -Infinity;
  let index = -1;
  let maxAbs = 0;
  if (got.length !== want.length) return { excess: Infinity, index: -1, maxAbs: Infinity };
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i]! - want[i]!);
    const nanMismatch = Number.isNaN(got[i]!) !== Number.isNaN(want[i]!);
    const e = nanMismatch ? Infinity : diff - (atol + rtol * Math.abs(want[i]!));
    maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? 0 : diff);
    if (e > excess) {
      excess = e;
      index = i;
    }
  }
  return { excess, index, maxAbs };
}

/** Generates a module for a model file into `test/.generated/<sub>/` and returns the module's path. */
export async function generateInto(sub: string, format: CaseFormat, options: Partial<GenerateOptions> = {}, outName = "model.ts", dir = join(GENERATED, sub)): Promise<string> {
  mkdirSync(dir, { recursive: true });
  rmSync(join(dir, "native"), { recursive: true, force: true }); // importGenerated's copy of what was there
  const files = await generate(new Uint8Array(readFileSync(format.model)), outName, {
    sourceName: basename(format.model),
    ...(format.config ? { configText: readFileSync(format.config, "utf8") } : {}),
    ...options,
  });
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  return join(dir, outName);
}

/**
 * `generateInto` for plain options, shared between tests and test files of one run: the module for
 * the same file, config and options is generated once into `test/.generated/shared-<run>/<hash>/`, and
 * every importer of that path reuses Vite's transform of it (a multi-megabyte module costs more to
 * transform than to generate). Failures are not cached: each caller gets the generator's own error.
 */
export async function generateShared(format: CaseFormat, options: Partial<GenerateOptions> = {}, outName = "model.ts"): Promise<string> {
  const hash = createHash("sha256");
  for (const part of [readFileSync(format.model), format.config ? readFileSync(format.config) : "", JSON.stringify(options), outName]) hash.update(part).update("\0");
  const dir = join(inject("sharedModules"), hash.digest("hex").slice(0, 20)); // a folder of this run's (test/setup/global.ts)
  const path = join(dir, outName);
  if (existsSync(path)) return path;
  // Another worker may be writing the same module: build it aside, then move the folder in whole.
  const temp = `${dir}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await generateInto("", format, options, outName, temp);
  } catch (err) {
    rmSync(temp, { recursive: true, force: true });
    throw err;
  }
  try {
    renameSync(temp, dir);
  } catch {
    rmSync(temp, { recursive: true, force: true }); // the other worker finished first: same bytes
  }
  return path;
}

/**
 * Loads a generated TypeScript module as Node runs JavaScript: every `.ts` file of its folder (the
 * module, the runtime beside it) with types stripped by oxc, the transform Vite itself applies, into
 * `native/` beside them, then loaded by Node. Vite's module runner would also rewrite every import
 * and export by walking the whole syntax tree: 20 s for a realworld module of 8 MB of weights, where
 * this takes 2 s. The code that runs is the generated code, as a user's bundler or Node would run it.
 * For modules that import only files of their own folder (not `--custom` implementations).
 */
/** The test file now running (test files share helper modules when Vitest runs them in one process). */
export function currentTestFile(): string {
  const file = expect.getState().testPath;
  if (file === undefined) throw new Error("currentTestFile: no test file is running");
  return file;
}

export async function importGenerated(path: string): Promise<GeneratedModule> {
  const dir = dirname(path);
  const native = join(dir, "native");
  if (!existsSync(native)) {
    const { transformWithOxc } = await import("vite");
    const temp = `${native}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
    mkdirSync(temp, { recursive: true });
    writeFileSync(join(temp, "package.json"), '{ "type": "module" }\n');
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts"))) {
      const { code } = await transformWithOxc(readFileSync(join(dir, name), "utf8"), name, { sourcemap: false });
      writeFileSync(join(temp, name.replace(/\.ts$/, ".js")), code);
    }
    try {
      renameSync(temp, native);
    } catch {
      rmSync(temp, { recursive: true, force: true }); // another worker finished first: same files
    }
  }
  return nodeRequire(join(native, basename(path).replace(/\.ts$/, ".js"))) as GeneratedModule;
}

/** The runtime instance a module loaded by `importGenerated` uses (e.g. to choose its kernels). */
export function generatedRuntime(path: string): Record<string, unknown> {
  return nodeRequire(join(dirname(path), "native", "keras2ts-runtime.js")) as Record<string, unknown>;
}

/** Node's own loader (require of an ES module, Node ≥ 20.19), outside Vite's module runner. */
const nodeRequire = createRequire(import.meta.url);

export interface GeneratedModule {
  predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[];
  resetStates?: () => void;
  createSession(): { predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[]; resetStates(): void };
  inputs: readonly { name: string; shape: readonly (number | null)[] }[];
  outputs: readonly { name: string; shape: readonly (number | null)[] }[];
}

export const asList = (r: Float32Array | Float32Array[]): Float32Array[] => (Array.isArray(r) ? r : [r]);
