import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (holding templates/ and runtime/), from source or from the compiled dist/. */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("keras2ts: package root not found");
    dir = parent;
  }
  return dir;
}

const ROOT = findRoot();

export function packagePath(relative: string): string {
  return join(ROOT, relative);
}

/** keras2ts' own version, from its package.json. */
export function packageVersion(): string {
  return String((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version?: unknown }).version);
}
