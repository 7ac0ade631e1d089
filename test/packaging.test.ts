/**
 * The package as a user gets it: `npm pack` once, the tarball installed (from npm's cache where it can)
 * into an `npm init -y` app ("type": "commonjs") and a "type": "module" app, plus a folder with no
 * package.json at all. In each, the installed CLI writes every flavour (.ts .mjs .cjs .js) × weight
 * encoding (literal, base64) × runtime placement (beside, inlined); one plain `node` process per
 * project kind loads them all as that project would (require() where CommonJS can, import()
 * otherwise), and every result is compared with Keras' recorded outputs. `.ts` outputs are compiled
 * by the app's own tsc (module nodenext: CommonJS or ES module as the project says) and run; a
 * consumer type-checks against the `.d.ts` files written beside the JavaScript outputs.
 *
 * Packs dist/ as it is (`npm test` builds it first), without running the pack scripts.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, readCase, REPO, samples, worstExcess } from "./helpers/cases.js";

const run = promisify(execFile);
const CASE = "functional_multi_io"; // two inputs, two outputs: the widest module interface
const MODEL = join(FIXTURES, CASE, "model.keras");
const KINDS = ["commonjs", "module", "none"] as const;
type Kind = (typeof KINDS)[number];
const EXTENSIONS = [".ts", ".mjs", ".cjs", ".js"] as const;
const VARIANTS = [
  { file: "m", args: [] },
  { file: "m64", args: ["--weights", "base64"] },
] as const;
const PLACEMENTS = [
  { dir: "beside", args: [] },
  { dir: "inline", args: ["--inline-runtime"] },
] as const;

let root: string;
const home: Record<Kind, string> = { commonjs: "", module: "", none: "" };
let packedFiles: string[] = [];
const started = Date.now();

/** Runs a command; its stderr is in the thrown error's message when it fails. */
async function sh(cwd: string, file: string, args: string[]): Promise<string> {
  const t = Date.now();
  const out = (await run(file, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 })).stdout;
  if (process.env["KERAS2TS_KEEP_PACK"]) console.log(`${((Date.now() - t) / 1000).toFixed(1)} s: ${file} ${args.join(" ").slice(0, 120)}`);
  return out;
}

/** At most `limit` tasks at a time: the machine has two cores. */
async function pool<T>(tasks: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const k = next++;
      results[k] = await tasks[k]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const folderOf = (ext: string, placement: string) => `out/${ext.slice(1)}-${placement}`;

/** Every (folder, file) a project kind holds; `.js` depends on the kind, the rest is the same everywhere. */
function outputs(exts: readonly string[]): { folder: string; file: string; args: string[] }[] {
  return exts.flatMap((ext) =>
    PLACEMENTS.flatMap((p) => VARIANTS.map((v) => ({ folder: folderOf(ext, p.dir), file: `${v.file}${ext}`, args: [...p.args, ...v.args] }))),
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "keras2ts-pack-"));
  for (let d = root; dirname(d) !== d; d = dirname(d)) {
    if (existsSync(join(d, "package.json"))) throw new Error(`${d}/package.json would make the "no package.json" folder a package`);
  }
  const packed = JSON.parse(await sh(REPO, "npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", root])) as { filename: string; files: { path: string }[] }[];
  packedFiles = packed[0]!.files.map((f) => f.path);
  const tarball = join(root, packed[0]!.filename);

  home.commonjs = join(root, "cjs-app");
  home.module = join(root, "esm-app");
  home.none = join(root, "no-package");
  for (const dir of Object.values(home)) mkdirSync(dir);
  await sh(home.commonjs, "npm", ["init", "-y"]);
  writeFileSync(join(home.module, "package.json"), JSON.stringify({ name: "esm-app", version: "1.0.0", private: true, type: "module" }));
  // From npm's cache when it holds the dependencies (`npm ci` of this repo puts their tarballs there);
  // their registry metadata may still have to be fetched once.
  const install = ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball];
  await Promise.all([sh(home.commonjs, "npm", install), sh(home.module, "npm", install)]).catch((err: Error) => {
    throw new Error(`npm could not install the packed tarball (it needs npm's cache or the registry): ${err.message.split("\n").find((l) => l.includes("npm error")) ?? err.message}`);
  });

  // The CLI as installed: `npx keras2ts` for the first output of each app, the same bin directly for
  // the rest (npx adds a second of npm start-up). .ts/.mjs/.cjs outputs do not depend on the project
  // (output is deterministic): written once in the module app, copied to the others.
  const jobs = [
    ...outputs([".js", ".ts", ".mjs", ".cjs"]).map((o) => ({ kind: "module" as Kind, o })),
    ...outputs([".js"]).map((o) => ({ kind: "commonjs" as Kind, o })),
    ...outputs([".js"]).map((o) => ({ kind: "none" as Kind, o })),
  ];
  const generate = ({ kind, o }: (typeof jobs)[number], npx: boolean) => () => {
    const app = kind === "none" ? home.commonjs : home[kind];
    const cli = npx ? ["npx", "keras2ts"] : [join(app, "node_modules/.bin/keras2ts")];
    return sh(app, cli[0]!, [...cli.slice(1), "generate", MODEL, "-o", join(home[kind], o.folder, o.file), ...o.args]);
  };
  const viaNpx = new Set([jobs.find((j) => j.kind === "module")!, jobs.find((j) => j.kind === "commonjs")!]);
  await pool(jobs.map((j) => generate(j, viaNpx.has(j))));
  for (const kind of ["commonjs", "none"] as const) {
    for (const ext of [".ts", ".mjs", ".cjs"]) {
      for (const p of PLACEMENTS) cpSync(join(home.module, folderOf(ext, p.dir)), join(home[kind], folderOf(ext, p.dir)), { recursive: true });
    }
  }
}, 300_000);

