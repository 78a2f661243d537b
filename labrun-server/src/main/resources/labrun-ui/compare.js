// Runs side by side, from the server's comparison (GET /compare: up to 500 runs, named or found by a
// filter): every attribute, param, metric (last value) and tag, rows that differ highlighted, a
// toggle to show only those; each metric of all runs overlaid on one chart, by step or by seconds
// since each run started (GET /compare/metrics?name=..., downsampled on the server), or one bar per run
// for a metric each run logged once.
import { h, clear, fmt, statusBadge } from './dom.js';
import { get } from './api.js';
import { overlayChart, barChart, chartBox } from './chart.js';

const MAX_POINTS = 300;
const METRICS_PER_REQUEST = 20;

export async function comparePage(app, params) {
  const ids = (params.get('runs') || '').split(',').map((s) => decodeURIComponent(s.trim())).filter(Boolean);
  const filter = params.get('filter');
  if (ids.length < 2 && !filter) {
    clear(app).append(h('h1', {}, 'Compare'), h('p', { class: 'muted' },
      'Pick two or more runs in the runs table and press "Compare selected", or "Compare all matching" under a filter.'));
    return null;
  }
  const which = new URLSearchParams(filter ? { filter, limit: params.get('limit') || '500' } : { runs: ids.join(',') });
  const c = await get(`/compare?${which}`);
  const runs = c.runs;
  const onlyDiffers = params.get('differs') === '1';
  const byTime = params.get('x') === 'time';
  const toggle = (key, on) => {
    const q = new URLSearchParams(params);
    if (on) q.set(key, key === 'x' ? 'time' : '1'); else q.delete(key);
    location.hash = `#/compare?${q}`;
  };

  const shown = c.fields.filter((f) => !onlyDiffers || f.differs);
  const cell = (f, r) => (f.field === 'status' ? statusBadge(r.status) : fmt(f.values[r.run_id]));
  const table = h('div', { class: 'wide' }, h('table', { class: 'compare', id: 'compare-table' },
    h('thead', {}, h('tr', {}, h('th', {}), runs.map((r) => h('th', { dataset: { run: r.run_id } },
      h('a', { href: `#/run/${encodeURIComponent(r.run_id)}` }, r.run_id),
      r.label && r.label !== r.run_id ? h('div', { class: 'muted small' }, r.label) : null)))),
    h('tbody', {}, shown.map((f) => h('tr', { class: f.differs ? 'differs' : '', dataset: { field: f.field } },
      h('th', {}, f.field), runs.map((r) => h('td', {}, cell(f, r))))))));

  const same = c.fields.length - c.fields.filter((f) => f.differs).length;
  const charts = h('div', { class: 'charts overlays', id: 'charts' });
  clear(app).append(
    h('h1', {}, `Compare ${runs.length} runs`),
    h('div', { class: 'toolbar' },
      h('label', {}, h('input', { type: 'checkbox', id: 'only-differs', checked: onlyDiffers, onchange: (e) => toggle('differs', e.target.checked) }),
        ' only what differs'),
      h('span', { class: 'muted' }, onlyDiffers ? ` (${same} field${same === 1 ? '' : 's'} where all runs agree hidden)` : '')),
    table,
    h('h2', {}, 'Metrics ', h('label', { class: 'small' },
      h('input', { type: 'checkbox', id: 'by-time', checked: byTime, onchange: (e) => toggle('x', e.target.checked) }), ' by time (seconds since each run started)')),
    charts);

  const labels = new Map(runs.map((r) => [r.run_id, r.label || r.run_id]));
  const metrics = c.fields.filter((f) => f.field.startsWith('metrics.')).map((f) => f.field.slice('metrics.'.length));
  const ask = new URLSearchParams(filter ? { filter, limit: String(runs.length) } : { runs: runs.map((r) => r.run_id).join(',') });
  ask.set('max_points', String(MAX_POINTS));
  ask.set('x', byTime ? 'time' : 'step');
  if (!metrics.length) charts.append(h('p', { class: 'muted' }, 'No metrics logged.'));
  const boxes = new Map(metrics.map((m) => [m, chartBox(m)]));
  charts.append(...boxes.values());
  // The metrics' overlays in a few requests (the server reads each metric of all runs at once).
  const chunks = [];
  for (let i = 0; i < metrics.length; i += METRICS_PER_REQUEST) chunks.push(metrics.slice(i, i + METRICS_PER_REQUEST));
  await Promise.all(chunks.map(async (names) => {
    const q = new URLSearchParams(ask);
    names.forEach((m) => q.append('name', m));
    const answer = await get(`/compare/metrics?${q}`);
    for (const overlay of answer.metrics) draw(boxes.get(overlay.name), overlay.name, overlay.series);
  }));
  return null;

  function draw(box, m, all) {
    const series = all.filter((s) => s.points.some((p) => typeof p[1] === 'number'));
    if (!series.length) { box.remove(); return; }
    if (series.every((s) => s.count === 1)) {
      const values = new Map(series.map((s) => [s.run_id, s.points[0][1]]));
      barChart(box, m, runs.map((r) => ({ run: r.run_id, label: labels.get(r.run_id), value: values.has(r.run_id) ? values.get(r.run_id) : null })));
      return;
    }
    overlayChart(box, m, series.map((s) => ({ label: labels.get(s.run_id), points: s.points })), byTime ? 'seconds since start' : 'step');
  }
}
