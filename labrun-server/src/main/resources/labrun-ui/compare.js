// Two or more runs side by side: their params (rows that differ highlighted) and their metrics
// overlaid on one chart per metric.
import { h, clear, fmt, statusBadge } from './dom.js';
import { get } from './api.js';
import { overlayChart, barChart, chartBox, shortLabels } from './chart.js';

export async function comparePage(app, params) {
  const ids = (params.get('runs') || '').split(',').map((s) => decodeURIComponent(s.trim())).filter(Boolean);
  if (ids.length < 2) {
    clear(app).append(h('h1', {}, 'Compare'), h('p', { class: 'muted' }, 'Pick two or more runs in the runs table and press "Compare selected".'));
    return null;
  }
  const runs = await Promise.all(ids.map((id) => get(`/runs/${encodeURIComponent(id)}`)));
  const rows = [
    ['status', (r) => r.status], ['script', (r) => r.script_name], ['arguments', (r) => (r.arguments || []).join(' ')],
    ['target', (r) => r.target], ['duration', (r) => r.duration],
  ];
  const paramNames = [...new Set(runs.flatMap((r) => Object.keys(r.params || {})))].sort();
  for (const p of paramNames) rows.push([`param ${p}`, (r) => (r.params || {})[p]]);
  const metricNames = [...new Set(runs.flatMap((r) => (r.metrics || []).map((m) => m.name)))].sort();
  for (const m of metricNames) rows.push([`metric ${m} (last)`, (r) => { const x = (r.metrics || []).find((y) => y.name === m); return x ? x.last : null; }]);

  const labels = shortLabels(runs.map((r) => r.run_id));
  const table = h('table', { class: 'compare', id: 'compare-table' },
    h('thead', {}, h('tr', {}, h('th', {}), runs.map((r, i) => h('th', {}, h('a', { href: `#/run/${encodeURIComponent(r.run_id)}` }, r.run_id),
      labels[i] !== r.run_id ? h('span', { class: 'muted small' }, ` (${labels[i]})`) : null)))),
    h('tbody', {}, rows.map(([label, f]) => {
      const values = runs.map((r) => fmt(f(r)));
      const differs = new Set(values).size > 1;
      return h('tr', { class: differs ? 'differs' : '' }, h('th', {}, label),
        values.map((v, i) => h('td', {}, label === 'status' ? statusBadge(runs[i].status) : v)));
    })));

  const charts = h('div', { class: 'charts', id: 'charts' });
  clear(app).append(h('h1', {}, `Compare ${runs.length} runs`), table, h('h2', {}, 'Metrics'), charts);
  for (const m of metricNames) {
    const scalar = runs.some((r) => (r.metrics || []).some((x) => x.name === m && x.scalar));
    if (!scalar) continue;
    const box = chartBox(m);
    charts.append(box);
    const summaries = runs.map((r) => (r.metrics || []).find((x) => x.name === m));
    if (summaries.every((x) => !x || x.count === 1)) {
      barChart(box, m, runs.map((r, i) => ({ run: r.run_id, label: labels[i], value: summaries[i] ? summaries[i].last : null })));
      continue;
    }
    const series = await Promise.all(runs.map(async (r, i) => ({ label: labels[i],
      series: (r.metrics || []).some((x) => x.name === m) ? await get(`/runs/${encodeURIComponent(r.run_id)}/metrics/${encodeURIComponent(m)}?max_points=1000`) : { points: [] } })));
    overlayChart(box, m, series, false);
  }
  return null;
}
