/**
 * `keras2ts/vite`: a tiny app importing Keras files is built by Vite (production build) and served by
 * the dev server; the built bundle and the dev-served module reproduce Keras' recorded outputs, a
 * changed model file is picked up without a restart, and a bad model is a build error naming it.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { rolldown } from "rolldown";
import { build, createServer, type InlineConfig } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { keras2ts } from "../generator/vite.js";
import { typecheck } from "./helpers/typecheck.js";
import { asList, FIXTURES, GENERATED, REPO, readCase, samples, worstExcess, type GeneratedModule, type KerasCase } from "./helpers/cases.js";

const APP = join(GENERATED, "vite-app");
const CASES = ["lstm_default", "functional_multi_io"] as const;

function expectMatches(mod: GeneratedModule, c: KerasCase): void {
  const batch = c.inputs[0]!.shape[0]!;
  for (let b = 0; b < batch; b++) {
    const got = asList(mod.predict(...c.inputs.map((t) => samples(t)[b]!)));
    c.outputs.forEach((want, k) => {
      expect(worstExcess(got[k]!, samples(want)[b]!, c.atol, c.rtol).excess, `${c.name} output ${want.name} sample ${b}`).toBeLessThanOrEqual(0);
    });
  }
}

function config(root: string): InlineConfig {
  return { root, logLevel: "silent", configFile: false, plugins: [keras2ts()] };
}

describe("keras2ts/vite", () => {
  rmSync(APP, { recursive: true, force: true });
  mkdirSync(join(APP, "models"), { recursive: true });
  for (const name of CASES) copyFileSync(join(FIXTURES, name, "model.keras"), join(APP, "models", `${name}.keras`));
  afterAll(() => rmSync(APP, { recursive: true, force: true }));

  it("a production build bundles the models and reproduces Keras", async () => {
    writeFileSync(join(APP, "main.js"), [
      ...CASES.map((name) => `import * as ${name} from "./models/${name}.keras";`),
      `export const models = { ${CASES.join(", ")} };`,
    ].join("\n"));
    await build({
      ...config(APP),
      build: { outDir: join(APP, "dist"), emptyOutDir: true, minify: true, lib: { entry: join(APP, "main.js"), formats: ["es"], fileName: "app" } },
    });
    const bundle = (await import(pathToFileURL(join(APP, "dist/app.js")).href)) as { models: Record<string, GeneratedModule> };
    for (const name of CASES) expectMatches(bundle.models[name]!, readCase(join(FIXTURES, name)));
  });

  it("works as a plain Rollup-API plugin (rolldown, no Vite)", async () => {
    writeFileSync(join(APP, "plain.js"), `export * from "./models/lstm_default.keras";`);
    const bundle = await rolldown({ input: join(APP, "plain.js"), plugins: [keras2ts()], logLevel: "silent" });
    await bundle.write({ file: join(APP, "dist-plain/plain.mjs"), format: "es" });
    await bundle.close();
    const mod = (await import(pathToFileURL(join(APP, "dist-plain/plain.mjs")).href)) as GeneratedModule;
    expectMatches(mod, readCase(join(FIXTURES, "lstm_default")));
  });

  it("the dev server serves the generated module, and converts it anew once the changed file invalidates it", async () => {
    const server = await createServer({ ...config(APP), server: { middlewareMode: true, hmr: false } });
    try {
      const modelPath = join(APP, "models", "swapped.keras");
      copyFileSync(join(FIXTURES, "lstm_default", "model.keras"), modelPath);
      const first = (await server.ssrLoadModule(modelPath)) as GeneratedModule;
      expectMatches(first, readCase(join(FIXTURES, "lstm_default")));
      // Another model under the same name; invalidating it is what Vite's watcher does on a change.
      copyFileSync(join(FIXTURES, "gru_reset_after", "model.keras"), modelPath);
      const mod = server.moduleGraph.getModulesByFile(modelPath);
      for (const m of mod ?? []) server.moduleGraph.invalidateModule(m);
      const second = (await server.ssrLoadModule(modelPath)) as GeneratedModule;
      expectMatches(second, readCase(join(FIXTURES, "gru_reset_after")));
    } finally {
      await server.close();
    }
  });

  it("types/keras-modules.d.ts types `*.keras` and `*.h5` imports for a strict TypeScript app", () => {
    const consumer = join(APP, "consumer.ts");
    writeFileSync(consumer, [
      `/// <reference path="${join(REPO, "types/keras-modules.d.ts")}" />`,
      `import { inputs, outputs, predict, createSession } from "./models/lstm_default.keras";`,
      `import * as legacy from "./models/old.h5";`,
      `const y: Float32Array | Float32Array[] = predict(new Float32Array(inputs[0]!.shape.length));`,
      `const s = createSession();`,
      `s.resetStates();`,
      `export const summary: [string, number, unknown, unknown] = [outputs[0]!.name, legacy.inputs.length, y, legacy.resetStates];`,
    ].join("\n"));
    expect(typecheck([consumer])).toEqual([]);
  });

  it("a file that is not a Keras model fails the build with one keras2ts line naming it", async () => {
    writeFileSync(join(APP, "models", "broken.keras"), "not a model");
    writeFileSync(join(APP, "broken.js"), `export * from "./models/broken.keras";`);
    const err = await build({
      ...config(APP),
      build: { outDir: join(APP, "dist-broken"), write: false, lib: { entry: join(APP, "broken.js"), formats: ["es"], fileName: "broken" } },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).toMatch(/keras2ts: .*broken\.keras: /);
  });
});
