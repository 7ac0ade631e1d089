// Worker thread: runs recipes in-process and reports each one, so the parent can time out a hang.
import { parentPort, workerData } from "node:worker_threads";
import { runRecipe } from "./check.js";
import { selectRecipes } from "./select.js";

const lib = { ...(await import(workerData.libUrl)), ...(await import(new URL("inspect.js", workerData.libUrl).href)) };
const recipes = await selectRecipes(workerData);
for (let i = workerData.start; i < recipes.length; i++) {
  parentPort.postMessage({ type: "start", index: i });
  let result;
  try {
    result = await runRecipe(lib, recipes[i]);
  } catch (err) {
    // A failure of the harness itself (making the mutant), not of keras2ts: reported separately.
    result = { id: recipes[i].id, category: recipes[i].category, expect: recipes[i].expect, outcome: "harness-error", detail: String(err?.stack ?? err).slice(0, 300), ms: 0 };
  }
  parentPort.postMessage({ type: "result", index: i, result: { ...result, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) } });
}
parentPort.postMessage({ type: "done" });
