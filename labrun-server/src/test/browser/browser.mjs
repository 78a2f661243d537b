// What every browser test script shares: its inputs from the environment (set by BrowserScript)
// and Debian's Chromium launched headless through playwright-core, with labrun's flags.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.LABRUN_TEST_PLAYWRIGHT_DIR, 'package.json'));
const { chromium } = require('playwright-core');

export const base = process.env.LABRUN_UI_URL;
export const token = process.env.LABRUN_UI_TOKEN;
export const fixture = JSON.parse(process.env.LABRUN_UI_FIXTURE);
export const shots = process.env.LABRUN_UI_SHOTS;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];

export function check(cond, message) {
  if (!cond) throw new Error(message);
}

export function launch() {
  return chromium.launch({ executablePath: process.env.LABRUN_TEST_CHROMIUM || '/usr/bin/chromium', headless: true, args: ARGS, timeout: 60_000 });
}

// A new page signed in with the token (or another), on the runs table; its uncaught errors go to pageErrors.
export async function signedIn(browser, pageErrors, viewport = { width: 1280, height: 900 }, as = token) {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.setDefaultTimeout(20_000);
  await page.goto(base, { waitUntil: 'load' });
  await page.fill('#login input[name=token]', as);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#runs');
  return page;
}
