/**
 * `npm run web`: the converter page (web/index.html) as a static site in dist-web/. The generator
 * core runs in the page; the few modules that reach for Node (HDF5 staging, package files, the
 * compiler loader, --custom) are swapped for browser stand-ins in web/shims by `browserHost`.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const WEB = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(WEB, "..");
const GENERATOR = join(REPO, "generator");
const RUNTIME_SOURCE_ID = "\0keras2ts-web-runtime-source";

/** Node-only generator modules and imports → their browser stand-ins. */
function browserHost(): Plugin {
  const shim = (name: string) => join(WEB, "shims", name);
  return {
    name: "keras2ts-browser-host",
    enforce: "pre",
    async resolveId(source, importer) {
      if (source === "h5wasm/node") return this.resolve("h5wasm", importer, { skipSelf: true });
      if (!importer?.startsWith(GENERATOR)) return null;
      if (source.endsWith("/h5-sandbox.js")) return shim("h5-sandbox.ts");
      if (source.endsWith("/custom-layers.js")) return shim("custom-layers.ts");
      if (source.endsWith("/runtime-source.js")) return RUNTIME_SOURCE_ID;
      if (source.endsWith("/paths.js") || source === "node:fs") return shim("package-files.ts");
      if (source === "node:module") return shim("node-module.ts");
      return null;
    },
    async load(id) {
      if (id !== RUNTIME_SOURCE_ID) return null;
      // The runtime's export names are found with ts-morph; done here, at build time, in Node.
      const real = (await import(join(REPO, "dist/generator/emit/runtime-source.js"))) as { runtimeExportNames(): string[] };
      return [
        `import text from ${JSON.stringify(`${join(REPO, "runtime/keras2ts-runtime.ts")}?raw`)};`,
        `export const RUNTIME_FILE_BASE = "keras2ts-runtime";`,
        `export function runtimeSource() { return text; }`,
        `const NAMES = ${JSON.stringify(real.runtimeExportNames())};`,
        `export function runtimeExportNames() { return [...NAMES]; }`,
        `export function inlineRuntime() { throw new Error("an inlined runtime needs the command line (--inline-runtime)"); }`,
      ].join("\n");
    },
  };
}

export default defineConfig({
  root: WEB,
  base: "./",
  logLevel: "warn",
  plugins: [browserHost()],
  build: { outDir: join(REPO, "dist-web"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 10_000 },
});
