/**
 * Browser stand-in for `node:fs` and generator/paths.ts: the generator reads two files of its own
 * package (the module template and the runtime source); the page bundles them as text.
 */
import template from "../../templates/module.ts.hbs?raw";
import runtime from "../../runtime/keras2ts-runtime.ts?raw";

const FILES: Record<string, string> = {
  "templates/module.ts.hbs": template,
  "runtime/keras2ts-runtime.ts": runtime,
};

export function packagePath(relative: string): string {
  return relative;
}

export function readFileSync(path: string): string {
  const text = FILES[path];
  if (text === undefined) throw new Error(`keras2ts (browser): no file ${path}`);
  return text;
}
