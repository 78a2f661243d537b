// Sweeps: every sweep with its runs by state and best run; a sweep's page with a parallel-coordinates
// chart of its params and primary metric (drag along an axis to keep a range; the table follows),
// a scatter of any param against any metric, and its points best first. Live while runs go on.
import { h, clear, fmt, statusBadge, isFinal } from './dom.js';
import { get } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, v);
  for (const c of children.flat()) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

function counts(statuses) {
  return h('span', { class: 'counts' }, Object.entries(statuses || {}).map(([st, n]) => h('span', { class: 'count' }, statusBadge(st), ` ${n}`)));
}

export async function sweepsPage(app) {
  const { sweeps } = await get('/sweeps');
  clear(app).append(h('h1', {}, 'Sweeps'), sweeps.length ? h('table', { class: 'runs', id: 'sweeps' },
    h('thead', {}, h('tr', {}, ['Sweep', 'Experiment', 'Runs', 'States', 'Best run', 'Primary metric', 'Last run (UTC)'].map((t) => h('th', {}, t)))),
    h('tbody', {}, sweeps.map((w) => h('tr', { dataset: { sweep: w.sweep_id } },
      h('td', {}, h('a', { href: `#/sweep/${encodeURIComponent(w.sweep_id)}` }, w.sweep_id)),
      h('td', {}, w.experiment || ''), h('td', { class: 'num' }, String(w.runs)), h('td', {}, counts(w.statuses)),
      h('td', { class: 'best' }, w.best ? [h('a', { href: `#/run/${encodeURIComponent(w.best.run_id)}` }, w.best.run_id), ` ${fmt(w.best.value)}`] : ''),
      h('td', {}, w.primary_metric ? `${w.primary_metric} (${w.goal})` : ''),
      h('td', {}, w.last_run_utc.replace('T', ' ').replace('Z', '')))))) : h('p', { class: 'muted' }, 'No sweeps yet (labrun experiment sweep).'));
  return null;
}

// An axis: numbers on a linear or (over two decades of positive values) log scale, else text in order.
function axis(name, values) {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '');
  const numeric = present.length > 0 && present.every((v) => typeof v === 'number' || (String(v).trim() !== '' && !Number.isNaN(Number(v))));
  if (!numeric) {
    const cats = [...new Set(present.map(String))].sort();
    return { name, ticks: cats, at: (v) => (v == null ? null : cats.length < 2 ? 0.5 : cats.indexOf(String(v)) / (cats.length - 1)), value: (t) => cats[Math.round(t * (cats.length - 1))] };
  }
  const nums = present.map(Number);
  let lo = Math.min(...nums); let hi = Math.max(...nums);
  const log = lo > 0 && hi / lo >= 100;
  const f = log ? Math.log10 : (x) => x;
  const inv = log ? (x) => 10 ** x : (x) => x;
  const a = f(lo); const b = f(hi);
  const at = (v) => (v == null || v === '' ? null : b === a ? 0.5 : (f(Number(v)) - a) / (b - a));
  return { name, numeric: true, log, lo, hi, ticks: [hi, lo], at, value: (t) => inv(a + t * (b - a)) };
}

