// Types for report.js, for test/fuzz.test.ts.
import type { FuzzResult } from "./check.js";
export declare function countTable(results: FuzzResult[]): string;
export declare function bugs(results: FuzzResult[]): FuzzResult[];
