/**
 * The converter page (`npm run web`) in headless Chromium: fixture files dropped on it (.keras, legacy
 * .h5, weights-only .weights.h5 + config JSON) are converted in the page; the downloaded module and
 * runtime, served back and imported on a fresh page, reproduce Keras' outputs; the page's own
 * `predict` box does too; a broken file shows the one-line error. Skipped without Chromium, required
 * in CI (KERAS2TS_REQUIRE_BROWSER=1), like test/browser.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import type { Browser, Page } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BROWSER_REQUIRED, browserAvailable, launchChromium } from "./helpers/chromium.js";
import { FIXTURES, GENERATED, readCase, REPO, samples, worstExcess, type KerasCase } from "./helpers/cases.js";

const SITE = join(GENERATED, "web/site");
const DOWNLOADS = join(GENERATED, "web/downloads");

const CASES = [
  { label: "lstm_default (.keras)", name: "lstm_default", files: ["model.keras"] },
  { label: "gru_reset_after (.h5)", name: "gru_reset_after", files: ["model.h5"] },
  { label: "weights_only (.weights.h5 + JSON)", name: "weights_only", files: ["model.weights.h5", "model.json"] },
  { label: "functional_multi_io (.keras, two inputs and outputs)", name: "functional_multi_io", files: ["model.keras"] },
] as const;

let server: Server;
let browser: Browser;
let base = "";

const TYPES: Record<string, string> = { ".html": "text/html", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript" };

/** Serves the built site at / and downloaded modules under /downloads/. */
function serve(): Promise<void> {
  server = createServer((req, res) => {
    const url = normalize(decodeURIComponent((req.url ?? "/").split("?")[0]!));
    const path = url.startsWith("/downloads/") ? join(DOWNLOADS, url.slice("/downloads/".length)) : join(SITE, url === "/" ? "index.html" : url);
    if (url.includes("..") || !existsSync(path)) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" }).end(readFileSync(path));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => {
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    resolve();
  }));
}

async function convertOnPage(page: Page, name: string, files: readonly string[], language: "ts" | "js"): Promise<string> {
  await page.goto(`${base}/`);
  await page.selectOption("#language", language);
  if (files[1]) await page.setInputFiles("#config-file", join(FIXTURES, name, files[1]));
  await page.setInputFiles("#model-file", join(FIXTURES, name, files[0]!));
  await page.waitForSelector("#status.ok, #status.error", { timeout: 60_000 });
  return (await page.textContent("#status")) ?? "";
}

async function download(page: Page, selector: string, dir: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return file.suggestedFilename();
}

function expectSamples(results: number[][][], c: KerasCase): void {
  expect(results.length).toBe(c.inputs[0]!.shape[0]);
  results.forEach((outputs, b) => outputs.forEach((got, k) => {
    expect(worstExcess(got, samples(c.outputs[k]!)[b]!, c.atol, c.rtol).excess, `sample ${b} output ${k}`).toBeLessThanOrEqual(0);
  }));
}

describe.skipIf(!browserAvailable && !BROWSER_REQUIRED)("converter page in headless Chromium", () => {
  beforeAll(async () => {
    rmSync(join(GENERATED, "web"), { recursive: true, force: true });
    await build({ configFile: join(REPO, "web/vite.config.ts"), logLevel: "silent", build: { outDir: SITE, emptyOutDir: true } });
    await serve();
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it.each(CASES)("$label: the downloaded module matches Keras", async ({ name, files }) => {
    const c = readCase(join(FIXTURES, name));
    const page = await browser.newPage();
    try {
      expect(await convertOnPage(page, name, files, "js")).toMatch(/parameters → model\.mjs$/);
      expect(await page.textContent("#inspect")).toMatch(/Total params: \d+/);
      const dir = join(DOWNLOADS, name);
      mkdirSync(dir, { recursive: true });
      const moduleName = await download(page, "#download-module", dir);
      await download(page, "#download-runtime", dir);
      const args = Array.from({ length: c.inputs[0]!.shape[0]! }, (_, b) => c.inputs.map((t) => samples(t)[b]!));
      const fresh = await browser.newPage();
      await fresh.goto(`${base}/`);
      const results = (await fresh.evaluate(`(async () => {
        const m = await import(${JSON.stringify(`/downloads/${name}/${moduleName}`)});
        return ${JSON.stringify(args)}.map((xs) => [m.predict(...xs)].flat().map((a) => Array.from(a)));
      })()`)) as number[][][];
      await fresh.close();
      expectSamples(results, c);
    } finally {
      await page.close();
    }
  });

  it("the TypeScript download and the page's predict box", async () => {
    const c = readCase(join(FIXTURES, "lstm_default"));
    const page = await browser.newPage();
    try {
      expect(await convertOnPage(page, "lstm_default", ["model.keras"], "ts")).toMatch(/→ model\.ts$/);
      const dir = join(DOWNLOADS, "ts");
      mkdirSync(dir, { recursive: true });
      const name = await download(page, "#download-module", dir);
      expect(readFileSync(join(dir, name), "utf8")).toMatch(/^\/\/ @generated by keras2ts from model\.keras/);
      await page.fill("#input-0", JSON.stringify(samples(c.inputs[0]!)[1]));
      await page.click("#predict");
      const shown = (await page.textContent("#output")) ?? "";
      const values = shown.slice(shown.indexOf(":") + 1).split(",").map(Number);
      expect(worstExcess(values, samples(c.outputs[0]!)[1]!, c.atol, c.rtol).excess).toBeLessThanOrEqual(0);
    } finally {
      await page.close();
    }
  });

  it("a file that is not a Keras model shows the one-line error", async () => {
    const bad = join(GENERATED, "web/broken.keras");
    writeFileSync(bad, "PK\u0003\u0004 not really a zip");
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      await page.setInputFiles("#model-file", bad);
      await page.waitForSelector("#status.error", { timeout: 60_000 });
      expect(await page.textContent("#status")).toMatch(/^keras2ts: broken\.keras: .+/);
      expect(await page.isHidden("#result")).toBe(true);
    } finally {
      await page.close();
    }
  });
});
