/**
 * Browser stand-in for `node:module`: the generator loads the TypeScript compiler with
 * `createRequire(...)("ts-morph").ts` for JavaScript output. The page loads TypeScript on demand and hands it
 * over with `provideModule` first.
 */
const provided = new Map<string, unknown>();

export function provideModule(name: string, module: unknown): void {
  provided.set(name, module);
}

export function createRequire(_from: string): (name: string) => unknown {
  return (name) => {
    if (!provided.has(name)) throw new Error(`${name} is not available in the browser converter`);
    return provided.get(name);
  };
}
