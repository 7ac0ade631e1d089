/**
 * JSON from a model file (config.json, metadata.json, the model_config attribute, a --config file),
 * bounded before it is parsed: V8 cannot hold strings past ~512 MiB, and every walker after
 * JSON.parse recurses, so 10,000 nested brackets would overflow the stack.
 */
import { KerasError } from "../errors.js";

/** Largest JSON text accepted (bytes or characters): Keras configs are kilobytes, Lambda code a few MB. */
export const MAX_JSON_BYTES = 256 * 1024 * 1024;

/** Deepest bracket nesting accepted: a Keras config nests ~6 levels per nested model. */
export const MAX_JSON_DEPTH = 512;

/** Refuses a JSON text (or its byte size) over MAX_JSON_BYTES, before it is decoded. */
export function checkJsonSize(size: number, what: string): void {
  if (size > MAX_JSON_BYTES) {
    throw new KerasError(`${what} is ${size} bytes, over the ${MAX_JSON_BYTES} bytes a model config may take`);
  }
}

/** UTF-8 bytes → text, size-checked first. */
export function decodeJsonBytes(bytes: Uint8Array, what: string): string {
  checkJsonSize(bytes.length, what);
  return new TextDecoder().decode(bytes);
}

/** JSON.parse after the size and nesting checks; any failure is one clean error. */
export function parseJson(text: string, what: string): unknown {
  checkJsonSize(text.length, what);
  const depth = nestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) throw new KerasError(`${what} nests deeper than ${MAX_JSON_DEPTH} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new KerasError(`${what} is not valid JSON`);
  }
}

/** Deepest bracket nesting outside strings, scanning iteratively; stops once past `stopAbove`. */
export function nestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest && (deepest = depth) > stopAbove) return deepest;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
