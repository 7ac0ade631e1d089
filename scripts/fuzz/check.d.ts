// Types for check.js, for test/fuzz.test.ts.
export interface Recipe {
  id: string;
  category: string;
  expect: "reject" | "same" | "any";
  source: { id: string; format: "keras" | "h5" | "weights"; path: string };
  options?: Record<string, number>;
  make(): Promise<{ bytes: Uint8Array; configText?: string }>;
}
export interface FuzzResult {
  id: string;
  category: string;
  expect: string;
  outcome: string;
  detail: string;
  ms: number;
}
export declare const BUG_OUTCOMES: Set<string>;
export declare function runRecipe(lib: unknown, recipe: Recipe): Promise<FuzzResult>;
