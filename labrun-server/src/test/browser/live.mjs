// A running run in real headless Chromium, driven by playwright-core (run by LiveMetricsIT).
//
//   node live.mjs   with env: LABRUN_UI_URL, LABRUN_UI_TOKEN, LABRUN_UI_FIXTURE (JSON: running, stop, metric),
//                   LABRUN_UI_SHOTS, LABRUN_TEST_PLAYWRIGHT_DIR, LABRUN_TEST_CHROMIUM
//
// The runs table shows the run Running; its page's chart gains points as the script logs them
// (the count read from the chart's own data, no sleeping) and new log lines arrive; then the test
// writes the file the script waits for, and both the page and the runs table (open in another tab,
// not reloaded) show it Completed; the chart is then drawn from history with every point.
import fs from 'node:fs';
import { base, token, fixture, shots, check, launch } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => localStorage.setItem('labrun.token', t), token);
  const table = await context.newPage();
  const page = await context.newPage();
  for (const p of [table, page]) {
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    p.setDefaultTimeout(30_000);
  }
  const row = `#runs tr[data-run="${fixture.running}"]`;
  await table.goto(`${base}/#/runs`);
  await table.waitForSelector(row);
  check(await table.textContent(`${row} td.status`) === 'Running', 'the runs table does not show the run Running');
  await table.screenshot({ path: `${shots}/live-runs.png`, fullPage: true });

  await page.goto(`${base}/#/run/${encodeURIComponent(fixture.running)}`);
  const chart = `.chart[data-metric="${fixture.metric}"]`;
  const points = () => page.$eval(chart, (c) => Number(c.dataset.points || 0));
  await page.waitForFunction((sel) => Number(document.querySelector(sel)?.dataset.points || 0) > 0, chart);
  const first = await points();
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel).dataset.points) >= n, [chart, first + 10]);
  const later = await points();
  check(later >= first + 10, `the chart did not grow: ${first} then ${later} points`);
  const step = async () => Math.max(-1, ...(await page.$$eval('#log .line', (ls) => ls.map((l) => l.textContent)))
    .map((t) => /^step (\d+)$/.exec(t)).filter(Boolean).map((m) => Number(m[1])));
  const firstStep = await step();
  await page.waitForFunction((n) => [...document.querySelectorAll('#log .line')].some((l) => {
    const m = /^step (\d+)$/.exec(l.textContent); return m && Number(m[1]) >= n;
  }), firstStep + 5);
  check(await page.textContent('#status') === 'Running', 'the running run is not shown Running');
  const canvas = await page.$eval(`${chart} canvas`, (c) => ({ w: c.width, h: c.height }));
  check(canvas.w > 100 && canvas.h > 100, `the live chart has no canvas: ${JSON.stringify(canvas)}`);
  await page.screenshot({ path: `${shots}/live-chart.png`, fullPage: true });

  // The end: the script sees the file and stops.
  fs.writeFileSync(fixture.stop, '');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Completed', null, { timeout: 60_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('#log .line')].some((l) => l.textContent === 'done'));
  await table.waitForFunction((sel) => document.querySelector(`${sel} td.status`).textContent === 'Completed', row, { timeout: 60_000 });
  const metrics = await page.evaluate(async ([id, t]) => (await (await fetch(`/api/v1/runs/${encodeURIComponent(id)}/metrics`,
    { headers: { Authorization: `Bearer ${t}` } })).json()).metrics, [fixture.running, token]);
  const total = metrics.find((m) => m.name === fixture.metric).count;
  check(total >= later, `history has ${total} points, fewer than the ${later} shown live`);
  await page.waitForFunction(([sel, n]) => Number(document.querySelector(sel)?.dataset.points) === n, [chart, total]);
  await page.screenshot({ path: `${shots}/live-ended.png`, fullPage: true });
  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, live: [first, later], total }));
} finally {
  await browser.close();
}
