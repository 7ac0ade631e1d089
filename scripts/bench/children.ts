/**
 * Measurements that need a fresh process: generation (time, peak memory), cold start (import + first
 * predict), `tsc` on a project holding the module, and the module on the Hermes engine.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "../../test/helpers/cases.js";

export interface ProcessCost {
  /** Wall-clock seconds. */
  readonly seconds: number;
  /** Peak resident memory, bytes. */
  readonly maxRss: number;
}

function parseTime(text: string, marker: string): ProcessCost {
  const line = text.split("\n").find((l) => l.startsWith(marker));
  if (!line) throw new Error(`no /usr/bin/time line in: ${text.slice(-500)}`);
  const [, seconds, kb] = line.split(" ");
  return { seconds: Number(seconds), maxRss: Number(kb) * 1024 };
}

/** `keras2ts generate` in a child process: wall time and peak memory. */
export function generateCost(model: string, out: string, extra: readonly string[] = []): ProcessCost {
  return timedToFile(process.execPath, [join(REPO, "bin/keras2ts.js"), "generate", model, "-o", out, "--force", ...extra]);
}

/** Runs a command under /usr/bin/time (its report goes to a file, apart from the command's stderr): wall time, peak RSS, stdout. */
export function timedToFile(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ProcessCost & { stdout: string } {
  const file = join(REPO, "test/.generated", `time-${process.pid}.txt`);
  let stdout: string;
  try {
    stdout = execFileSync("/usr/bin/time", ["-o", file, "-f", "@@time %e %M", cmd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env, maxBuffer: 1 << 26 });
  } catch (err) {
    const e = err as { stderr?: string };
    throw new Error(`${cmd} ${args.slice(0, 4).join(" ")} failed: ${(e.stderr ?? "").slice(-1500)}`);
  }
  return { ...parseTime(readFileSync(file, "utf8"), "@@time"), stdout };
}

/** Import + first predict of a JavaScript module in a fresh Node process, in ms (median of `runs`). */
export function coldStart(modulePath: string, input: ArrayLike<number>, runs = 3, kernels = "auto"): number {
  const script = [
    "const t0 = performance.now();",
    `const m = await import(${JSON.stringify(pathToFileURL(modulePath).href)});`,
    `m.predict(new Float32Array(${JSON.stringify(Array.from(input))}));`,
    "console.log(performance.now() - t0);",
  ].join("\n");
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", env: { ...process.env, KERAS2TS_KERNELS: kernels }, maxBuffer: 1 << 26 });
    times.push(Number(out.trim()));
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

/** `tsc --noEmit` on a strict project whose only root is `moduleTs`: wall time and peak memory. */
export function tscCost(moduleTs: string, dir: string): ProcessCost {
  const tsconfig = join(dir, "tsconfig.json");
  writeFileSync(tsconfig, JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: "es2020", module: "esnext", moduleResolution: "bundler", lib: ["es2020"], types: [], skipLibCheck: true },
    files: [moduleTs],
  }));
  return timedToFile(process.execPath, [join(REPO, "node_modules/typescript/lib/tsc.js"), "-p", tsconfig]);
}

export const HERMES = join(REPO, "node_modules/hermes-engine-cli/linux64-bin/hermes");

/**
 * The module with its runtime inlined, as one Hermes script (exports stripped: Hermes runs scripts,
 * not ES modules), timed by a loop of `predict` calls; returns µs per call and the first output.
 */
export function hermesRun(inlineModuleJs: string, dir: string, input: ArrayLike<number>, windowMs = 2000): { us: number; output: number[]; compileRunSeconds: number } | string {
  if (!existsSync(HERMES)) return "hermes-engine-cli not installed";
  const script = inlineModuleJs.replace(/^export (const|function|let) /gm, "$1 ") + [
    "",
    `var x = new Float32Array(${JSON.stringify(Array.from(input))});`,
    "var first = Array.prototype.slice.call(predict(x));",
    "for (var w = 0; w < 20; w++) predict(x);",
    "var n = 0; var t = Date.now();",
    `while (Date.now() - t < ${windowMs}) { predict(x); n++; }`,
    "print(JSON.stringify({ us: ((Date.now() - t) * 1000) / n, output: first }));",
  ].join("\n");
  const path = join(dir, "hermes-bundle.js");
  writeFileSync(path, script);
  const run = timedToFile(HERMES, ["-O", path]);
  const result = JSON.parse(run.stdout.trim().split("\n").pop()!) as { us: number; output: number[] };
  return { ...result, compileRunSeconds: run.seconds };
}
