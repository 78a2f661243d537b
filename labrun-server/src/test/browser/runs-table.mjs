// The runs table's column chooser and grouping in real headless Chromium (run by RunsTableUiIT).
//
// Takes the Target column off and adds params.lr and tags.team through the chooser, checks the cells,
// opens the page afresh (the choice is remembered in the browser), sorts by the param's header, groups
// the rows by experiment (and folds a group) and by sweep, and checks that a tag holding HTML is shown
// as text and never run. Exits non-zero with the reason on the first failure.
import { base, fixture, shots, check, launch, signedIn } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const page = await signedIn(browser, pageErrors);
  await page.waitForSelector('#runs tbody tr[data-run]');
  const headers = () => page.$$eval('#runs thead th', (ths) => ths.map((t) => t.dataset.column || '').filter(Boolean));
  check((await headers()).includes('target'), `the Target column is shown at first: ${await headers()}`);

  // The chooser: Target off, then params.lr and tags.team (each change redraws the table).
  await page.click('#columns-button');
  await page.uncheck('#column-chooser input[data-column="target"]');
  await page.waitForFunction(() => !document.querySelector('#runs th[data-column="target"]'));
  for (const c of ['params.lr', 'tags.team']) {
    await page.click('#columns-button');
    await page.fill('#add-column', c);
    await page.click('#add-column-form button[type=submit]');
    await page.waitForSelector(`#runs th[data-column="${c}"]`);
  }
  const cells = (c) => page.$$eval('#runs tbody tr[data-run]', (rows, col) => {
    const i = [...document.querySelectorAll('#runs thead th')].findIndex((t) => t.dataset.column === col);
    return rows.map((r) => r.children[i].textContent);
  }, c);
  const lrs = await cells('params.lr');
  check(JSON.stringify(lrs) === JSON.stringify(fixture.runs.map((id) => `0.0${Number(id.slice(-1)) + 1}`)), `params.lr cells: ${lrs}`);
  const teams = await cells('tags.team');
  check(teams[0] === fixture.xss, `a tag holding HTML is shown as its text: ${teams[0]}`);
  check(await page.$('#runs tbody img') === null, 'a tag became an <img>');

  // A fresh visit keeps the choice (kept in this browser).
  await page.goto(`${base}/#/runs`);
  await page.reload();
  await page.waitForSelector('#runs th[data-column="tags.team"]');
  const again = await headers();
  check(!again.includes('target') && again.includes('params.lr') && again.includes('tags.team'), `columns after a new visit: ${again}`);
  await page.screenshot({ path: `${shots}/runs-columns.png`, fullPage: true });

  // A param's header sorts through the filter's order by: descending, then ascending.
  await page.click('#runs th[data-column="params.lr"] a');
  await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('filter') === 'order by params.lr desc');
  await page.waitForSelector('#runs th.sorted[data-column="params.lr"]');
  const desc = await page.$$eval('#runs tbody tr[data-run]', (rs) => rs.map((r) => r.dataset.run));
  check(JSON.stringify(desc) === JSON.stringify(fixture.byLr), `by params.lr desc: ${desc}`);
  await page.click('#runs th[data-column="params.lr"] a');
  await page.waitForFunction(() => new URLSearchParams(location.hash.split('?')[1]).get('filter') === 'order by params.lr asc');
  await page.waitForFunction((first) => document.querySelector('#runs tbody tr[data-run]')?.dataset.run === first, fixture.byLr.at(-1));

  // Grouped by experiment, then by sweep: one heading per group, its rows under it; a heading folds.
  const groups = () => page.$$eval('#runs tr.group', (gs) => Object.fromEntries(gs.map((g) => {
    let n = 0;
    for (let r = g.nextElementSibling; r && !r.classList.contains('group'); r = r.nextElementSibling) n++;
    return [g.dataset.group, n];
  }).sort()));
  const sorted = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
  await page.selectOption('#filters select[name=group]', 'experiment');
  await page.waitForSelector('#runs tr.group');
  check(JSON.stringify(await groups()) === sorted(fixture.groups), `groups by experiment: ${JSON.stringify(await groups())}`);
  await page.click('#runs tr.group[data-group="iris"] button.fold');
  const hidden = await page.$$eval('#runs tr[data-group-of="iris"]', (rs) => rs.filter((r) => r.offsetParent === null).length);
  check(hidden === fixture.groups.iris, `folding iris hides its ${fixture.groups.iris} rows, hid ${hidden}`);
  await page.screenshot({ path: `${shots}/runs-grouped.png`, fullPage: true });
  await page.selectOption('#filters select[name=group]', 'sweep');
  await page.waitForSelector('#runs tr.group[data-group="sweep_a"] a[href="#/sweep/sweep_a"]');
  check(JSON.stringify(await groups()) === sorted(fixture.sweeps), `groups by sweep: ${JSON.stringify(await groups())}`);

  check(await page.evaluate(() => window.__xss) === undefined, 'the HTML in a tag ran');
  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, browser: browser.version() }));
} finally {
  await browser.close();
}
