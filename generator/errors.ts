import { escapeInvisible } from "./emit/names.js";

/** The one error type users see: printed as `keras2ts: <file>: <layer> (<class>): <reason>`. */
export class KerasError extends Error {
  constructor(
    message: string,
    readonly layer?: { readonly name: string; readonly className: string },
  ) {
    super(message);
    this.name = "KerasError";
  }
}

/**
 * An option that cannot apply to this model (e.g. `--config` with a full model file, `--timesteps`
 * on fixed shapes): a usage error found only once the model is read. The CLI exits 2 for it.
 */
export class OptionError extends KerasError {
  constructor(message: string) {
    super(message);
    this.name = "OptionError";
  }
}

/** An error about one layer. */
export function layerError(layer: { name: string; className: string }, reason: string): KerasError {
  return new KerasError(reason, layer);
}

/** Formats an error for the one-line CLI report. Newlines never reach the terminal unescaped. */
export function formatError(file: string, err: unknown): string {
  // Names come from the file: no line breaks (U+2028/2029/0085 too), no terminal control or bidi
  // override characters, and no megabyte-long names flooding the terminal.
  const oneLine = (s: string, max = Infinity) => clip(terminalText(s), max);
  if (err instanceof KerasError) {
    const where = err.layer ? `${oneLine(err.layer.name, 200)} (${oneLine(err.layer.className, 200)}): ` : "";
    return `keras2ts: ${oneLine(file)}: ${where}${oneLine(err.message, 2000)}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `keras2ts: ${oneLine(file)}: internal error: ${oneLine(message, 2000)}`;
}

/**
 * One line safe for a terminal: line breaks become spaces, control characters "?", and invisible or
 * reordering characters (bidi marks U+200E/U+200F/U+061C, zero-width, BOM) visible `\u200e` escapes.
 */
export function terminalText(s: string): string {
  return escapeInvisible(s.replace(/[\r\n\u2028\u2029\u0085]+/g, " ").replace(/[\u0000-\u001f]/g, "?"));
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} characters)`;
}
