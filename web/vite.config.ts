/**
 * `npm run web`: the converter page (web/index.html) as a static site in dist-web/. The generator
 * core runs in the page; the few modules that reach for Node (the HDF5 worker thread, package
 * files, the compiler loader, --custom) are swapped for browser stand-ins in web/shims by `browserHost`.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const WEB = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(WEB, "..");
const GENERATOR = join(REPO, "generator");

/** Node-only generator modules and imports → their browser stand-ins. */
function browserHost(): Plugin {
  const shim = (name: string) => join(WEB, "shims", name);
  return {
    name: "keras2ts-browser-host",
    enforce: "pre",
    async resolveId(source, importer) {
      if (!importer?.startsWith(GENERATOR)) return null;
      if (source.endsWith("/h5-host.js")) return shim("h5-host.ts");
      if (source.endsWith("/custom-layers.js")) return shim("custom-layers.ts");
      if (source.endsWith("/paths.js") || source === "node:fs") return shim("package-files.ts");
      if (source === "node:module") return shim("node-module.ts");
      return null;
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
