/** Compiles generated files with the TypeScript compiler API under the strictest settings we promise. */
import ts from "typescript";

/** The runtime copy keras2ts writes beside a module, in each flavour (.ts, .js, .mjs, .cjs, .d.ts, .d.mts, .d.cts). */
const RUNTIME = /[\\/]keras2ts-runtime(\.(?:d\.)?[mc]?[tj]s)$/;

export const STRICT_OPTIONS: ts.CompilerOptions = {
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noFallthroughCasesInSwitch: true,
  noPropertyAccessFromIndexSignature: true,
  noImplicitOverride: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2020.d.ts"],
  types: [],
  skipLibCheck: false,
};

/**
 * Type-checks the given root files (and what they import); returns formatted diagnostics, empty when clean.
 * Every generated module has its own copy of the runtime, byte for byte the same: a copy identical to one
 * already in the program (same content, same extension, no imports of its own) is checked once, not once
 * per module; the modules importing it are still checked against that very text.
 */
export function typecheck(files: readonly string[], options: ts.CompilerOptions = STRICT_OPTIONS): string[] {
  const host = cachingHost(options);
  const runtimes = new Map<string, string>();
  const canonical = (fileName: string): string => {
    const flavour = RUNTIME.exec(fileName)?.[1];
    if (flavour === undefined) return fileName;
    const text = host.readFile(fileName);
    if (text === undefined || ts.preProcessFile(text, true, true).importedFiles.length > 0) return fileName;
    const key = `${flavour}\0${text}`;
    if (!runtimes.has(key)) runtimes.set(key, fileName);
    return runtimes.get(key)!;
  };
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts) =>
    literals.map((literal) => {
      const resolved = ts.resolveModuleName(literal.text, containingFile, opts, host, cache, redirected).resolvedModule;
      return { resolvedModule: resolved && { ...resolved, resolvedFileName: canonical(resolved.resolvedFileName) } };
    });
  const program = ts.createProgram({ rootNames: [...new Set(files.map(canonical))], options, host });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : "";
    return where + ts.flattenDiagnosticMessageText(d.messageText, "\n");
  });
}

/** TypeScript's own lib files, parsed once per test process instead of once per program. */
const libFiles = new Map<string, ts.SourceFile | undefined>();

function cachingHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const libDir = host.getDefaultLibLocation?.() ?? "";
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    if (libDir === "" || !fileName.startsWith(libDir)) return getSourceFile(fileName, languageVersion, ...rest);
    const key = `${fileName}\0${JSON.stringify(languageVersion)}`;
    if (!libFiles.has(key)) libFiles.set(key, getSourceFile(fileName, languageVersion, ...rest));
    return libFiles.get(key);
  };
  return host;
}
