/** Turns strings from a model file into safe identifiers, string literals and comments. */

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function " +
    "if import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await abstract as async constructor declare get is module " +
    "namespace never readonly require number string symbol type from of set unique unknown any boolean bigint object " +
    "undefined NaN Infinity arguments eval globalThis Math Float32Array Float64Array Uint8Array Int32Array Array Object " +
    "RangeError Error Number String Symbol JSON console predict resetStates createSession inputs outputs")
    .split(" "),
);

/** A lowercase identifier made only of [a-z0-9_] from any text; never empty, never reserved. */
export function identifierFrom(text: string): string {
  let id = text
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
  if (id === "") id = "layer";
  if (/^[0-9]/.test(id)) id = `l${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  return id.slice(0, 60);
}

/** Hands out identifiers unique within one generated module. */
export class IdentifierPool {
  private readonly used = new Set<string>();

  constructor(taken: Iterable<string> = []) {
    for (const t of taken) this.used.add(t);
  }

  /** `base` if free, else `base_2`, `base_3`, … */
  claim(base: string): string {
    let id = base;
    for (let n = 2; this.used.has(id) || RESERVED.has(id); n++) id = `${base}_${n}`;
    this.used.add(id);
    return id;
  }
}

/**
 * Invisible or reordering characters: C1 controls, bidi embeddings/overrides/isolates and marks,
 * zero-width and other format characters, line/paragraph separators. Raw in a generated file they
 * could make code read differently than it runs ("Trojan Source"), so they never appear raw.
 */
const INVISIBLE = /[\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;

/** Text with every invisible or reordering character written as a visible `\u200e` escape. */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A JS string literal holding `text` exactly (JSON escapes quotes, backslashes and control characters). */
export function stringLiteral(text: string): string {
  return JSON.stringify(text).replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * A JS expression for a JSON value (a layer config): the JSON text with invisible characters escaped.
 * A `"__proto__"` key in an object literal would set the prototype instead: such values go through JSON.parse.
 */
export function jsonLiteral(value: unknown): string {
  const json = JSON.stringify(value) ?? "null";
  if (/"__proto__"\s*:/.test(json)) return `JSON.parse(${stringLiteral(json)})`;
  return json.replace(INVISIBLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Text safe inside a `//` comment or a JSDoc block: one line, no comment terminators, nothing invisible. */
export function commentText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .replace(/\*\//g, "* /")
    .replace(/[\u0000-\u001f]/g, "?")
    .replace(INVISIBLE, "?");
}
