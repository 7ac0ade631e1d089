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

/** An error about one layer. */
export function layerError(layer: { name: string; className: string }, reason: string): KerasError {
  return new KerasError(reason, layer);
}

/** Formats an error for the one-line CLI report. Newlines never reach the terminal unescaped. */
export function formatError(file: string, err: unknown): string {
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, " ").replace(/[\u0000-\u001f\u007f]/g, "?");
  if (err instanceof KerasError) {
    const where = err.layer ? `${oneLine(err.layer.name)} (${oneLine(err.layer.className)}): ` : "";
    return `keras2ts: ${oneLine(file)}: ${where}${oneLine(err.message)}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `keras2ts: ${oneLine(file)}: internal error: ${oneLine(message)}`;
}
