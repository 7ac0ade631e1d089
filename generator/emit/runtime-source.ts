/** The shared runtime's source: written beside generated modules, or tree-shaken into them. */
import { readFileSync } from "node:fs";
import type { ts as TypeScript } from "ts-morph";
import { packagePath } from "../paths.js";
import { typescript } from "./module-format.js";

export const RUNTIME_FILE_BASE = "keras2ts-runtime";

/** One function of the runtime: its text (doc comment included, `export` dropped) and the names it mentions. */
interface RuntimeFunction {
  readonly text: string;
  readonly identifiers: ReadonlySet<string>;
}

let cachedText: string | undefined;
let cachedFunctions: Map<string, RuntimeFunction> | undefined;

export function runtimeSource(): string {
  cachedText ??= readFileSync(packagePath(`runtime/${RUNTIME_FILE_BASE}.ts`), "utf8");
  return cachedText;
}

/** Every top-level function of the runtime, in file order (parsed on first use: the compiler is slow to load). */
function runtimeFunctions(): Map<string, RuntimeFunction> {
  if (!cachedFunctions) {
    const ts = typescript();
    const source = runtimeSource();
    const file = ts.createSourceFile("runtime.ts", source, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
    cachedFunctions = new Map();
    for (const st of file.statements) {
      if (!ts.isFunctionDeclaration(st) || !st.name) continue;
      const doc = ts.getLeadingCommentRanges(source, st.getFullStart())?.filter((c) => source.startsWith("/**", c.pos)).at(-1);
      const text = source.slice(doc?.pos ?? st.getStart(), st.getEnd()).replace(/^export /m, "");
      cachedFunctions.set(st.name.text, { text, identifiers: identifiersIn(ts, st) });
    }
  }
  return cachedFunctions;
}

function identifiersIn(ts: typeof TypeScript, node: TypeScript.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: TypeScript.Node): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
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
    fn.identifiers.forEach(visit);
  };
  names.forEach(visit);
  return [...functions.entries()]
    .filter(([name]) => needed.has(name))
    .map(([, fn]) => fn.text)
    .join("\n\n");
}
