// Times the runs page, the compare page and a run page with a 1,000,000-point metric in headless
// Chromium (run by bench/ui-timings.sh). Each figure is measured in the
// page with performance.now(): from the navigation's start (or the click) to the first animation frame
// after the table's new rows are in the document, i.e. once they can be painted.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(path.join(process.env.LABRUN_TEST_PLAYWRIGHT_DIR, 'package.json'));
const { chromium } = require('playwright-core');
const base = process.env.LABRUN_UI_URL;
const token = process.env.LABRUN_UI_TOKEN;
const reps = Number(process.env.LABRUN_BENCH_REPS || 10);
const FILTER = 'metrics.accuracy > 0.9 and params.reg in (100, 1000)';

// In the page: resolves with performance.now() at the first frame after a new #runs table with rows
// replaced `old` (null: any).
function drawn() {
  return new Promise((resolve) => {
    const old = window.__oldTable || null;
    const done = () => {
      const t = document.getElementById('runs');
      if (!t || t === old || !t.querySelector('tbody tr[data-run]')) return false;
      requestAnimationFrame(() => resolve(performance.now()));
      return true;
    };
    if (done()) return;
    const mo = new MutationObserver(() => { if (done()) mo.disconnect(); });
    mo.observe(document, { childList: true, subtree: true });
  });
}

async function timed(page, act) {
  await page.evaluate(() => { window.__oldTable = document.getElementById('runs'); window.__t0 = performance.now(); });
  const ended = page.evaluate(drawn);
  await act();
  const t1 = await ended;
  return t1 - (await page.evaluate(() => window.__t0));
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil((s.length * p) / 100) - 1)]; };
const browser = await chromium.launch({ executablePath: process.env.LABRUN_TEST_CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
const results = { load: [], filter: [], sort: [], next: [], compare: [], big: [] };
const requests = {};
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript((t) => localStorage.setItem('labrun.token', t), token);
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  for (let i = 0; i <= reps; i++) {
    // A fresh load of the runs page: navigation start (time origin) to its first 50 rows drawn.
    await page.goto(`${base}/?round=${i}#/runs`, { waitUntil: 'commit' });
    const loaded = await page.evaluate(drawn);
    // The filter box: type, Apply, rows drawn.
    await page.fill('#filters input[name=filter]', FILTER);
    const filtered = await timed(page, () => page.click('#filters button[type=submit]'));
    // Sort by a metric column (the filter's metric is a column): click its header.
    const sorted = await timed(page, () => page.click('#runs th[data-sort="metric:accuracy"] a'));
    // The next page of the filtered, sorted table.
    const next = await timed(page, () => page.click('#next'));
    if (i === 0) continue; // the first round warms the server's and the browser's caches
    results.load.push(loaded); results.filter.push(filtered); results.sort.push(sorted); results.next.push(next);
    // What the API requests took, as Chromium's Resource Timing saw them (request start to response end).
    for (const [what, ms] of await page.evaluate(() => performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/')).map((e) => [new URL(e.name).pathname.replace(/\/runs\/[^/]+$/, '/runs/ID'), e.duration]))) {
      (requests[what] ||= []).push(ms);
    }
  }
  // Compare of 50 runs: navigation start to every metric's chart drawn (10 overlays of 50 series).
  const compared = process.env.LABRUN_BENCH_COMPARE.split(',');
  for (let i = 0; i <= reps; i++) {
    await page.goto(`${base}/?compare=${i}#/compare?runs=${compared.join(',')}`, { waitUntil: 'commit' });
    await page.waitForFunction((n) => document.querySelectorAll('#charts .chart canvas, #charts .chart.bars').length === n, 10, { polling: 'raf' });
    const t = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    if (i > 0) {
      results.compare.push(t);
      for (const [what, ms] of await page.evaluate(() => performance.getEntriesByType('resource')
        .filter((e) => e.name.includes('/api/v1/')).map((e) => [new URL(e.name).pathname, e.duration]))) {
        (requests[what] ||= []).push(ms);
      }
    }
  }
  // The run page of the run with a 1,000,000-point metric: navigation start to that metric's chart drawn
  // (the server downsamples it to at most 1,000 buckets).
  let bigPoints = 0;
  for (let i = 0; i <= reps; i++) {
    await page.goto(`${base}/?big=${i}#/run/${encodeURIComponent(process.env.LABRUN_BENCH_BIG)}`, { waitUntil: 'commit' });
    await page.waitForFunction(() => document.querySelector('.chart[data-metric="big"][data-points] canvas'), null, { polling: 'raf' });
    const t = await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now()))));
    bigPoints = await page.$eval('.chart[data-metric="big"]', (c) => Number(c.dataset.points));
    if (i > 0) results.big.push(t);
  }
  console.log(`runs, compare and run pages in ${browser.version()}, ${reps} rounds after one warm-up each`);
  console.log('what                                                           |   p50 ms |   p95 ms |   max ms');
  const names = { load: 'load #/runs to first 50 rows drawn', filter: `filter "${FILTER}"`, sort: 'click metric header (sort by accuracy desc)', next: 'next page (Older →)', compare: 'load #/compare of 50 runs to its 10 charts drawn', big: 'load #/run/ID to its 1,000,000-point metric drawn' };
  for (const [k, xs] of Object.entries(results)) {
    console.log(`${names[k].padEnd(62)} | ${pct(xs, 50).toFixed(0).padStart(8)} | ${pct(xs, 95).toFixed(0).padStart(8)} | ${Math.max(...xs).toFixed(0).padStart(8)}`);
  }
  console.log(`(the 1,000,000-point metric drawn as ${bigPoints} points, each with its min-max band)`);
  console.log('\nAPI requests of those rounds (Resource Timing)      |   count |   p50 ms |   p95 ms');
  for (const [what, xs] of Object.entries(requests)) {
    console.log(`${what.padEnd(52)} | ${String(xs.length).padStart(7)} | ${pct(xs, 50).toFixed(0).padStart(8)} | ${pct(xs, 95).toFixed(0).padStart(8)}`);
  }
} finally {
  await browser.close();
}
