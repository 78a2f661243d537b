// The run page's tools in real headless Chromium (run by RunPageUiIT).
//
// Previews a text, a CSV, a JSON and a large log artifact in place (files holding HTML and script must
// show as text and never run), then cancels a real running run: the button is disabled on a finished run,
// a dismissed confirmation leaves the run alone, an accepted one ends it Canceled and disables the button.
// Exits non-zero with the reason on the first failure.
import { base, fixture, shots, check, launch, signedIn } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const page = await signedIn(browser, pageErrors);
  await page.waitForSelector('#runs tbody tr[data-run]');

  await page.goto(`${base}/#/run/${encodeURIComponent(fixture.done)}`);
  await page.waitForSelector('#artifacts');
  check(await page.isDisabled('#cancel'), 'Cancel is enabled on a finished run');
  const open = async (path) => {
    await page.click(`#artifacts li[data-path="${path}"] summary`);
    await page.waitForFunction((p) => {
      const box = document.querySelector(`#artifacts li[data-path="${p}"] .preview`);
      return box && !box.textContent.startsWith('Loading');
    }, path);
  };
  await open('outputs/notes.txt');
  const note = await page.textContent('#artifacts li[data-path="outputs/notes.txt"] .preview pre');
  check(note === fixture.note, `notes.txt previewed as ${JSON.stringify(note)}`);
  await open('outputs/scores.csv');
  const csv = await page.$$eval('#artifacts li[data-path="outputs/scores.csv"] table.csv tr', (rs) => rs.map((r) => [...r.children].map((c) => c.textContent)));
  check(JSON.stringify(csv.slice(0, 2)) === JSON.stringify(fixture.csv), `scores.csv as a table: ${JSON.stringify(csv)}`);
  check(csv.length === 3 && csv[2][2].includes('<script>'), `the CSV cell holding HTML shows as text: ${JSON.stringify(csv[2])}`);
  await open('outputs/summary.json');
  const json = await page.textContent('#artifacts li[data-path="outputs/summary.json"] .preview pre');
  check(json.startsWith(fixture.json), `summary.json pretty-printed: ${json}`);
  await open('outputs/train.log');
  const log = await page.textContent('#artifacts li[data-path="outputs/train.log"] .preview pre');
  check(log.length === 65536 && log.startsWith('line 0\n'), `a large log shows its first 64 KiB: ${log.length} characters`);
  const said = await page.textContent('#artifacts li[data-path="outputs/train.log"] .preview p');
  check(said.includes(String(fixture.bigSize)), `the large log's preview says it is cut: ${said}`);
  check(await page.$$eval('#artifacts script, #artifacts img', (es) => es.length) === 0, 'an artifact became HTML elements');
  check(!(await page.textContent('main')).includes('null'), 'the page shows the word null where nothing was meant');
  check(await page.evaluate(() => window.__xss) === undefined, 'script in an artifact ran');
  await page.screenshot({ path: `${shots}/run-previews.png`, fullPage: true });

  // Cancel a running run: dismissed first (nothing happens), then accepted.
  await page.goto(`${base}/#/run/${encodeURIComponent(fixture.running)}`);
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Running');
  check(!(await page.isDisabled('#cancel')), 'Cancel is disabled on a running run');
  page.once('dialog', (d) => d.dismiss());
  await page.click('#cancel');
  check(await page.textContent('#status') === 'Running' && !(await page.isDisabled('#cancel')), 'a dismissed confirmation canceled the run');
  page.once('dialog', (d) => { check(d.message().includes(fixture.running), `the confirmation names the run: ${d.message()}`); d.accept(); });
  await page.click('#cancel');
  await page.waitForFunction(() => document.getElementById('status')?.textContent === 'Canceled', null, { timeout: 60_000 });
  check(await page.isDisabled('#cancel'), 'Cancel stays enabled once the run ended');
  await page.screenshot({ path: `${shots}/run-canceled.png`, fullPage: true });

  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, browser: browser.version() }));
} finally {
  await browser.close();
}
