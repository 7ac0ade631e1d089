/**
 * Which files `keras2ts generate` writes for each output extension, and how `.js` picks its module
 * format (the nearest package.json, as Node does). The numbers every flavour computes in every
 * project kind are checked from the packed tarball in packaging.test.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { packageType } from "../generator/output-flavour.js";
import { FIXTURES, GENERATED } from "./helpers/cases.js";
import { runCli } from "./helpers/cli.js";
import { typecheck } from "./helpers/typecheck.js";

const work = join(GENERATED, "output-flavours");
const lstm = join(FIXTURES, "lstm_default/model.keras");
const run = (...args: string[]) => runCli(work, args);
const files = (dir: string) => readdirSync(join(work, dir)).sort();
const formatLine = (path: string) => readFileSync(join(work, path), "utf8").split("\n")[2];

beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const [dir, pkg] of [["esm", { type: "module" }], ["cjs", { type: "commonjs" }], ["untyped", { name: "x" }]] as const) {
    mkdirSync(join(work, dir, "deeper/still"), { recursive: true });
    writeFileSync(join(work, dir, "package.json"), JSON.stringify(pkg));
  }
});

describe("files written per extension", () => {
  it(".mjs and .cjs: the runtime takes the module's extension, each with its declaration file", () => {
    expect(run("generate", lstm, "-o", "mjs/model.mjs").code).toBe(0);
    expect(files("mjs")).toEqual(["keras2ts-runtime.d.mts", "keras2ts-runtime.mjs", "model.d.mts", "model.mjs"]);
    expect(run("generate", lstm, "-o", "cjsout/model.cjs").code).toBe(0);
    expect(files("cjsout")).toEqual(["keras2ts-runtime.cjs", "keras2ts-runtime.d.cts", "model.cjs", "model.d.cts"]);
    expect(readFileSync(join(work, "cjsout/model.cjs"), "utf8")).toMatch(/^const \{ [\w, ]+ \} = require\("\.\/keras2ts-runtime\.cjs"\);$/m);
    expect(readFileSync(join(work, "mjs/model.mjs"), "utf8")).toMatch(/^import \{ [\w, ]+ \} from "\.\/keras2ts-runtime\.mjs";$/m);
  });

  it("the declaration files of module and runtime type-check under the strictest options", () => {
    const decls = ["mjs/model.d.mts", "mjs/keras2ts-runtime.d.mts", "cjsout/model.d.cts", "cjsout/keras2ts-runtime.d.cts"].map((f) => join(work, f));
    expect(typecheck(decls)).toEqual([]);
    const text = readFileSync(decls[0]!, "utf8");
    expect(text).toContain("export const predict: (input_layer: ArrayLike<number>) => Float32Array;");
    expect(text).toContain("export function createSession(): Session;");
    expect(readFileSync(decls[1]!, "utf8")).toMatch(/^export function sigmoid\(x: number\): number;$/m);
  });

  it("--inline-runtime: the module and its declaration file only", () => {
    expect(run("generate", lstm, "-o", "inline/model.js", "--inline-runtime").code).toBe(0);
    expect(files("inline")).toEqual(["model.d.ts", "model.js"]);
    expect(readFileSync(join(work, "inline/model.js"), "utf8")).not.toMatch(/^(import|const .* = require)/m);
  });

  it("--weights base64 keeps the decodeFloat32 import the weights need, in both formats", async () => {
    expect(run("generate", lstm, "-o", "b64/model.mjs", "--weights", "base64").code).toBe(0);
    expect(run("generate", lstm, "-o", "b64/model.cjs", "--weights", "base64").code).toBe(0);
    const esm = (await import(pathToFileURL(join(work, "b64/model.mjs")).href)) as { predict(x: ArrayLike<number>): Float32Array };
    const cjs = createRequire(import.meta.url)(join(work, "b64/model.cjs")) as typeof esm;
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
    expect(Array.from(cjs.predict(x))).toEqual(Array.from(esm.predict(x)));
  });

  it("a module named like the runtime or like a declaration file is a usage error (exit 2), nothing written", () => {
    for (const out of ["clash/keras2ts-runtime.js", "clash/keras2ts-runtime.ts", "clash/model.d.ts", "clash/model.d.mts", "clash/model.mts"]) {
      const r = run("generate", lstm, "-o", out);
      expect(r.code, out).toBe(2);
      expect(r.stderr.trim().split("\n")[0]).toMatch(/^keras2ts: -o /);
    }
    expect(existsSync(join(work, "clash"))).toBe(false);
  });

  it("--check covers the declaration files; a declaration file keras2ts did not write is not replaced", () => {
    expect(run("generate", lstm, "-o", "check/model.cjs").code).toBe(0);
    expect(run("generate", lstm, "-o", "check/model.cjs", "--check").code).toBe(0);
    rmSync(join(work, "check/model.d.cts"));
    const r = run("generate", lstm, "-o", "check/model.cjs", "--check");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model\.d\.cts is missing/);
    writeFileSync(join(work, "check/model.d.cts"), "export {};\n");
    expect(run("generate", lstm, "-o", "check/model.cjs").stderr).toMatch(/model\.d\.cts exists and was not generated by keras2ts/);
    expect(readFileSync(join(work, "check/model.d.cts"), "utf8")).toBe("export {};\n");
  });
});

describe(".js follows the nearest package.json", () => {
  it("\"type\": \"module\" gives an ES module; \"commonjs\" or no type gives CommonJS, from any depth", () => {
    for (const [dir, format] of [["esm", "ES module"], ["cjs", "CommonJS"], ["untyped", "CommonJS"]] as const) {
      for (const sub of ["", "deeper/still/"]) {
        expect(run("generate", lstm, "-o", `${dir}/${sub}model.js`).code).toBe(0);
        expect(formatLine(`${dir}/${sub}model.js`)).toMatch(new RegExp(`^// Module format: ${format} `));
        expect(formatLine(`${dir}/${sub}model.d.ts`)).toMatch(new RegExp(`^// Module format: ${format} `));
      }
    }
  });

  it("--check reports a .js module stale when the package.json type changes", () => {
    mkdirSync(join(work, "flip"), { recursive: true });
    writeFileSync(join(work, "flip/package.json"), JSON.stringify({ type: "module" }));
    expect(run("generate", lstm, "-o", "flip/model.js").code).toBe(0);
    expect(run("generate", lstm, "-o", "flip/model.js", "--check").code).toBe(0);
    writeFileSync(join(work, "flip/package.json"), JSON.stringify({ type: "commonjs" }));
    const r = run("generate", lstm, "-o", "flip/model.js", "--check");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/model\.js is stale/);
  });

  it("packageType walks up to the nearest package.json and stops at the first one", () => {
    expect(packageType(join(work, "esm/deeper/still"))).toBe("esm");
    expect(packageType(join(work, "cjs/deeper"))).toBe("cjs");
    expect(packageType(join(work, "untyped"))).toBe("cjs");
  });

  it("the generated .js loads as Node reads it there (require in CommonJS, import in a module package)", async () => {
    const x = Float32Array.from({ length: 20 }, (_, i) => Math.cos(i));
    const esm = (await import(pathToFileURL(join(work, "esm/model.js")).href)) as { predict(x: ArrayLike<number>): Float32Array };
    const cjs = createRequire(import.meta.url)(join(work, "cjs/deeper/still/model.js")) as typeof esm;
    expect(Array.from(cjs.predict(x))).toEqual(Array.from(esm.predict(x)));
  });
});
