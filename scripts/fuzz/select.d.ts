// Types for select.js, for test/fuzz.test.ts.
import type { Recipe } from "./check.js";
export declare function selectRecipes(options: { seed?: number; every?: number; filter?: string }): Promise<Recipe[]>;