afterAll(() => {
  console.log(`packaging: pack, 2 installs, 24 generations, 3 tsc runs and 3 loaders in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (root && !process.env["KERAS2TS_KEEP_PACK"]) rmSync(root, { recursive: true, force: true });
});

describe("the packed tarball", () => {
  it("holds what a user needs and nothing else", () => {
    for (const must of ["LICENSE", "README.md", "package.json", "bin/keras2ts.js", "dist/generator/index.js", "dist/generator/index.d.ts", "dist/generator/cli.js", "dist/generator/vite.js", "dist/generator/worker.js", "types/keras-modules.d.ts", "runtime/keras2ts-runtime.ts", "templates/module.ts.hbs"]) {
      expect(packedFiles).toContain(must);
    }
    expect(packedFiles.filter((f) => /^(test|scripts|examples|out|docs|\.ci)\/|fixtures|golden|\.generated|tsconfig|vitest/.test(f))).toEqual([]);
  });

  it("keras2ts --version prints keras2ts' version, not the app's", async () => {
    const own = (JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { version: string }).version;
    const app = (JSON.parse(readFileSync(join(home.commonjs, "package.json"), "utf8")) as { version: string }).version;
    expect(own).not.toBe(app);
    expect((await sh(home.commonjs, "npx", ["keras2ts", "--version"])).trim()).toBe(own);
  });

  it("writes .js as CommonJS in the npm init -y app and without package.json, as an ES module in the module app", () => {
    const header = (kind: Kind) => readFileSync(join(home[kind], folderOf(".js", "beside"), "m.js"), "utf8").split("\n")[2];
    expect(header("commonjs")).toMatch(/^\/\/ Module format: CommonJS/);
    expect(header("none")).toMatch(/^\/\/ Module format: CommonJS/);
    expect(header("module")).toMatch(/^\/\/ Module format: ES module/);
    expect(JSON.parse(readFileSync(join(home.commonjs, "package.json"), "utf8")).type).toBe("commonjs");
  });
});

describe("keras2ts/vite from the tarball", () => {
  it("a Vite app importing model.keras builds, and its bundle matches Keras", async () => {
    const app = join(root, "vite-app");
    mkdirSync(join(app, "node_modules"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "vite-app", private: true, type: "module" }));
    // The app's own Vite (any app using the plugin has one) and keras2ts as installed from the tarball.
    symlinkSync(join(REPO, "node_modules/vite"), join(app, "node_modules/vite"), "dir");
    symlinkSync(join(home.module, "node_modules/keras2ts"), join(app, "node_modules/keras2ts"), "dir");
    cpSync(MODEL, join(app, "model.keras"));
    writeFileSync(join(app, "main.js"), `export * from "./model.keras";\n`);
    writeFileSync(join(app, "vite.config.js"), [
      `import { keras2ts } from "keras2ts/vite";`,
      `export default { logLevel: "warn", plugins: [keras2ts()], build: { lib: { entry: "main.js", formats: ["es"], fileName: "app" } } };`,
    ].join("\n"));
    await sh(app, process.execPath, [join(app, "node_modules/vite/bin/vite.js"), "build"]);
    const bundle = readFileSync(join(app, "dist/app.js"), "utf8");
    expect(bundle).not.toMatch(/^\s*import\b|\bimport\(/m); // one self-contained bundle: the virtual runtime is in it
    writeFileSync(join(app, "run.mjs"), `import * as m from "./dist/app.js";
const args = JSON.parse(process.argv[2]);
console.log(JSON.stringify(args.map((xs) => [m.predict(...xs)].flat().map((a) => Array.from(a)))));`);
    const c = readCase(join(FIXTURES, CASE));
    const args = Array.from({ length: c.inputs[0]!.shape[0]! }, (_, b) => c.inputs.map((t) => samples(t)[b]!));
    const results = JSON.parse(await sh(app, process.execPath, ["run.mjs", JSON.stringify(args)])) as number[][][];
    expect(results.length).toBe(args.length);
    // A TypeScript app gets the import's types from keras2ts/modules.
    writeFileSync(join(app, "typed.ts"), [
      `/// <reference types="keras2ts/modules" />`,
      `import { predict, inputs } from "./model.keras";`,
      `export const y: Float32Array | Float32Array[] = predict(new Float32Array(inputs[0]!.shape.length));`,
    ].join("\n"));
    writeFileSync(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler", target: "es2020", lib: ["es2020"], types: [] }, files: ["typed.ts"] }));
    await sh(app, process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]);
    results.forEach((outs, b) => outs.forEach((o, k) => {
      expect(worstExcess(o, samples(c.outputs[k]!)[b]!, c.atol, c.rtol).excess, `sample ${b} output ${k}`).toBeLessThanOrEqual(0);
    }));
  }, 120_000);
});

