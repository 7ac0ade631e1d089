/** Limits on what generation may cost, checked before the work they bound. */
import { KerasError } from "./errors.js";
import type { Model } from "./ir/types.js";

/** The longest string the engine can hold: Node's own figure, else V8's (2^29 − 24, as in Chromium). */
const MAX_STRING_LENGTH: number =
  (globalThis as { Buffer?: { constants?: { MAX_STRING_LENGTH?: number } } }).Buffer?.constants?.MAX_STRING_LENGTH ?? 2 ** 29 - 24;

/** Longest timestep loop that may be unrolled: beyond it unrolled code grows without bound. */
export const MAX_UNROLL_LIMIT = 4096;

/** Longest HDF5 read budget accepted (--max-read-seconds): one day. */
export const MAX_READ_SECONDS = 86_400;

/** Every printed weight value takes at least 2 bytes ("0,"): a floor for the module's size. */
const MIN_BYTES_PER_WEIGHT = 2;

interface Limits {
  readonly timesteps?: number;
  readonly unrollLimit?: number;
  readonly maxOutputBytes?: number;
  readonly maxUnzippedBytes?: number;
  readonly maxWeightElements?: number;
  readonly maxReadSeconds?: number;
}

/** Library callers get the same checks as CLI flags: a NaN or negative limit must not disable anything. */
export function checkLimits(o: Limits): void {
  whole("timesteps", o.timesteps, 1, 2 ** 28);
  whole("unrollLimit (--unroll-limit)", o.unrollLimit, 0, MAX_UNROLL_LIMIT);
  whole("maxOutputBytes (--max-output-bytes)", o.maxOutputBytes, 1);
  whole("maxUnzippedBytes (--max-unzipped-bytes)", o.maxUnzippedBytes, 1);
  whole("maxWeightElements (--max-weights)", o.maxWeightElements, 1);
  whole("maxReadSeconds (--max-read-seconds)", o.maxReadSeconds, 1, MAX_READ_SECONDS);
}

function whole(name: string, v: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= min && v <= max)) {
    throw new KerasError(`${name} must be a whole number in [${min}, ${max}], got ${v}`);
  }
}

/**
 * The output limit in effect: `--max-output-bytes`, but never past the longest string V8 can build
 * (~512 MiB on 64-bit Node), which would otherwise surface as an internal "Invalid string length".
 */
export function outputLimit(maxOutputBytes: number): number {
  return Math.min(maxOutputBytes, MAX_STRING_LENGTH);
}

/**
 * Bytes a printed weight value takes at least: "0," as a literal, exactly 16/3 as base64, 8/3 as
 * float16 base64, 4/3 as int8 base64 (its float32 tensors and scales take more; "auto" may print literals).
 */
export function bytesPerWeight(encoding: "auto" | "literal" | "base64" | "f16" | "int8" | undefined): number {
  return encoding === "base64" ? 16 / 3 : encoding === "f16" ? 8 / 3 : encoding === "int8" ? 4 / 3 : MIN_BYTES_PER_WEIGHT;
}

/** The one error for a module over the output limit, naming the flag (or V8's ceiling). */
export function outputTooLarge(bytes: number, limit: number, detail = ""): KerasError {
  const raise = limit >= MAX_STRING_LENGTH
    ? "the longest string JavaScript can hold, whatever --max-output-bytes says; --weights base64 takes about a third of the literal text"
    : "raise it with --max-output-bytes";
  return new KerasError(`the generated module would be over ${Math.floor(bytes)} bytes${detail}, over the limit of ${limit} (${raise})`);
}

/** Refuses a model whose weights alone would print past the output limit, before printing them. */
export function checkOutputFloor(model: Model, limit: number, encoding?: "auto" | "literal" | "base64" | "f16" | "int8"): void {
  const layers = new Set(model.calls.map((c) => c.layer));
  let values = 0;
  for (const layer of layers) for (const w of layer.weights) values += w.data.length;
  const floor = values * bytesPerWeight(encoding);
  if (!(floor <= limit)) throw outputTooLarge(floor, limit, ` (${values} weight values)`);
}
