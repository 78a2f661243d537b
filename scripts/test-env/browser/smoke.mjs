// Browser smoke test for labrun's test environment (scripts/test-env/chromium.sh).
//
//   node smoke.mjs SCREENSHOT.png [URL]
//
// Launches Debian's Chromium (LABRUN_TEST_CHROMIUM, default /usr/bin/chromium)
// through playwright-core -- never a browser that Playwright downloads --
// opens URL (default: a page this script serves itself on 127.0.0.1), clicks
// the button #go, checks that #status changes from "waiting" to "clicked",
// and saves a screenshot. Exits non-zero on any failure.
import { chromium } from 'playwright-core';
import http from 'node:http';

const [screenshot, urlArg] = process.argv.slice(2);
if (!screenshot) {
  console.error('usage: node smoke.mjs SCREENSHOT.png [URL]');
  process.exit(2);
}
const executablePath = process.env.LABRUN_TEST_CHROMIUM || '/usr/bin/chromium';
// The flags labrun's browser tests use: no sandbox (root), no GPU, and no
// background traffic (this machine's network is closed).
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>labrun smoke</title></head>
<body style="font-family: sans-serif; padding: 2em">
  <h1>labrun browser smoke test</h1>
  <p id="status">waiting</p>
  <button id="go" onclick="document.getElementById('status').textContent = 'clicked'">Click me</button>
</body></html>
`;

let server;
let url = urlArg;
if (!url) {
  server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/`;
}

const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
try {
  const page = await browser.newPage({ viewport: { width: 800, height: 400 } });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  const before = (await page.textContent('#status'))?.trim();
  if (before !== 'waiting') throw new Error(`#status before click is '${before}', expected 'waiting'`);
  await page.click('#go');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'clicked', null, { timeout: 10_000 });
  await page.screenshot({ path: screenshot });
  console.error(`smoke ok: ${browser.version()} at ${executablePath}, clicked on ${url}, screenshot ${screenshot}`);
} finally {
  await browser.close();
  server?.close();
}
