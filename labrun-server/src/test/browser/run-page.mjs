// The run page's tools in real headless Chromium (run by RunPageUiIT).
//
// Draws a 1,000,000-point metric from the server's buckets; previews a text, a CSV, a JSON and a large log artifact in place (files holding HTML and script must
// show as text and never run), then cancels a real running run: the button is disabled on a finished run,
// a dismissed confirmation leaves the run alone, an accepted one ends it Canceled and disables the button.
// Exits non-zero with the reason on the first failure.
import { base, fixture, shots, check, launch, signedIn } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const page = await signedIn(browser, pageErrors);
  await page.waitForSelector('#runs tbody tr[data-run]');

  // A metric of 1,000,000 points: drawn from at most 1,000 of the server's buckets, with their min-max band.
  await page.goto(`${base}/#/run/${encodeURIComponent(fixture.million)}`);
  await page.waitForSelector('.chart[data-metric="loss"][data-points] canvas');
  const drawnPoints = await page.$eval('.chart[data-metric="loss"]', (c) => Number(c.dataset.points));
  check(drawnPoints > 100 && drawnPoints <= 1000, `the 1,000,000-point metric is drawn from ${drawnPoints} points, expected 100 to 1,000 buckets`);
  const legend = await page.$$eval('.chart[data-metric="loss"] .u-legend .u-series', (s) => s.map((e) => e.textContent.trim()));
  check(legend.some((l) => l.startsWith('min')) && legend.some((l) => l.startsWith('max')), `the buckets' band (min, max) is not drawn: ${JSON.stringify(legend)}`);
  const painted = await page.$eval('.chart[data-metric="loss"] canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] !== 0) n++;
    return n;
  });
  check(painted > 500, 'the 1,000,000-point chart is not painted');
  await page.screenshot({ path: `${shots}/run-million.png`, fullPage: true });

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

  // Tags: one set (its value holding HTML), one removed; a note written (line breaks kept), kept after a reload.
  check(await page.textContent('#tags tr[data-tag="team"] td') === 'vision', 'the tag team=vision is not shown');
  await page.fill('#tag-form input[name=name]', 'stage');
  await page.fill('#tag-form input[name=value]', fixture.xss);
  await page.click('#tag-form button[type=submit]');
  await page.waitForSelector('#tags tr[data-tag="stage"]');
  check(await page.textContent('#tags tr[data-tag="stage"] td') === fixture.xss, 'a tag holding HTML is not shown as its text');
  await page.click('#tags tr[data-tag="team"] button.untag');
  await page.waitForFunction(() => !document.querySelector('#tags tr[data-tag="team"]'));
  await page.click('#edit-note');
  await page.fill('#note-input', `first line\n${fixture.xss}`);
  await page.click('#save-note');
  await page.waitForSelector('#note-text');
  await page.reload();
  await page.waitForSelector('#note-text');
  const written = await page.$eval('#note-text', (n) => n.innerText);
  check(written === `first line\n${fixture.xss}`, `the note after a reload: ${JSON.stringify(written)}`);
  check((await page.textContent('#note-by')).includes('edited by tester-'), `who wrote the note: ${await page.textContent('#note-by')}`);
  check(await page.$('#tags tr[data-tag="stage"]') !== null && await page.$('#tags tr[data-tag="team"]') === null, 'tag edits not kept');

  // Search the output on the server: plain text (any case), then a regular expression.
  const search = async (q, regex) => {
    await page.fill('#log-search input[name=q]', q);
    if (regex !== await page.isChecked('#log-search input[name=regex]')) await page.click('#log-search input[name=regex]');
    await page.click('#log-search button[type=submit]');
    await page.waitForSelector('#log-matches p.more');
    return page.$$eval('#log-matches .line', (ls) => ls.map((l) => [l.textContent, l.querySelector('mark').textContent]));
  };
  const loss = await search('loss', false);
  check(JSON.stringify(loss.map((l) => l[0])) === JSON.stringify(fixture.lossLines), `lines with 'loss': ${JSON.stringify(loss)}`);
  check(loss.every((l) => l[1].toLowerCase() === 'loss'), `the match is marked: ${JSON.stringify(loss)}`);
  const epochs = await search('epoch \\d+ loss', true);
  check(epochs.length === 3 && epochs[0][1] === 'epoch 7 loss', `regular expression matches: ${JSON.stringify(epochs)}`);
  check(await page.$$eval('#tags script, #tags img, #note script, #note img, #log-matches script, #log-matches img', (es) => es.length) === 0,
    'a tag, note or log line became HTML elements');
  check(await page.evaluate(() => window.__xss) === undefined, 'script in a tag, note or log line ran');
  await page.screenshot({ path: `${shots}/run-edits.png`, fullPage: true });

  // A read-only token: the server refuses its edits and its cancel, and the page says so.
  const readerPage = await signedIn(browser, pageErrors, { width: 1280, height: 900 }, fixture.reader);
  await readerPage.goto(`${base}/#/run/${encodeURIComponent(fixture.done)}`);
  await readerPage.waitForSelector('#tag-form');
  await readerPage.fill('#tag-form input[name=name]', 'sneaky');
  await readerPage.click('#tag-form button[type=submit]');
  await readerPage.waitForFunction(() => document.getElementById('tags-error')?.textContent !== '');
  await readerPage.goto(`${base}/#/run/${encodeURIComponent(fixture.running)}`);
  await readerPage.waitForFunction(() => document.getElementById('status')?.textContent === 'Running');
  readerPage.once('dialog', (d) => d.accept());
  await readerPage.click('#cancel');
  await readerPage.waitForFunction(() => document.getElementById('cancel-error')?.textContent !== '');
  check(await readerPage.textContent('#status') === 'Running' && !(await readerPage.isDisabled('#cancel')), 'a refused cancel changed the page');

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