function parallel(points, dims, metric, onSelect, brushes) {
  const W = 980; const H = 320; const top = 34; const bottom = 24; const left = 60; const right = 60;
  const x = (i) => left + (dims.length < 2 ? 0 : (i * (W - left - right)) / (dims.length - 1));
  const y = (t) => top + (1 - t) * (H - top - bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'parallel', id: 'parallel' });
  const m = dims[dims.length - 1];
  const lines = points.map((p) => {
    const ys = dims.map((d) => d.at(d.get(p)));
    const t = m.at(m.get(p));
    const color = t == null ? '#9ca3af' : `hsl(${220 - 200 * t}, 70%, 45%)`;
    return s('polyline', { points: ys.map((v, i) => `${x(i)},${y(v == null ? 0 : v)}`).join(' '), stroke: color, dataset: undefined, 'data-run': p.run_id });
  });
  svg.append(s('g', { class: 'lines' }, lines));
  dims.forEach((d, i) => {
    const g = s('g', { class: 'axis', 'data-axis': d.name });
    svg.append(g);
    g.append(s('line', { x1: x(i), x2: x(i), y1: y(1), y2: y(0) }), s('text', { x: x(i), y: 16, class: 'name' }, d.name));
    for (const [k, t] of d.ticks.entries()) {
      const pos = d.numeric ? (k === 0 ? 1 : 0) : d.ticks.length < 2 ? 0.5 : k / (d.ticks.length - 1);
      g.append(s('text', { x: x(i) - 6, y: y(pos) + 4, class: 'tick' }, fmt(t)));
    }
    const band = s('rect', { class: 'brush', x: x(i) - 9, width: 18, y: 0, height: 0 });
    const grip = s('rect', { class: 'grip', x: x(i) - 14, width: 28, y: y(1), height: y(0) - y(1) });
    g.append(band, grip);
    const show = (b) => {
      band.setAttribute('y', b ? y(b.hi) : 0); band.setAttribute('height', b ? y(b.lo) - y(b.hi) : 0);
      if (b && d.numeric) { band.dataset.lo = d.value(b.lo); band.dataset.hi = d.value(b.hi); } else { delete band.dataset.lo; delete band.dataset.hi; }
    };
    show(brushes[d.name]);
    grip.addEventListener('pointerdown', (e) => {
      const box = svg.getBoundingClientRect();
      const t = (ev) => Math.max(0, Math.min(1, 1 - ((ev.clientY - box.top) * (H / box.height) - top) / (H - top - bottom)));
      const start = t(e);
      grip.setPointerCapture(e.pointerId);
      const move = (ev) => { const now = t(ev); brushes[d.name] = { lo: Math.min(start, now), hi: Math.max(start, now) }; show(brushes[d.name]); onSelect(); };
      const up = (ev) => {
        grip.removeEventListener('pointermove', move); grip.removeEventListener('pointerup', up);
        if (Math.abs(t(ev) - start) < 0.01) { delete brushes[d.name]; show(null); onSelect(); } // a click clears
      };
      grip.addEventListener('pointermove', move); grip.addEventListener('pointerup', up);
    });
  });
  const keep = (p) => dims.every((d) => { const b = brushes[d.name]; if (!b) return true; const v = d.at(d.get(p)); return v !== null && v >= b.lo - 1e-9 && v <= b.hi + 1e-9; });
  return { svg, lines, keep };
}

function scatter(points, xAxis, yAxis) {
  const W = 480; const H = 300; const m = { l: 56, r: 14, t: 14, b: 40 };
  const px = (t) => m.l + t * (W - m.l - m.r); const py = (t) => m.t + (1 - t) * (H - m.t - m.b);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'scatter', id: 'scatter' },
    s('line', { x1: m.l, x2: W - m.r, y1: H - m.b, y2: H - m.b, class: 'frame' }), s('line', { x1: m.l, x2: m.l, y1: m.t, y2: H - m.b, class: 'frame' }),
    s('text', { x: (W + m.l) / 2, y: H - 6, class: 'name' }, xAxis.name), s('text', { x: 12, y: m.t + 4, class: 'name start' }, yAxis.name),
    s('text', { x: m.l, y: H - m.b + 14, class: 'tick' }, fmt(xAxis.numeric ? xAxis.lo : xAxis.ticks[0])),
    s('text', { x: W - m.r, y: H - m.b + 14, class: 'tick' }, fmt(xAxis.numeric ? xAxis.hi : xAxis.ticks[xAxis.ticks.length - 1])),
    s('text', { x: m.l - 4, y: H - m.b, class: 'tick end' }, fmt(yAxis.numeric ? yAxis.lo : yAxis.ticks[0])),
    s('text', { x: m.l - 4, y: m.t + 8, class: 'tick end' }, fmt(yAxis.numeric ? yAxis.hi : yAxis.ticks[yAxis.ticks.length - 1])));
  for (const p of points) {
    const a = xAxis.at(xAxis.get(p)); const b = yAxis.at(yAxis.get(p));
    if (a == null || b == null) continue;
    svg.append(s('circle', { cx: px(a), cy: py(b), r: 3.5, 'data-run': p.run_id }, s('title', {}, `${p.run_id}: ${fmt(xAxis.get(p))}, ${fmt(yAxis.get(p))}`)));
  }
  return svg;
}

