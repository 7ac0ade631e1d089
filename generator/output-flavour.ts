/**
 * Which module format a `-o` path asks for. `.mjs` and `.cjs` say it themselves; `.js` follows the
 * nearest package.json above the output folder as Node (and tsc's node16/nodenext) does: ES module
 * when its "type" is "module", CommonJS otherwise, and CommonJS where there is no package.json at all
 * (Node's default; the syntax detection of newer Node versions is not relied on).
 */
import { readFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { ModuleFormat } from "./emit/module-format.js";

export class OutputNameError extends Error {}

export interface OutputFlavour {
  readonly language: "ts" | "js";
  readonly moduleFormat?: ModuleFormat;
}

export function outputFlavour(out: string): OutputFlavour {
  const ext = extname(out);
  if (![".ts", ".js", ".mjs", ".cjs"].includes(ext) || /\.d\.[mc]?ts$/.test(out)) {
    throw new OutputNameError(`-o must end in .ts, .js, .mjs or .cjs (not .d.ts), got "${basename(out)}"`);
  }
  if (basename(out, ext) === "keras2ts-runtime") throw new OutputNameError(`-o cannot be named like the runtime file keras2ts-runtime${ext}: choose another name`);
  if (ext === ".ts") return { language: "ts" };
  if (ext === ".js") return { language: "js", moduleFormat: packageType(dirname(resolve(out))) };
  return { language: "js", moduleFormat: ext === ".mjs" ? "esm" : "cjs" };
}

/** The module format Node gives `.js` files in `dir`: from the nearest package.json's "type". */
export function packageType(dir: string): ModuleFormat {
  for (let d = dir; ; d = dirname(d)) {
    const text = readOrUndefined(join(d, "package.json"));
    if (text !== undefined) {
      try {
        return (JSON.parse(text) as { type?: unknown }).type === "module" ? "esm" : "cjs";
      } catch {
        return "cjs"; // Node refuses to run beside an unreadable package.json either way
      }
    }
    if (dirname(d) === d) return "cjs";
  }
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
