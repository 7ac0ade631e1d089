/**
 * The flavours of a generated JavaScript file: ES module or CommonJS, and the `.d.ts` that types it.
 * Both are derived from the TypeScript text of the module (or runtime) with the compiler's parser,
 * never by searching the text, so names and strings from a model file cannot confuse them.
 */
import { createRequire } from "node:module";
import type { ts as TypeScript } from "ts-morph";

/** "esm": import/export; "cjs": require/module.exports. */
export type ModuleFormat = "esm" | "cjs";

/** The header line that records which format a JavaScript module was written in, and why. */
export function formatNote(extension: string, format: ModuleFormat): string {
  const kind = format === "esm" ? "ES module (import/export)" : "CommonJS (require/module.exports)";
  if (extension !== ".js") return `// Module format: ${kind}, as Node reads every ${extension} file.\n`;
  const where = format === "esm" ? 'only under a package.json with "type": "module"' : 'where no package.json above it says "type": "module"';
  return `// Module format: ${kind}; Node reads a .js file this way ${where}.\n`;
}

/** The declaration file beside a JavaScript file: m.js → m.d.ts, m.mjs → m.d.mts, m.cjs → m.d.cts. */
export function declarationName(fileName: string): string {
  return fileName.replace(/\.(m|c)?js$/, (_, m: string | undefined) => `.d.${m ?? ""}ts`);
}

/** ES module JavaScript → CommonJS: imports become `require`, `export` keywords one `module.exports`. */
export function toCommonJs(js: string): string {
  const ts = typescript();
  const file = ts.createSourceFile("module.js", js, ts.ScriptTarget.ES2020, true, ts.ScriptKind.JS);
  const edits: { start: number; end: number; text: string }[] = [];
  const names: string[] = [];
  let lastExportEnd = -1;
  for (const st of file.statements) {
    if (ts.isImportDeclaration(st)) {
      edits.push({ start: st.getStart(), end: st.getEnd(), text: requireOf(ts, st) });
    } else if (ts.isExportDeclaration(st)) {
      edits.push({ start: st.getStart(), end: st.getEnd(), text: "" }); // `export {};`
    } else if (ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      const keyword = ts.getModifiers(st)!.find((m) => m.kind === ts.SyntaxKind.ExportKeyword)!;
      edits.push({ start: keyword.getStart(), end: keyword.getEnd() + 1, text: "" });
      names.push(...declaredNames(ts, st));
      lastExportEnd = st.getEnd();
    }
  }
  if (lastExportEnd >= 0) edits.push({ start: lastExportEnd, end: lastExportEnd, text: `\n\nmodule.exports = { ${names.join(", ")} };\n` });
  let out = js;
  for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  // "use strict" after the header comments: the first line stays the generated/runtime mark.
  const header = /^(\/\/[^\n]*\n)*/.exec(out)![0];
  return `${header}"use strict";\n${out.slice(header.length)}`;
}

function requireOf(ts: typeof TypeScript, st: TypeScript.ImportDeclaration): string {
  const specifier = JSON.stringify((st.moduleSpecifier as TypeScript.StringLiteral).text);
  const bindings = st.importClause?.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) return `const ${bindings.name.text} = require(${specifier});`;
  if (bindings && ts.isNamedImports(bindings)) {
    const parts = bindings.elements.map((e) => (e.propertyName ? `${e.propertyName.text}: ${e.name.text}` : e.name.text));
    return `const { ${parts.join(", ")} } = require(${specifier});`;
  }
  throw new Error(`keras2ts: unexpected import form in generated code: ${st.getText()}`);
}

function declaredNames(ts: typeof TypeScript, st: TypeScript.Statement): string[] {
  if (ts.isVariableStatement(st)) return st.declarationList.declarations.map((d) => (d.name as TypeScript.Identifier).text);
  if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) return [st.name.text];
  throw new Error(`keras2ts: unexpected export in generated code: ${st.getText().slice(0, 60)}`);
}

/**
 * The declaration file of a TypeScript module: its header comments, then every export with its doc
 * comment and its written type, bodies and initialisers dropped. Every export of generated code and
 * of the runtime carries an explicit type, so nothing needs inferring.
 */
export function declarationsOf(tsSource: string): string {
  const ts = typescript();
  const file = ts.createSourceFile("module.ts", tsSource, ts.ScriptTarget.ES2020, true, ts.ScriptKind.TS);
  const header = /^(\/\/[^\n]*\n)*/.exec(tsSource)![0];
  const parts: string[] = [header.trimEnd()];
  for (const st of file.statements) {
    if (!ts.canHaveModifiers(st) || !ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    const doc = docComment(ts, tsSource, st);
    parts.push(`${doc}${declarationOf(ts, st)}`);
  }
  return `${parts.join("\n\n")}\n`;
}

function declarationOf(ts: typeof TypeScript, st: TypeScript.Statement): string {
  const text = st.getText();
  const upTo = (node: TypeScript.Node) => text.slice(0, node.getEnd() - st.getStart());
  if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) return text;
  if (ts.isFunctionDeclaration(st) && st.type) return `${upTo(st.type)};`;
  if (ts.isVariableStatement(st) && st.declarationList.declarations.length === 1 && st.declarationList.declarations[0]!.type) {
    return `${upTo(st.declarationList.declarations[0]!.type)};`;
  }
  throw new Error(`keras2ts: an export without a written type cannot be declared: ${text.slice(0, 60)}`);
}

/** The `/** … *\/` comment right before a statement, if any. */
function docComment(ts: typeof TypeScript, text: string, st: TypeScript.Statement): string {
  const last = ts.getLeadingCommentRanges(text, st.getFullStart())?.at(-1);
  if (!last || !text.startsWith("/**", last.pos)) return "";
  return `${text.slice(last.pos, last.end)}\n`;
}

let tsModule: typeof TypeScript | undefined;

/**
 * The compiler API, as ts-morph bundles it (one copy of TypeScript for every use: transpiling,
 * declarations, the runtime's tree-shaking, --custom files), loaded on first use: it is most of the
 * CLI's start-up and runs that fail early never need it.
 */
export function typescript(): typeof TypeScript {
  tsModule ??= (createRequire(import.meta.url)("ts-morph") as { ts: typeof TypeScript }).ts;
  return tsModule;
}