export async function sweepPage(app, id) {
  const state = { brushes: {}, x: null, y: null };
  let timer = null;
  async function draw() {
    const w = await get(`/sweeps/${encodeURIComponent(id)}`);
    const metric = w.primary_metric;
    const dims = [...w.params.map((p) => ({ ...axis(p, w.points.map((q) => q.params[p] ?? null)), get: (q) => q.params[p] ?? null }))];
    if (metric) dims.push({ ...axis(metric, w.points.map((q) => q.metrics[metric] ?? null)), get: (q) => q.metrics[metric] ?? null });
    state.x = state.x && w.params.includes(state.x) ? state.x : w.params[0];
    state.y = state.y && w.metrics.includes(state.y) ? state.y : metric;
    const rows = w.points.map((p) => h('tr', { dataset: { run: p.run_id, status: p.status } },
      h('td', {}, h('a', { href: `#/run/${encodeURIComponent(p.run_id)}` }, p.run_id)), h('td', { class: 'status' }, statusBadge(p.status)),
      w.params.map((n) => h('td', {}, fmt(p.params[n]))), w.metrics.map((n) => h('td', { class: `num${n === metric ? ' primary' : ''}` }, fmt(p.metrics[n])))));
    const selected = h('span', { class: 'muted', id: 'selected' });
    let pc = null;
    const select = () => {
      let n = 0;
      w.points.forEach((p, i) => { const on = pc.keep(p); pc.lines[i].classList.toggle('dim', !on); rows[i].hidden = !on; if (on) n++; });
      selected.textContent = `${n} of ${w.points.length} runs`;
    };
    pc = dims.length ? parallel(w.points, dims, metric, select, state.brushes) : null;
    const scatterBox = h('div', { id: 'scatter-box' });
    const drawScatter = () => {
      clear(scatterBox);
      if (!state.x || !state.y) return;
      const xa = { ...axis(state.x, w.points.map((q) => q.params[state.x] ?? null)), get: (q) => q.params[state.x] ?? null };
      const ya = { ...axis(state.y, w.points.map((q) => q.metrics[state.y] ?? null)), get: (q) => q.metrics[state.y] ?? null };
      scatterBox.append(scatter(w.points, xa, ya));
    };
    const choose = (name, options, value, set) => h('select', { name, onchange: (e) => { set(e.target.value); drawScatter(); } },
      options.map((o) => h('option', { value: o, selected: o === value }, o)));
    clear(app).append(
      h('h1', {}, 'Sweep ', id), h('p', {}, counts(w.statuses), ' ', metric ? h('span', { class: 'muted' }, `best first by ${metric} (${w.goal})`) : null),
      pc ? h('section', {}, h('h2', {}, 'Params and ', metric || 'metric', ' ', selected), h('p', { class: 'muted small' }, 'Drag along an axis to keep a range; click it to clear.'), pc.svg) : null,
      h('section', {}, h('h2', {}, 'Scatter ', choose('x', w.params, state.x, (v) => { state.x = v; }), ' against ', choose('y', w.metrics, state.y, (v) => { state.y = v; })), scatterBox),
      h('section', {}, h('h2', {}, 'Points'), h('table', { class: 'runs', id: 'points' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), w.params.map((n) => h('th', {}, n)), w.metrics.map((n) => h('th', {}, n)))),
        h('tbody', {}, rows))));
    drawScatter();
    if (pc) select();
    if (timer !== false && w.points.some((p) => !isFinal(p.status))) timer = setTimeout(() => draw().catch(() => {}), 2000);
  }
  await draw();
  return { stop() { if (timer) clearTimeout(timer); timer = false; } };
}
