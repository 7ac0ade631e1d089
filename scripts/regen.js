// npm run regen: rewrites the committed generated files (out/, test/golden/). Review with git diff.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expectedGeneratedFiles, ROOT } from "./goldens.js";

for (const [path, text] of await expectedGeneratedFiles()) {
  mkdirSync(dirname(join(ROOT, path)), { recursive: true });
  writeFileSync(join(ROOT, path), text);
  console.log(`wrote ${path}`);
}
