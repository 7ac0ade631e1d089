/**
 * Generated modules in a real browser: headless Chromium (Debian's, driven by playwright-core) loads
 * the JavaScript output over http from 127.0.0.1, on the page and in a module Worker, and must
 * reproduce Keras' recorded outputs. Without Chromium this file is reported as skipped (never as
 * passed); `.ci/run` installs it and sets KERAS2TS_REQUIRE_BROWSER=1, which turns its absence into
 * a failure.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_REQUIRED, browserAvailable, launchChromium } from "./helpers/chromium.js";
import { caseFormats, FIXTURES, generateInto, readCase, REPO, samples, worstExcess } from "./helpers/cases.js";

const CASES = ["functional_multi_io", "bidirectional", "masking_lstm", "conv1d_lstm"];

const PAGE = `<!doctype html><meta charset="utf-8"><title>keras2ts</title>`;
/** Runs the module in a Worker: receives the samples, answers with every output. */
const WORKER = `import { predict } from "./model.mjs";
self.onmessage = (e) => self.postMessage(e.data.map((args) => [predict(...args)].flat().map((a) => Array.from(a))));`;

/** The same through keras2ts/worker: exposeModel in the worker, modelClient on the page (transferred inputs). */
const HELPER_WORKER = `import * as model from "./model.mjs";
import { exposeModel } from "/keras2ts/worker.js";
exposeModel(model);`;
const HELPER = join(REPO, "dist/generator/worker.js");

let server: Server;
let browser: Browser;
let base = "";
let root = "";

/** Serves files under `root` only (plus the page and the worker script). */
function serve(): Promise<void> {
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? "/").split("?")[0]!));
    const body = path === "/" ? PAGE : path.endsWith("/worker.mjs") ? WORKER : path.endsWith("/helper-worker.mjs") ? HELPER_WORKER
      : path === "/keras2ts/worker.js" ? readFileSync(HELPER) : existsSync(join(root, path)) && !path.includes("..") ? readFileSync(join(root, path)) : null;
    if (body === null) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": path === "/" ? "text/html" : "text/javascript" }).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  }));
}

describe.skipIf(!browserAvailable && !BROWSER_REQUIRED)("in headless Chromium", () => {
  beforeAll(async () => {
    const first = await generateInto(`browser/${CASES[0]}`, caseFormats(join(FIXTURES, CASES[0]!))[0]!, { language: "js" }, "model.mjs");
    root = dirname(dirname(first));
    await serve();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it.each(CASES)("%s matches Keras on the page, in a module Worker, and through keras2ts/worker", async (name) => {
    const dir = join(FIXTURES, name);
    await generateInto(`browser/${name}`, caseFormats(dir)[0]!, { language: "js" }, "model.mjs");
    const c = readCase(dir);
    const batch = c.inputs[0]!.shape[0]!;
    const args = Array.from({ length: batch }, (_, b) => c.inputs.map((t) => samples(t)[b]!));
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      const url = `/${name}/model.mjs`;
      // Page code goes in as text: vitest would rewrite a dynamic import() inside a callback.
      const onPage = (await page.evaluate(`(async () => {
        const m = await import(${JSON.stringify(url)});
        return ${JSON.stringify(args)}.map((xs) => [m.predict(...xs)].flat().map((a) => Array.from(a)));
      })()`)) as number[][][];
      const inWorker = (await page.evaluate(`new Promise((resolve, reject) => {
        const worker = new Worker(${JSON.stringify(url.replace("model.mjs", "worker.mjs"))}, { type: "module" });
        worker.onmessage = (e) => resolve(e.data);
        worker.onerror = (e) => reject(new Error(e.message));
        worker.postMessage(${JSON.stringify(args)});
      })`)) as number[][][];
      const throughHelper = (await page.evaluate(`(async () => {
        const { modelClient } = await import("/keras2ts/worker.js");
        const client = modelClient(new Worker(${JSON.stringify(url.replace("model.mjs", "helper-worker.mjs"))}, { type: "module" }));
        const results = [];
        for (const xs of ${JSON.stringify(args)}) {
          const inputs = xs.map((x) => Float32Array.from(x));
          const y = await client.predict(...inputs);
          if (inputs.some((x) => x.length !== 0)) throw new Error("inputs were not transferred");
          results.push([y].flat().map((a) => Array.from(a)));
        }
        return results;
      })()`)) as number[][][];
      for (const results of [onPage, inWorker, throughHelper]) {
        results.forEach((outputs, b) => outputs.forEach((got, k) => {
          const { excess } = worstExcess(got, samples(c.outputs[k]!)[b]!, c.atol, c.rtol);
          expect(excess, `${name} sample ${b} output ${k}`).toBeLessThanOrEqual(0);
        }));
      }
      expect(onPage).toEqual(inWorker);
    } finally {
      await page.close();
    }
  });
});
