/**
 * Headless Chromium for browser tests of the docs pages (Debian `chromium` + `playwright-core`).
 * Not exported from the package index: only this repository's tests use it.
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type Browser, chromium } from "playwright-core";

/** Where the Debian package puts Chromium; override with `ALLFRAME_TEST_CHROMIUM`. */
export const CHROMIUM_PATH = process.env.ALLFRAME_TEST_CHROMIUM ?? "/usr/bin/chromium";

/** Why browser tests cannot run here, or undefined when they can (pass it to `it(..., { skip })`). */
export function browserSkipReason(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH}; run apt-get install -y chromium or set ALLFRAME_TEST_CHROMIUM`;
}

/** Launches headless Chromium with the flags this machine needs; close it in `after`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * The path for a screenshot artifact, `test-artifacts/<name>.png` under the repository root (or
 * `ALLFRAME_TEST_ARTIFACTS`); the folder is created and git-ignored.
 */
export async function screenshotPath(name: string): Promise<string> {
  const dir = resolve(
    process.env.ALLFRAME_TEST_ARTIFACTS ?? join(import.meta.dirname, "../../../../test-artifacts"),
  );
  await mkdir(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
