// Types for cli-sample.js, for test/fuzz.test.ts.
import type { FuzzResult, Recipe } from "./check.js";
export declare const TIME_LIMIT_MS: number;
export declare function runCliSample(recipes: Recipe[], bin: string): Promise<FuzzResult[]>;
export declare const MEMORY_LIMIT_MB: number;
