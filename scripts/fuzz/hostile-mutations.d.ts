// Types for hostile-mutations.js, for the TypeScript tests that reuse it.
export declare function hostileMutations(r: unknown, source: unknown, input: unknown, add: unknown): void;
/** The model wrapped `levels` times in a Functional calling the level below `k` times; the top lists its output `repeatOutputs` times. */
export declare function fanoutModel(model: unknown, levels: number, k: number, repeatOutputs?: number): unknown;
