/** Typed reads of layer config values, failing with a layer error instead of producing bad code. */
import { layerError } from "../../errors.js";
import type { Layer } from "../../ir/types.js";

export function intParam(layer: Layer, key: string, fallback?: number, min = 1, max = 1 << 24): number {
  const v = layer.config[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw layerError(layer, `config "${key}" must be an integer in [${min}, ${max}], got ${JSON.stringify(v) ?? "nothing"}`);
  }
  return v;
}

export function boolParam(layer: Layer, key: string, fallback: boolean): boolean {
  const v = layer.config[key] ?? fallback;
  if (typeof v !== "boolean") throw layerError(layer, `config "${key}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function numParam(layer: Layer, key: string, fallback: number): number {
  const v = layer.config[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw layerError(layer, `config "${key}" must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function stringParam(layer: Layer, key: string, fallback: string, allowed?: readonly string[]): string {
  const v = layer.config[key] ?? fallback;
  if (typeof v !== "string" || (allowed && !allowed.includes(v))) {
    throw layerError(layer, `config "${key}" must be ${allowed ? `one of ${allowed.join(", ")}` : "a string"}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** The static size of a dimension, or a layer error when it is only known at run time. */
export function fixedDim(layer: Layer, d: unknown, what: string): number {
  if (typeof d !== "number") throw layerError(layer, `${what} must have a fixed size (got a variable length; use --timesteps)`);
  return d;
}

export function lastDim(layer: Layer, shape: readonly unknown[]): number {
  if (shape.length === 0) throw layerError(layer, "expects an input with at least one dimension");
  return fixedDim(layer, shape[shape.length - 1], "the last input dimension");
}
