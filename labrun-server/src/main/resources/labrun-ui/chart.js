// Charts with uPlot (vendor/uPlot.iife.min.js, the global uPlot): one metric of one run, with the
// min-max band of downsampled buckets, or several runs overlaid.
import { h, fmt } from './dom.js';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

function size(el) {
  return { width: Math.max(280, Math.min(el.clientWidth || 460, 620) - 16), height: 220 };
}

// A series response's points as columns: x (step or seconds), last, min, max.
export function columnsOf(series, byTime) {
  const xs = []; const last = []; const lo = []; const hi = [];
  for (const p of series.points) {
    const x = byTime ? (p[1] === null ? null : p[1] / 1000) : p[0];
    if (x === null || typeof p[2] !== 'number') continue;
    xs.push(x); last.push(p[2]); lo.push(typeof p[3] === 'number' ? p[3] : p[2]); hi.push(typeof p[4] === 'number' ? p[4] : p[2]);
  }
  return { xs, last, lo, hi };
}

export function metricChart(container, title, series, byTime) {
  const { xs, last, lo, hi } = columnsOf(series, byTime);
  const banded = series.downsampled;
  const opts = {
    title, ...size(container),
    scales: { x: { time: byTime } },
    series: [
      { label: byTime ? 'time' : 'step' },
      { label: title, stroke: COLORS[0], width: 1.5 },
      ...(banded ? [{ label: 'min', stroke: 'rgba(37,99,235,0.25)' }, { label: 'max', stroke: 'rgba(37,99,235,0.25)' }] : []),
    ],
    bands: banded ? [{ series: [3, 2], fill: 'rgba(37,99,235,0.12)' }] : [],
    axes: [{}, { size: 60 }],
  };
  const data = banded ? [xs, last, lo, hi] : [xs, last];
  const u = new uPlot(opts, data, container);
  container.dataset.points = String(xs.length);
  return u;
}

// Appends live points ([step, time_ms, value, json], as the metric stream sends them) to a chart
// metricChart drew, without fetching anything again. Non-numbers (NaN, lists) are not drawn.
export function appendPoints(u, container, points, byTime) {
  const cols = u.data.map((c) => Array.from(c));
  for (const [step, time, value] of points) {
    const x = byTime ? (time === null ? null : time / 1000) : step;
    if (x === null || typeof value !== 'number') continue;
    cols[0].push(x);
    for (let i = 1; i < cols.length; i++) cols[i].push(value);
  }
  u.setData(cols);
  container.dataset.points = String(cols[0].length);
}

// Several runs' series of one metric on one chart (x aligned with uPlot.join), each series's
// points [x, last, min, max] with x a step or seconds since its run started (xLabel says which).
// The legend shows the runs' short labels (the server's) without live values, so it stays short.
export function overlayChart(container, title, runs, xLabel) {
  const tables = runs.map((r) => {
    const pts = r.points.filter((p) => p[0] !== null && typeof p[1] === 'number');
    return [pts.map((p) => p[0]), pts.map((p) => p[1])];
  });
  const data = uPlot.join(tables);
  const opts = {
    title, ...size(container),
    legend: { live: false },
    scales: { x: { time: false } },
    series: [{ label: xLabel },
      ...runs.map((r, i) => ({ label: r.label, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))],
    axes: [{}, { size: 60 }],
  };
  return new uPlot(opts, data, container);
}

// A list-valued metric (its last value): one line per list, x the index in it.
export function listChart(container, title, value) {
  let rows = Array.isArray(value) ? value : Object.values(value || {});
  if (!rows.length) return null;
  if (!Array.isArray(rows[0])) rows = [rows];
  rows = rows.map((r) => r.map((v) => (typeof v === 'number' ? v : null)));
  const n = Math.max(...rows.map((r) => r.length));
  const xs = Array.from({ length: n }, (_, i) => i);
  const opts = {
    title, ...size(container),
    scales: { x: { time: false } },
    series: [{ label: 'index' }, ...rows.map((_, i) => ({ label: rows.length > 1 ? `row ${i}` : title, stroke: COLORS[i % COLORS.length], width: 1.5,
      points: { show: true } }))],
    axes: [{}, { size: 60 }],
  };
  return new uPlot(opts, [xs, ...rows.map((r) => xs.map((i) => (i < r.length ? r[i] : null)))], container);
}

// A metric logged once is a value, not a chart (one dot on an empty axis says nothing).
export function valueBox(container, title, value) {
  container.classList.add('single');
  container.append(h('div', { class: 'title' }, title), h('div', { class: 'value' }, fmt(value)));
  container.dataset.value = String(value);
}

// One value per run as horizontal bars (a metric each run logged once), longest bar for the largest value.
export function barChart(container, title, rows) {
  const values = rows.map((r) => r.value).filter((v) => typeof v === 'number');
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  container.classList.add('bars');
  container.append(h('div', { class: 'title' }, title), ...rows.map((r, i) => {
    const bar = h('span', { class: 'bar' });
    if (typeof r.value === 'number') {
      bar.style.width = `${(Math.abs(r.value) / span) * 100}%`;
      bar.style.background = COLORS[i % COLORS.length];
    }
    return h('div', { class: 'bar-row', dataset: { run: r.run } }, h('span', { class: 'label', title: r.run }, r.label), h('span', { class: 'track' }, bar),
      h('span', { class: 'num' }, fmt(r.value)));
  }));
}

export function chartBox(name) {
  return h('div', { class: 'chart', dataset: { metric: name } });
}
