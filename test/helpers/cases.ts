/** Reading Keras-made fixture cases (../shared/fixtures) and comparing outputs with their tolerances. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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
export async function generateInto(sub: string, format: CaseFormat, options: Partial<GenerateOptions> = {}, outName = "model.ts"): Promise<string> {
  const dir = join(GENERATED, sub);
  mkdirSync(dir, { recursive: true });
  const files = await generate(new Uint8Array(readFileSync(format.model)), outName, {
    sourceName: basename(format.model),
    ...(format.config ? { configText: readFileSync(format.config, "utf8") } : {}),
    ...options,
  });
  for (const f of files) writeFileSync(join(dir, f.name), f.text);
  return join(dir, outName);
}

export interface GeneratedModule {
  predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[];
  resetStates?: () => void;
  createSession(): { predict(...xs: ArrayLike<number>[]): Float32Array | Float32Array[]; resetStates(): void };
  inputs: readonly { name: string; shape: readonly (number | null)[] }[];
  outputs: readonly { name: string; shape: readonly (number | null)[] }[];
}

export const asList = (r: Float32Array | Float32Array[]): Float32Array[] => (Array.isArray(r) ? r : [r]);