describe.each(KINDS)("project kind %s", (kind) => {
  it("every flavour × encoding × runtime placement loads with plain node and matches Keras", async () => {
    const dir = home[kind];
    await compileTypeScript(kind);
    const c = readCase(join(FIXTURES, CASE));
    const batch = c.inputs[0]!.shape[0]!;
    const args = Array.from({ length: batch }, (_, b) => c.inputs.map((t) => samples(t)[b]!));
    writeFileSync(join(dir, "inputs.json"), JSON.stringify(args));
    const modules = outputs(EXTENSIONS).map((o) => {
      const path = `./${o.folder}/${o.file}`;
      return o.file.endsWith(".ts") ? `./build/${o.folder}/${o.file.replace(/\.ts$/, ".js")}` : path;
    });
    writeFileSync(join(dir, "modules.json"), JSON.stringify(modules));
    const loader = kind === "module" ? "load.mjs" : "load.cjs";
    writeFileSync(join(dir, loader), kind === "module" ? ESM_LOADER : CJS_LOADER);
    const got = JSON.parse(await sh(dir, process.execPath, [loader])) as Record<string, { how: string; results: number[][][] }>;
    expect(Object.keys(got).sort()).toEqual([...modules].sort());
    for (const [path, { how, results }] of Object.entries(got)) {
      // How the project loads it: CommonJS projects require() all but .mjs; module projects import() everything.
      expect(how, path).toBe(kind === "module" || path.endsWith(".mjs") ? "import" : "require");
      expect(results.length).toBe(batch);
      results.forEach((outs, b) => {
        expect(outs.length).toBe(c.outputs.length);
        outs.forEach((o, k) => {
          const { excess } = worstExcess(o, samples(c.outputs[k]!)[b]!, c.atol, c.rtol);
          expect(excess, `${path} sample ${b} output ${k}`).toBeLessThanOrEqual(0);
        });
      });
    }
  }, 120_000);
});

