/**
 * Vitest global setup: the tests read Keras-made fixtures in place from ../shared (beside the
 * repository). Without them, say so in one line instead of failing every file with ENOENT.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SHARED = resolve(fileURLToPath(import.meta.url), "../../../../shared");
const NEEDED = ["fixtures/keras", "fixtures/bench", "realworld"];

export default function setup(): void {
  const missing = NEEDED.filter((d) => !existsSync(join(SHARED, d)));
  if (missing.length === 0) return;
  process.stderr.write(`keras2ts tests: the shared fixtures are expected at ${SHARED} (missing ${missing.join(", ")}): place the shared folder beside the repository\n`);
  process.exit(1);
}
