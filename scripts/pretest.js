#!/usr/bin/env node
/**
 * npm test's pretest: the build (dist, which the CLI tests run) and the type check of the whole tree
 * are independent; they run side by side, and pretest fails when either does.
 */
import { spawn } from "node:child_process";

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const run = (script) =>
  new Promise((resolve) => {
    const child = spawn(npm, ["run", "--silent", script], { stdio: "inherit", shell: process.platform === "win32" });
    child.on("error", (err) => (console.error(`pretest: ${script}: ${err.message}`), resolve(1)));
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });

const codes = await Promise.all(["build", "typecheck"].map(run));
process.exitCode = codes.find((c) => c !== 0) ?? 0;
