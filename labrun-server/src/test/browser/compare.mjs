// Compare of more than 50 runs in real headless Chromium (run by CompareUiIT).
//
// Filters the runs table, compares every run the filter finds (more than a page), checks the table has a
// column per run, that "only what differs" hides the fields all runs agree on and keeps the others, that
// the loss chart overlays every run (legend: one short label per run) by step and then by time, and that a
// metric logged once per run is one bar per run, both metrics' overlays asked in one request. Exits non-zero with the reason on the first failure.
import { base, fixture, shots, check, launch, signedIn } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const page = await signedIn(browser, pageErrors, { width: 1400, height: 1000 });
  await page.fill('#filters input[name=filter]', fixture.filter);
  await page.click('#filters button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr[data-run]').length === n, 50);
  await page.click('#compare-all');
  await page.waitForSelector('#compare-table');
  const ids = await page.$$eval('#compare-table thead th[data-run]', (ths) => ths.map((t) => t.dataset.run));
  check(JSON.stringify([...ids].sort()) === JSON.stringify([...fixture.runs].sort()), `compared ${ids.length} runs, expected the ${fixture.runs.length} the filter finds`);
  const fields = () => page.$$eval('#compare-table tbody tr', (rs) => rs.map((r) => [r.dataset.field, r.classList.contains('differs')]));
  const all = Object.fromEntries(await fields());
  check(all[fixture.differs] === true && all[fixture.same] === false, `fields and whether they differ: ${JSON.stringify(all)}`);
  await page.waitForSelector('.chart[data-metric="loss"] canvas');
  const legend = await page.$$eval('.chart[data-metric="loss"] .u-legend .u-series', (s) => s.map((e) => e.textContent.trim()));
  check(legend.length === fixture.runs.length && new Set(legend).size === legend.length && legend.every((l) => l.length <= 24),
    `the loss chart's legend has one short label per run: ${JSON.stringify(legend)}`);
  const bars = await page.$$eval('.chart.bars[data-metric="f1"] .bar-row', (rs) => rs.length);
  check(bars === fixture.runs.length, `f1, logged once per run, is one bar per run: ${bars}`);
  const asked = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
    .filter((p) => p.startsWith('/api/v1/compare/metrics')));
  check(asked.length === 1, `the overlays of both metrics are asked in one request: ${JSON.stringify(asked)}`);
  await page.screenshot({ path: `${shots}/compare-many.png`, fullPage: true });

  // A toggle draws the page again: the old table is marked, to wait for the new one.
  const redrawn = async (toggle) => {
    await page.evaluate(() => { document.getElementById('compare-table').dataset.old = '1'; });
    await page.check(toggle);
    await page.waitForSelector('#compare-table:not([data-old])');
  };
  await redrawn('#only-differs');
  check(await page.evaluate(() => location.hash.includes('differs=1')), 'only what differs is not in the address');
  await page.waitForFunction((same) => document.querySelector('#compare-table') && !document.querySelector(`#compare-table tr[data-field="${same}"]`), fixture.same);
  const differing = Object.fromEntries(await fields());
  check(differing[fixture.differs] === true && !(fixture.same in differing), `only what differs: ${JSON.stringify(differing)}`);
  check(Object.values(differing).every((d) => d), 'a field all runs agree on is shown with only what differs');
  await page.screenshot({ path: `${shots}/compare-differs.png`, fullPage: true });

  const painted = () => page.$eval('.chart[data-metric="loss"] canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
  await redrawn('#by-time');
  check(await page.evaluate(() => location.hash.includes('x=time')), 'by time is not in the address');
  await page.waitForSelector('.chart[data-metric="loss"] canvas');
  check(await page.isChecked('#only-differs') && await page.isChecked('#by-time'), 'the toggles do not stay on');
  check(await painted() > 500, 'the loss chart by time is not drawn');

  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, browser: browser.version(), compared: ids.length }));
} finally {
  await browser.close();
}
