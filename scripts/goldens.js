// Shared by `npm run regen` and the golden tests: what each committed generated file is made from.
import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate } from "../dist/generator/index.js";
import { supportedLayersSection } from "./supported-layers.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(ROOT, "../shared/fixtures/keras");

/** [path relative to the repo, expected text] for every committed generated file. */
export async function expectedGeneratedFiles() {
  const files = [];
  const { goldens } = JSON.parse(readFileSync(join(ROOT, "test/golden/cases.json"), "utf8"));
  for (const g of goldens) {
    const model = join(FIXTURES, g.case, g.file);
    const out = await generate(new Uint8Array(readFileSync(model)), g.name, { sourceName: basename(model), ...(g.options ?? {}) });
    files.push([`test/golden/${g.name}`, out[0].text]);
  }
  const example = join(ROOT, "examples/char_lstm/model.keras");
  for (const f of await generate(new Uint8Array(readFileSync(example)), "char_lstm.ts", { sourceName: "model.keras" })) {
    files.push([`out/${f.name}`, f.text]);
  }
  files.push(["README.md", readmeWithSupportedLayers()]);
  return files;
}

/** README.md with the section between the supported-layers markers made from the registry. */
function readmeWithSupportedLayers() {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = "<!-- supported-layers:start -->\n";
  const end = "<!-- supported-layers:end -->";
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error("README.md lacks the supported-layers markers");
  return readme.slice(0, a + start.length) + supportedLayersSection() + "\n" + readme.slice(b);
}
