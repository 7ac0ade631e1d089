/** The shared runtime's source: written beside generated modules, or tree-shaken into them. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FunctionDeclaration } from "ts-morph";
import type * as TsMorph from "ts-morph";
import { packagePath } from "../paths.js";

export const RUNTIME_FILE_BASE = "keras2ts-runtime";

let cachedText: string | undefined;
let cachedFunctions: Map<string, FunctionDeclaration> | undefined;

export function runtimeSource(): string {
  cachedText ??= readFileSync(packagePath(`runtime/${RUNTIME_FILE_BASE}.ts`), "utf8");
  return cachedText;
}

function runtimeFunctions(): Map<string, FunctionDeclaration> {
  if (!cachedFunctions) {
    // Loaded on first use: ts-morph (and the compiler under it) is slow to load and unneeded when a run fails early.
    const { Project } = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
    const project = new Project({ useInMemoryFileSystem: true });
    const file = project.createSourceFile("runtime.ts", runtimeSource());
    cachedFunctions = new Map(file.getFunctions().map((f) => [f.getName()!, f]));
  }
  return cachedFunctions;
}

export function runtimeExportNames(): string[] {
  return [...runtimeFunctions().keys()];
}

/** The named runtime functions and everything they call, in runtime-file order, without `export`. */
export function inlineRuntime(names: readonly string[]): string {
  const functions = runtimeFunctions();
  const needed = new Set<string>();
  const visit = (name: string) => {
    const fn = functions.get(name);
    if (!fn || needed.has(name)) return;
    needed.add(name);
    for (const id of fn.getDescendantsOfKind(syntaxKind().Identifier)) visit(id.getText());
  };
  names.forEach(visit);
  return [...functions.entries()]
    .filter(([name]) => needed.has(name))
    .map(([, fn]) => fn.getText(true).replace(/^export /m, ""))
    .join("\n\n");
}

function syntaxKind(): typeof TsMorph.SyntaxKind {
  return (createRequire(import.meta.url)("ts-morph") as typeof TsMorph).SyntaxKind;
}
