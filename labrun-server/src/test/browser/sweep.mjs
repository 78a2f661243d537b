// The sweep pages in real headless Chromium (run by SweepUiIT), with browser.mjs's inputs.
//
// The sweeps list (counts by state, best run), then one sweep: a line per run in the parallel
// coordinates, the points best first, the scatter, a running run followed to its end (the script
// writes fixture.signal once it has seen it Running; the test then ends it), and a brushed range of
// the primary metric keeping exactly the runs in it.
import fs from 'node:fs';
import { base, fixture, shots, check, launch, signedIn } from './browser.mjs';

const browser = await launch();
const pageErrors = [];
try {
  const page = await signedIn(browser, pageErrors, { width: 1280, height: 1000 });

  await page.click('nav a[href="#/sweeps"]');
  const row = `#sweeps tr[data-sweep="${fixture.sweep}"]`;
  await page.waitForSelector(row);
  const listed = await page.textContent(row);
  for (const part of ['200', 'Completed 198', 'Failed 1', 'Running 1', 'accuracy (max)']) check(listed.includes(part), `the sweep's row lacks '${part}': ${listed}`);
  const bestCell = await page.textContent(`${row} td.best`);
  check(bestCell.includes(fixture.best) && bestCell.includes(String(fixture.bestValue)), `best run ${bestCell}, expected ${fixture.best} ${fixture.bestValue}`);
  await page.screenshot({ path: `${shots}/sweeps.png`, fullPage: true });

  await page.click(`${row} a`);
  await page.waitForSelector('#parallel polyline', { state: 'attached' }); // a flat line has no height: not 'visible'
  check((await page.$$('#parallel polyline')).length === fixture.runs.length, 'not one line per run in the parallel coordinates');
  const axes = await page.$$eval('#parallel g.axis', (gs) => gs.map((g) => g.dataset.axis));
  check(JSON.stringify(axes) === JSON.stringify(['reg', 'seed', 'solver', 'accuracy']), `axes ${axes}`);
  const firstRow = await page.$eval('#points tbody tr', (tr) => tr.dataset.run);
  check(firstRow === fixture.best, `points table starts with ${firstRow}, expected the best run ${fixture.best}`);
  const primary = await page.$$eval('#points tbody td.primary', (tds) => tds.map((td) => Number(td.textContent)));
  check(primary.every((v, i) => i === 0 || v <= primary[i - 1]), 'the points are not best first');
  check((await page.$$('#scatter circle')).length === fixture.runs.length, 'not one scatter point per run');
  await page.selectOption('select[name=x]', 'solver');
  await page.waitForFunction(() => document.querySelector('#scatter text.name').textContent === 'solver');

  // Live: the running run, then its end.
  const running = `#points tr[data-run="${fixture.running}"]`;
  check(await page.$eval(running, (tr) => tr.dataset.status) === 'Running', 'the running run is not shown Running');
  fs.writeFileSync(fixture.signal, 'seen');
  await page.waitForFunction((sel) => document.querySelector(sel)?.dataset.status === 'Completed', running, { timeout: 30_000 });
  check(await page.$eval('select[name=x]', (s) => s.value) === 'solver', 'a live update lost the chosen scatter param');
  await page.screenshot({ path: `${shots}/sweep.png`, fullPage: true });

  // Brush the top 40% of the accuracy axis: exactly the runs in the range stay.
  const grip = await (await page.$('#parallel g.axis[data-axis="accuracy"] rect.grip')).boundingBox();
  await page.mouse.move(grip.x + grip.width / 2, grip.y + 2);
  await page.mouse.down();
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height * 0.2, { steps: 4 });
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height * 0.4, { steps: 4 });
  await page.mouse.up();
  const band = await page.$eval('#parallel g.axis[data-axis="accuracy"] rect.brush', (r) => [Number(r.dataset.lo), Number(r.dataset.hi)]);
  const want = fixture.accuracy.filter((v) => v >= band[0] - 1e-9 && v <= band[1] + 1e-9).length;
  const shown = await page.$$eval('#points tbody tr', (trs) => trs.filter((tr) => !tr.hidden).length);
  check(want > 0 && want < fixture.runs.length, `the brush ${band} keeps ${want} runs: a poor test`);
  check(shown === want, `the brush ${band} shows ${shown} runs, expected ${want}`);
  const dimmed = await page.$$eval('#parallel polyline.dim', (ls) => ls.length);
  check(dimmed === fixture.runs.length - want, `${dimmed} lines dimmed, expected ${fixture.runs.length - want}`);
  await page.screenshot({ path: `${shots}/sweep-brushed.png`, fullPage: true });

  check(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
  console.log(JSON.stringify({ ok: true, kept: want }));
} finally {
  await browser.close();
}
