/**
 * A real browser for the page tests: Debian's chromium (installed by `npm test`'s setup step,
 * scripts/install-chromium.js) driven by playwright-core. Screenshots go to test-artifacts/
 * (gitignored). The README's (`screenshot(..., { readme: true })`) are copied to docs/screenshots/
 * only when README_SCREENSHOTS=1, so that a test run leaves the work tree clean:
 * `README_SCREENSHOTS=1 npx jest test/pages` refreshes them.
 */
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { ApiHarness } from './api-harness';

export const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve('test-artifacts', 'pages');
const README_SHOTS = path.resolve('docs', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** The harness's API on a real port (the browser needs one); returns its base URL. */
export async function listen(h: ApiHarness): Promise<string> {
  const server = await h.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Signs in through the sign-in form, as a person would: paste the key, submit. */
export async function signIn(page: Page, base: string, key: string, next = '/pages/portfolio'): Promise<void> {
  await page.goto(`${base}${next}`);
  // Not signed in: the page sends the browser to the sign-in form, and back after it.
  await page.waitForURL(/\/pages\/sign-in/);
  await page.fill('#key', key);
  await Promise.all([page.waitForURL((u) => u.pathname === next.split('?')[0]), page.click('button[type=submit]')]);
}

/** Saves a full-page screenshot as a test artefact; `readme`: also as docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (opts.readme && process.env.README_SCREENSHOTS === '1') {
    fs.mkdirSync(README_SHOTS, { recursive: true });
    fs.copyFileSync(file, path.join(README_SHOTS, `${name}.png`));
  }
}

/** The link the welcome mail carries, on this test's API: its path on `base`. */
export function onThisApi(link: string, base: string): string {
  const url = new URL(link);
  return `${base}${url.pathname}`;
}

/** The first link to the tracker in a mail's text. */
export function trackerLinkIn(text: string): string {
  const match = /https?:\/\/\S+\/tracker\/[A-Za-z0-9._-]+/.exec(text);
  if (!match) throw new Error(`no tracker link in the mail:\n${text}`);
  return match[0];
}