/**
 * tsc of the app compiles the .ts outputs (module nodenext: what the project's package.json says)
 * into build/, and type-checks a consumer against the declarations of the JavaScript outputs.
 */
async function compileTypeScript(kind: Kind): Promise<void> {
  const dir = home[kind];
  const esm = kind === "module";
  const consumed = esm ? [".js", ".mjs", ".cjs"] : [".js", ".cjs"]; // CommonJS TypeScript cannot import an ES module statically
  // The .ts module too, by the specifier tsc resolves to it.
  const specifiers = [...consumed.flatMap((ext) => PLACEMENTS.map((p) => `./${folderOf(ext, p.dir)}/m64${ext}`)), `./${folderOf(".ts", "beside")}/m.js`];
  const imports = specifiers.map((s, i) => `import * as m${i} from "${s}";`);
  const names = specifiers.map((_, i) => `m${i}`);
  // The runtime's declaration files too (tsc checks every declaration file it reads: skipLibCheck is off).
  const runtimes = consumed.map((ext, i) => `import * as rt${i} from "./${folderOf(ext, "beside")}/keras2ts-runtime${ext}";`);
  const runtimeUse = `export const sig: number[] = [${consumed.map((_, i) => `rt${i}.sigmoid(0)`).join(", ")}];\n`;
  writeFileSync(join(dir, "consumer.ts"), `${[...imports, ...runtimes].join("\n")}\n${runtimeUse}${CONSUMER_BODY(names)}`);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, noUncheckedIndexedAccess: true, module: "nodenext", moduleResolution: "nodenext", target: "es2020", lib: ["es2020"], types: [], outDir: "build", rootDir: ".", skipLibCheck: false },
      include: ["out/ts-*/*.ts", "consumer.ts"],
    }),
  );
  const tsc = join(REPO, "node_modules/typescript/bin/tsc"); // the app's own TypeScript (keras2ts itself needs only ts-morph's)
  try {
    await sh(dir, process.execPath, [tsc, "-p", "tsconfig.json"]);
  } catch (err) {
    throw new Error(`tsc in the ${kind} project failed:\n${(err as { stdout?: string }).stdout ?? String(err)}`);
  }
}

/** Uses every export of each module with the types its declaration file gives; a wrong type fails tsc. */
const CONSUMER_BODY = (names: string[]) => `
const seq = new Float32Array(18);
const vec = new Float32Array(5);
for (const m of [${names.join(", ")}]) {
  const [cls, reg]: [Float32Array, Float32Array] = m.predict(seq, vec);
  // @ts-expect-error predict takes exactly the model's two inputs
  m.predict(seq);
  const session = m.createSession();
  session.resetStates();
  const again: Float32Array[] = session.predict([0, 1, 2], vec);
  const shape: readonly (number | null)[] = m.inputs[0]!.shape;
  const name: string = m.outputs[0]!.name;
  void [cls, reg, again, shape, name];
}
export {};
`;

const LOAD_BODY = `
const inputs = JSON.parse(readFileSync("inputs.json", "utf8"));
const results = {};
for (const path of JSON.parse(readFileSync("modules.json", "utf8"))) {
  const [how, m] = await load(path);
  results[path] = { how, results: inputs.map((xs) => m.predict(...xs).map((y) => Array.from(y))) };
}
process.stdout.write(JSON.stringify(results));
`;

/** A CommonJS project: require() for everything but .mjs, which CommonJS can only import(). */
const CJS_LOADER = `const { readFileSync } = require("node:fs");
const load = async (path) => (path.endsWith(".mjs") ? ["import", await import(path)] : ["require", require(path)]);
(async () => {${LOAD_BODY}})().catch((err) => { console.error(err); process.exit(1); });
`;

/** An ES module project: import() for everything, .cjs included (named exports detected by Node). */
const ESM_LOADER = `import { readFileSync } from "node:fs";
const load = async (path) => ["import", await import(path)];
${LOAD_BODY}`;
