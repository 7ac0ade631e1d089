/**
 * `keras2ts/worker` with Node's worker_threads: a generated module served from a worker reproduces
 * Keras (single- and multi-output, stateful steps), inputs are transferred, results stay valid after
 * later calls, and a bad argument rejects the promise with the module's RangeError.
 * (The same helper in a browser Worker: test/browser.test.ts.)
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { modelClient, type MessagePortLike } from "../generator/worker.js";
import { asList, caseFormats, FIXTURES, generateInto, readCase, REPO, samples, worstExcess, type KerasCase } from "./helpers/cases.js";

const workers: Worker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
});

async function startWorker(name: string): Promise<MessagePortLike> {
  const modelPath = await generateInto(`worker/${name}`, caseFormats(join(FIXTURES, name))[0]!, { language: "js" }, "model.mjs");
  const script = join(dirname(modelPath), "worker.mjs");
  writeFileSync(script, [
    `import { parentPort } from "node:worker_threads";`,
    `import * as model from "./model.mjs";`,
    `import { exposeModel } from ${JSON.stringify(pathToFileURL(join(REPO, "dist/generator/worker.js")).href)};`,
    `exposeModel(model, parentPort);`,
  ].join("\n"));
  const worker = new Worker(script);
  workers.push(worker);
  return worker as unknown as MessagePortLike;
}

function expectClose(got: Float32Array[], want: KerasCase["outputs"], sample: number, c: KerasCase): void {
  want.forEach((w, k) => expect(worstExcess(got[k]!, samples(w)[sample]!, c.atol, c.rtol).excess, `output ${k} sample ${sample}`).toBeLessThanOrEqual(0));
}

describe("keras2ts/worker in worker_threads", () => {
  it.each(["lstm_default", "functional_multi_io"])("%s: every sample matches Keras, inputs transferred, results kept", async (name) => {
    const c = readCase(join(FIXTURES, name));
    const client = modelClient(await startWorker(name));
    const batch = c.inputs[0]!.shape[0]!;
    const results: Float32Array[][] = [];
    for (let b = 0; b < batch; b++) {
      const xs = c.inputs.map((t) => Float32Array.from(samples(t)[b]!));
      results.push(asList(await client.predict(...xs)));
      expect(xs.every((x) => x.length === 0), "typed-array inputs are transferred (detached here)").toBe(true);
    }
    // Every result is the worker's own copy: later calls do not overwrite earlier ones.
    results.forEach((got, b) => expectClose(got, c.outputs, b, c));
  });

  it("stateful steps and resetStates run on the worker's session", async () => {
    const c = readCase(join(FIXTURES, "stateful_lstm"));
    const client = modelClient(await startWorker("stateful_lstm"));
    let checked = 0;
    for (const step of c.steps!) {
      if (step.reset) {
        await client.resetStates();
        continue;
      }
      expectClose(asList(await client.predict(...step.inputs!.map((t) => samples(t)[0]!))), step.outputs!, 0, c);
      checked++;
    }
    expect(checked).toBeGreaterThan(1);
  });

  it("a wrong argument rejects with the module's RangeError, and the worker keeps serving", async () => {
    const c = readCase(join(FIXTURES, "lstm_default"));
    const client = modelClient(await startWorker("lstm_default"));
    await expect(client.predict([1, 2, 3])).rejects.toThrow(/RangeError: .*input_layer/);
    expectClose(asList(await client.predict(samples(c.inputs[0]!)[0]!)), c.outputs, 0, c);
  });
});
