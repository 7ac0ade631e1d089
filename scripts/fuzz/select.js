// The deterministic selection of recipes a run uses: all of them, or every k-th, or those matching a filter.
import { buildRecipes } from "./mutations.js";
import { fixtureSources } from "./sources.js";

export async function selectRecipes({ seed = 1, every = 1, filter = "" }) {
  const all = await buildRecipes(fixtureSources(), seed);
  return all.filter((r, i) => i % every === 0 && r.id.includes(filter));
}
