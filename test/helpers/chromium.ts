/**
 * Debian's Chromium for the real-browser tests, started headless as this machine needs (no sandbox as
 * root, no background networking on a closed network). Without it those tests are reported as
 * skipped; `.ci/run` installs it and sets KERAS2TS_REQUIRE_BROWSER=1, which turns its absence into a failure.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const BROWSER_REQUIRED = process.env["KERAS2TS_REQUIRE_BROWSER"] === "1";
export const browserAvailable = existsSync(CHROMIUM);

export function launchChromium(): Promise<Browser> {
  if (!browserAvailable) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
