// The fixture files mutants are derived from, read in place from ../shared/fixtures (never copied).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = resolve(REPO, "../shared/fixtures/keras");

/** Every model file of every case: {id, caseName, format ("keras" | "h5" | "weights"), path, configPath?}. */
export function fixtureSources(root = FIXTURES) {
  const sources = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!existsSync(join(dir, "case.json"))) continue;
    if (existsSync(join(dir, "model.keras"))) sources.push({ id: `${name}/keras`, caseName: name, format: "keras", path: join(dir, "model.keras") });
    if (existsSync(join(dir, "model.h5"))) sources.push({ id: `${name}/h5`, caseName: name, format: "h5", path: join(dir, "model.h5") });
    if (existsSync(join(dir, "model.weights.h5")) && existsSync(join(dir, "model.json"))) {
      sources.push({ id: `${name}/weights`, caseName: name, format: "weights", path: join(dir, "model.weights.h5"), configPath: join(dir, "model.json") });
    }
  }
  return sources;
}

const cache = new Map();

/** The bytes (and config text) of a source, read once. */
export function sourceInput(source) {
  let input = cache.get(source.id);
  if (!input) {
    input = {
      bytes: new Uint8Array(readFileSync(source.path)),
      ...(source.configPath ? { configText: readFileSync(source.configPath, "utf8") } : {}),
    };
    cache.set(source.id, input);
  }
  return input;
}

/** The case's recorded Keras inputs and outputs (case.json). */
export function caseData(source) {
  return JSON.parse(readFileSync(join(dirname(source.path), "case.json"), "utf8"));
}
