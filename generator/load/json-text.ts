/** JSON from a model file or a `--config` file, with parse errors that say where the text breaks. */
import { KerasError } from "../errors.js";

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new KerasError(`${what} is not valid JSON (${jsonErrorDetail(text, err)})`);
  }
}

/** "line 3, column 5: Expected ',' or '}' after property value", from V8's message and the text. */
export function jsonErrorDetail(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // V8 may quote the start of the text ("Unexpected token 'x', "xyz…" is not valid JSON"): keep the reason only.
  const reason = message.replace(/( in JSON)? at position \d+.*$/s, "").replace(/, ".*" is not valid JSON$/s, "");
  const position = reportedPosition(message) ?? errorPosition(text);
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
