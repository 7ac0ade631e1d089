/**
 * Vitest global setup, once per run: the tests read Keras-made fixtures in place from ../shared
 * (beside the repository); without them, say so in one line instead of failing every file with
 * ENOENT. Modules shared between test files (`generateShared`) go to a folder of this run's own.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** This run's folder for modules shared between test files (see `generateShared`). */
    sharedModules: string;
  }
}

const REPO = resolve(fileURLToPath(import.meta.url), "../../..");
const SHARED = resolve(REPO, "../shared");
const NEEDED = ["fixtures/keras", "fixtures/bench", "realworld"];

export default function setup(project: TestProject): void {
  project.provide("sharedModules", sharedModulesFolder());
  const missing = NEEDED.filter((d) => !existsSync(join(SHARED, d)));
  if (missing.length === 0) return;
  process.stderr.write(`keras2ts tests: the shared fixtures are expected at ${SHARED} (missing ${missing.join(", ")}): place the shared folder beside the repository\n`);
  process.exit(1);
}

/**
 * A folder of this run's own (`shared-<pid>`): two runs at once in one checkout must not share or
 * delete each other's modules. Folders of runs that have ended are removed.
 */
function sharedModulesFolder(): string {
  const generated = join(REPO, "test/.generated");
  for (const name of existsSync(generated) ? readdirSync(generated) : []) {
    const pid = /^shared-(\d+)$/.exec(name)?.[1];
    if (pid !== undefined && !running(Number(pid))) rmSync(join(generated, name), { recursive: true, force: true });
  }
  return join(generated, `shared-${process.pid}`);
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
