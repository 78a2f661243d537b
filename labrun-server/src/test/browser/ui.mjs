// The web UI in real headless Chromium, driven by playwright-core (run by BrowserUiIT).
//
//   node ui.mjs   with env: LABRUN_UI_URL, LABRUN_UI_TOKEN, LABRUN_UI_FIXTURE (JSON), LABRUN_UI_SHOTS (folder),
//                 LABRUN_TEST_PLAYWRIGHT_DIR (where playwright-core is installed), LABRUN_TEST_CHROMIUM
//
// Signs in, filters the runs table in the query language (with its order by, and a mistake shown
// under the box), sorts by a metric, watches a running
// run's log grow, checks that every metric chart of a run is drawn, that secrets show as *** (params,
// a run configuration in the snapshot viewer), compares two runs, and fails on any request that
// leaves the server (no CDN, no network at run time) and on anything the Content-Security-Policy blocks. Screenshots go to
// LABRUN_UI_SHOTS. Exits non-zero with the reason on the first failure.
import { base, token, fixture, shots, check, launch } from './browser.mjs';

const browser = await launch();
const outside = [];
const pageErrors = [];
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== new URL(base).origin) { outside.push(u.href); return route.abort(); }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // The server's Content-Security-Policy allows no inline script: Chromium reports what it blocks on the console.
  const blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  page.setDefaultTimeout(20_000);

  // Sign in.
  await page.goto(base, { waitUntil: 'load' });
  await page.fill('#login input[name=token]', token);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#runs tbody tr[data-run]');
  const all = await page.$$eval('#runs tbody tr[data-run]', (rows) => rows.map((r) => r.dataset.run));
  check(all.length === fixture.runs.length, `runs table shows ${all.length} runs, expected ${fixture.runs.length}`);
  check(await page.textContent('#runs tbody') .then((t) => !t.includes(token)), 'the token appears in the page');
  await page.screenshot({ path: `${shots}/runs.png`, fullPage: true });

  // Filter in the query language (its order by, then a mistake), then sort by a metric column, descending.
  await page.fill('#filters input[name=filter]', 'metrics.accuracy > 0.9 and params.lr in (0.04, 0.05) order by metrics.accuracy asc');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction((want) => [...document.querySelectorAll('#runs tbody tr[data-run]')].map((r) => r.dataset.run).join() === want,
    fixture.ordered.join());
  check(await page.$('#runs th[data-sort="metric:accuracy"]') !== null, 'the metric the filter names is a column');
  await page.fill('#filters input[name=filter]', 'metrics.accuracy >');
  await page.click('#filters button[type=submit]');
  await page.waitForSelector('#filter-error');
  const problem = await page.textContent('#filter-error');
  check(problem.startsWith('filter, column 19: '), `the filter's mistake is shown with its column: ${problem}`);
  check(await page.inputValue('#filters input[name=filter]') === 'metrics.accuracy >', 'the filter box keeps what was typed');
  await page.fill('#filters input[name=filter]', 'metrics.accuracy > 0.9 order by created');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr[data-run]').length === n, fixture.accurate.length);
  await page.click('#runs th[data-sort="metric:accuracy"] a');
  await page.waitForFunction(() => location.hash.includes('sort=-metric'));
  await page.waitForFunction((first) => document.querySelector('#runs tbody tr[data-run]')?.dataset.run === first, fixture.accurate[0]);
  const filtered = await page.$$eval('#runs tbody tr[data-run]', (rows) => rows.map((r) => r.dataset.run));
  check(JSON.stringify(filtered) === JSON.stringify(fixture.accurate), `filtered+sorted runs ${filtered}, expected ${fixture.accurate}`);
  await page.screenshot({ path: `${shots}/runs-filtered.png`, fullPage: true });

  // A running run: new log lines arrive while we watch.
  await page.goto(`${base}/#/runs`);
  await page.click(`#runs a[href="#/run/${encodeURIComponent(fixture.running)}"]`);
  await page.waitForSelector('#log .line');
  const tick = async () => Math.max(-1, ...(await page.$$eval('#log .line', (ls) => ls.map((l) => l.textContent)))
    .map((t) => /^tick (\d+)$/.exec(t)).filter(Boolean).map((m) => Number(m[1])));
  const first = await tick();
  await page.waitForFunction((n) => [...document.querySelectorAll('#log .line')].some((l) => {
    const m = /^tick (\d+)$/.exec(l.textContent); return m && Number(m[1]) >= n;
  }), first + 5, { timeout: 30_000 });
  const later = await tick();
  check(later >= first + 5, `log did not grow: tick ${first} then ${later}`);
  const ticks = await page.$$eval('#log .line', (ls) => ls.map((l) => l.textContent).filter((t) => t.startsWith('tick ')));
  check(new Set(ticks).size === ticks.length, 'a log line appears twice');
  check(await page.textContent('#status') === 'Running', 'the running run is not shown Running');
  await page.screenshot({ path: `${shots}/run-live.png`, fullPage: true });

  // A finished run: one chart per metric, each drawn.
  await page.goto(`${base}/#/run/${encodeURIComponent(fixture.charted)}`);
  for (const m of fixture.metrics) {
    await page.waitForSelector(`.chart[data-metric="${m}"] canvas`);
  }
  const drawn = await page.$$eval('.chart canvas', (cs) => cs.map((c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) painted++;
    return { metric: c.closest('.chart').dataset.metric, w: c.width, h: c.height, painted };
  }));
  for (const m of fixture.metrics) {
    const c = drawn.find((x) => x.metric === m);
    check(c && c.w > 100 && c.h > 100 && c.painted > 500, `chart of ${m} not drawn: ${JSON.stringify(c)}`);
  }
  for (const [m, v] of Object.entries(fixture.values)) {
    await page.waitForSelector(`.chart.single[data-metric="${m}"] .value`);
    const shown = await page.textContent(`.chart.single[data-metric="${m}"] .value`);
    check(shown === v, `the metric ${m}, logged once, shows ${shown}, expected its value ${v}`);
    check(await page.$(`.chart[data-metric="${m}"] canvas`) === null, `the metric ${m}, logged once, is drawn as a chart`);
  }
  await page.waitForFunction((n) => [...document.querySelectorAll('#images img')].filter((i) => i.complete && i.naturalWidth > 0).length === n,
    fixture.images.length);
  const pictures = await page.$$eval('#images img', (is) => is.map((i) => i.dataset.path));
  check(JSON.stringify(pictures) === JSON.stringify(fixture.images), `the run's images shown: ${pictures}, expected ${fixture.images}`);
  check(await page.textContent('#artifacts').then((t) => t.includes('outputs/model.pkl')), 'artifact not listed');
  await page.click('#snapshot-files a:text("train.py")');
  await page.waitForFunction(() => document.getElementById('viewer').textContent.includes('import'));
  await page.click('#snapshot-files a:text("aml_config/local.runconfig")');
  await page.waitForFunction(() => document.getElementById('viewer').textContent.includes('DB_PASSWORD'));
  const config = await page.textContent('#viewer');
  check(config.includes('DB_PASSWORD: ***') && config.includes('MODE: fast') && !config.includes(fixture.configSecret),
    `the run configuration's secret is not redacted in the snapshot view: ${config}`);
  check(await page.textContent('table.run-info').then((t) => t.includes(fixture.submitter)), 'who submitted the run is not shown');
  check(await page.textContent('table.env').then((t) => t.includes('***')), 'the redacted variable is not shown as ***');
  check(await page.textContent('table.params').then((t) => t.includes('***') && !t.includes(fixture.secret)), 'a secret shows in the params');
  check(!(await page.content()).includes(fixture.secret), 'a secret is in the page');
  await page.click('#by-time');
  await page.waitForSelector(`.chart[data-metric="${fixture.metrics[0]}"] canvas`);
  await page.screenshot({ path: `${shots}/run-charts.png`, fullPage: true });

  // Compare two runs: differing params highlighted, metrics overlaid.
  await page.goto(`${base}/#/runs`);
  await page.waitForSelector('#runs tbody tr[data-run]');
  for (const id of fixture.compare) await page.check(`#runs tr[data-run="${id}"] input.pick`);
  await page.click('#compare');
  await page.waitForSelector('#compare-table');
  const differing = await page.$$eval('#compare-table tr.differs th', (ths) => ths.map((t) => t.textContent));
  check(differing.includes('params.lr'), `'params.lr' not highlighted: ${differing}`);
  check(!differing.includes('params.solver'), `'params.solver' is equal but highlighted`);
  await page.waitForSelector('.chart[data-metric="loss"] canvas');
  const legend = await page.$$eval('.chart[data-metric="loss"] .u-legend .u-series', (s) => s.map((e) => e.textContent.trim()));
  check(JSON.stringify(legend) === JSON.stringify(fixture.labels), `loss chart's legend ${legend}, expected ${fixture.labels}`);
  const rows = await page.$eval('.chart[data-metric="loss"] .u-legend', (l) => {
    const tops = new Set([...l.querySelectorAll('.u-series')].map((e) => Math.round(e.getBoundingClientRect().top)));
    return tops.size;
  });
  check(rows <= 2, `the legend of ${fixture.labels.length} runs takes ${rows} lines`);
  const bars = await page.$$eval('.chart.bars[data-metric="f1"] .bar-row', (rs) => rs.map((r) => [r.dataset.run, r.querySelector('.bar').getBoundingClientRect().width]));
  check(JSON.stringify(bars.map((b) => b[0])) === JSON.stringify(fixture.compare), `f1, logged once per run, is one bar per run: ${bars}`);
  check(bars.every((b, i) => i === 0 || b[1] > bars[i - 1][1]), `f1's bars grow with its values: ${bars}`);
  await page.screenshot({ path: `${shots}/compare.png`, fullPage: true });

  check(outside.length === 0, `requests left the server: ${outside.join(', ')}`);
  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  check(blocked.length === 0, `the Content-Security-Policy blocked: ${blocked.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, browser: browser.version(), runs: all.length, ticks: [first, later] }));
} finally {
  await browser.close();
}
