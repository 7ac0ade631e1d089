/**
 * Vitest global setup, once per run: the tests read Keras-made fixtures in place from ../shared
 * (beside the repository); without them, say so in one line instead of failing every file with
 * ENOENT. Modules shared between test files (`generateShared`) start empty: made by this code.
 */
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = resolve(fileURLToPath(import.meta.url), "../../..");
const SHARED = resolve(REPO, "../shared");
const NEEDED = ["fixtures/keras", "fixtures/bench", "realworld"];

export default function setup(): void {
  rmSync(join(REPO, "test/.generated/shared"), { recursive: true, force: true });
  const missing = NEEDED.filter((d) => !existsSync(join(SHARED, d)));
  if (missing.length === 0) return;
  process.stderr.write(`keras2ts tests: the shared fixtures are expected at ${SHARED} (missing ${missing.join(", ")}): place the shared folder beside the repository\n`);
  process.exit(1);
}
