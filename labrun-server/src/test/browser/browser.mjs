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
