/** Runs the built CLI (bin/keras2ts.js) as users do, in a given working directory. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./cases.js";

export const BIN = join(REPO, "bin/keras2ts.js");

export function runCli(cwd: string, args: readonly string[], timeout = 60_000): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8", timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
