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
  } catch (err) {
    throw new KerasError(`${what} is not valid JSON (${jsonErrorDetail(text, err)})`);
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

/** Texts up to this size get the line and column of a parse error (found by re-parsing prefixes). */
const MAX_LOCATED_BYTES = 16 * 1024 * 1024;

/** "line 3, column 5: Expected ',' or '}' after property value", from V8's message and the text. */
export function jsonErrorDetail(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // V8 may quote the start of the text ("Unexpected token 'x', "xyz…" is not valid JSON"): keep the reason only.
  const reason = message.replace(/( in JSON)? at position \d+.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
  const position = reportedPosition(message) ?? (text.length <= MAX_LOCATED_BYTES ? errorPosition(text) : undefined);
  if (position === undefined) return reason;
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `line ${line}, column ${column}: ${reason}`;
}

function reportedPosition(message: string): number | undefined {
  const at = /at position (\d+)/.exec(message);
  return at ? Number(at[1]) : undefined;
}

/**
 * Where parsing breaks when V8 does not say ("Unexpected token"): the longest prefix that could still
 * begin valid JSON (any prefix of such a prefix can too, so a binary search finds it).
 */
function errorPosition(text: string): number {
  const viable = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return true;
    } catch (err) {
      const message = err instanceof Error ? err.message : "";
      if (message.startsWith("Unexpected end of JSON input")) return true;
      const at = reportedPosition(message);
      return at !== undefined && at >= n;
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (viable(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
