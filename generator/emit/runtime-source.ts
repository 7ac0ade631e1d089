/** The shared runtime's source: written beside generated modules, or tree-shaken into them. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Node } from "ts-morph";
import type * as TsMorph from "ts-morph";
import { packagePath } from "../paths.js";

export const RUNTIME_FILE_BASE = "keras2ts-runtime";

let cachedText: string | undefined;
let cachedDeclarations: Map<string, Node> | undefined;

export function runtimeSource(): string {
  cachedText ??= readFileSync(packagePath(`runtime/${RUNTIME_FILE_BASE}.ts`), "utf8");
  return cachedText;
}

/**
 * The runtime's top-level declarations by name, in file order: functions, and the variables, types and
 * interfaces they use (the WebAssembly kernels keep state in module variables).
 */
function runtimeDeclarations(): Map<string, Node> {
  if (!cachedDeclarations) {
    // Loaded on first use: ts-morph (and the compiler under it) is slow to load and unneeded when a run fails early.
    const { Project, Node } = createRequire(import.meta.url)("ts-morph") as typeof TsMorph;
    const project = new Project({ useInMemoryFileSystem: true });
    const file = project.createSourceFile("runtime.ts", runtimeSource());
    const entries: [string, TsMorph.Node][] = [];
    for (const statement of file.getStatements()) {
      if (Node.isFunctionDeclaration(statement) || Node.isInterfaceDeclaration(statement) || Node.isTypeAliasDeclaration(statement)) {
        entries.push([statement.getName()!, statement]);
      } else if (Node.isVariableStatement(statement)) {
        for (const d of statement.getDeclarations()) entries.push([d.getName(), statement]);
      }
    }
    cachedDeclarations = new Map(entries);
  }
  return cachedDeclarations;
}

/**
 * Names of the runtime's top-level declarations (reserved in generated modules), by a line scan:
 * ts-morph, and the compiler it bundles (a second or more of start-up), loads only for --inline-runtime.
 */
export function runtimeExportNames(): string[] {
  return [...runtimeSource().matchAll(/^(?:export )?(?:declare )?(?:function|const|let|interface|type) (\w+)/gm)].map((m) => m[1]!);
}

/** The same names as ts-morph parses them (the test of the scan above). */
export function runtimeDeclarationNames(): string[] {
  return [...runtimeDeclarations().keys()];
}

/** The named runtime functions and every declaration they use, in runtime-file order, without `export`. */
export function inlineRuntime(names: readonly string[]): string {
  const declarations = runtimeDeclarations();
  const needed = new Set<Node>();
  const visit = (name: string) => {
    const node = declarations.get(name);
    if (!node || needed.has(node)) return;
    needed.add(node);
    for (const id of node.getDescendantsOfKind(syntaxKind().Identifier)) visit(id.getText());
  };
  names.forEach(visit);
  return [...new Set(declarations.values())]
    .filter((node) => needed.has(node))
    .map((node) => node.getText(true).replace(/^export /m, ""))
    .join("\n\n");
}

function syntaxKind(): typeof TsMorph.SyntaxKind {
  return (createRequire(import.meta.url)("ts-morph") as typeof TsMorph).SyntaxKind;
}
