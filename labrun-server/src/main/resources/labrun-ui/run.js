// One run: status, arguments, params, environment, timings; the live log tail; one chart per
// metric (by step or by time, lists too); artifacts to download; the snapshot's files.
import { h, clear, fmt, statusBadge, isFinal } from './dom.js';
import { get, send, blob, enc, follow } from './api.js';
import { preview, previewKind } from './preview.js';
import { tagsEditor, noteEditor } from './edits.js';
import { logSearch } from './logsearch.js';
import { metricChart, listChart, chartBox, appendPoints, valueBox } from './chart.js';

const MAX_LINES = 5000;

function table(obj, cls) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return h('p', { class: 'muted' }, 'none');
  return h('table', { class: `kv ${cls || ''}` }, h('tbody', {}, entries.map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', {}, fmt(v))))));
}

async function download(path, name) {
  const b = await blob(path);
  const a = h('a', { href: URL.createObjectURL(b), download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const IMAGE = /\.(png|jpe?g|gif|svg)$/i;

// The images a run wrote (./outputs/roc.png...), shown with it: fetched with the token (an <img>
// cannot send it) and shown from a blob: URL.
function images(base, attachments) {
  const shown = attachments.filter((a) => IMAGE.test(a.path) && a.size <= 20_000_000);
  if (!shown.length) return null;
  return h('section', {}, h('h2', {}, 'Images'), h('div', { class: 'images', id: 'images' }, shown.map((a) => {
    const img = h('img', { alt: a.path, dataset: { path: a.path } });
    blob(`${base}/artifacts/${enc(a.path)}`).then((b) => {
      const ext = a.path.split('.').pop().toLowerCase();
      const typed = new Blob([b], { type: ext === 'svg' ? 'image/svg+xml' : `image/${ext === 'jpg' ? 'jpeg' : ext}` });
      img.src = URL.createObjectURL(typed);
    }).catch((e) => img.replaceWith(h('p', { class: 'error' }, `${a.path}: ${e.message}`)));
    return h('figure', {}, img, h('figcaption', { class: 'muted' }, a.path));
  })));
}

// A text, CSV or JSON artifact opens in place; its start is fetched when first opened.
function previewer(url, a) {
  if (!previewKind(a.path)) return null;
  const box = h('div', { class: 'preview' }, h('p', { class: 'muted' }, 'Loading…'));
  const details = h('details', { ontoggle: () => {
    if (!details.open || details.dataset.loaded) return;
    details.dataset.loaded = '1';
    preview(box, url, a.path, a.size).catch((e) => clear(box).append(h('p', { class: 'error' }, e.message)));
  } }, h('summary', {}, 'preview'), box);
  return details;
}

// Cancel, for a run that has not ended: asks first; the server says whether this token may.
function cancelButton(base, run, onStatus) {
  const problem = h('span', { class: 'error', id: 'cancel-error' });
  const button = h('button', { type: 'button', id: 'cancel', disabled: isFinal(run.status), onclick: async () => {
    if (!window.confirm(`Cancel run ${run.run_id}?`)) return;
    button.disabled = true;
    problem.textContent = '';
    try {
      onStatus(await send('POST', `${base}/cancel`));
    } catch (e) {
      problem.textContent = e.message;
      button.disabled = false;
    }
  } }, 'Cancel run');
  return { button, problem, ended() { button.disabled = true; } };
}

export async function runPage(app, id) {
  const run = await get(`/runs/${encodeURIComponent(id)}`);
  const base = `/runs/${encodeURIComponent(id)}`;
  const badge = h('span', { id: 'status' }, statusBadge(run.status));
  const detail = h('span', { class: 'muted', id: 'status-detail' }, run.status_detail || '');
  const log = h('pre', { class: 'log', id: 'log' });
  const charts = h('div', { class: 'charts', id: 'charts' });
  const byTime = h('input', { type: 'checkbox', id: 'by-time' });
  const files = h('div', { id: 'files' });
  const viewer = h('pre', { class: 'viewer', id: 'viewer', hidden: true });
  const showStatus = (r) => {
    clear(badge).append(statusBadge(r.status));
    detail.textContent = r.status_detail || '';
    if (isFinal(r.status)) cancel.ended();
  };
  const cancel = cancelButton(base, run, showStatus);
  const search = logSearch(base);

  clear(app).append(
    h('h1', {}, run.run_id, ' ', badge, ' ', cancel.button, ' ', cancel.problem), h('p', {}, detail),
    h('div', { class: 'grid' },
      h('section', {}, h('h2', {}, 'Run'), table({
        experiment: run.experiment, script: run.script_name, arguments: (run.arguments || []).join(' '),
        run_configuration: run.run_configuration, target: `${run.target || ''} (${run.target_type || ''})`,
        user: run.user_id, ...(run.submitted_by ? { submitted_by: run.submitted_by } : {}), host: run.host, git: run.git_commit ? `${run.git_commit}${run.git_dirty ? ' (dirty)' : ''}` : '',
        created: run.created_utc, started: run.start_time_utc, ended: run.end_time_utc, duration: run.duration, exit_code: run.exit_code,
      }, 'run-info')),
      h('section', {}, h('h2', {}, 'Params'), table(run.params, 'params'), h('h2', {}, 'Tags'), tagsEditor(base, run),
        h('h2', {}, 'Note'), noteEditor(base, run),
        h('h2', {}, 'Environment'), table(run.environment_variables, 'env'))),
    h('section', {}, h('h2', {}, 'Metrics ', h('label', { class: 'small' }, byTime, ' by time')), charts),
    h('section', {}, h('h2', {}, 'Output ', search.form), search.results, log),
    images(base, run.attachments || []) || '',
    h('section', { class: 'grid' },
      h('div', {}, h('h2', {}, 'Artifacts'), (run.attachments || []).length ? h('ul', { id: 'artifacts' }, run.attachments.map((a) =>
        h('li', { dataset: { path: a.path } }, h('a', { href: '#', onclick: (e) => { e.preventDefault(); download(`${base}/artifacts/${enc(a.path)}`, a.path.split('/').pop()); } }, a.path),
          h('span', { class: 'muted' }, ` ${a.size} B`), previewer(`${base}/artifacts/${enc(a.path)}`, a)))) : h('p', { class: 'muted' }, 'none')),
      h('div', {}, h('h2', {}, 'Snapshot'), files)),
    viewer);

  // Charts: one per metric; lists and dicts charted from their last value. A finished run's come
  // from history; a running run's from the metric stream as the script logs them (history has
  // them only once the run ends), each new batch appended to its chart.
  const live = new Map(); // metric name -> { points: [[step, time_ms, value, json]...], box, plot }
  let running = !isFinal(run.status);
  function drawLive(name, entry) {
    const scalar = entry.points.filter((p) => typeof p[2] === 'number');
    if (!entry.box) {
      charts.querySelector(':scope > p.muted')?.remove(); // 'no metrics yet'
      entry.box = chartBox(name);
      charts.append(entry.box);
    }
    if (scalar.length === 1 && !entry.plot) {
      clear(entry.box);
      valueBox(entry.box, name, scalar[0][2]);
      return;
    }
    if (scalar.length || !entry.points.length) {
      if (!entry.plot) {
        clear(entry.box);
        entry.box.classList.remove('single');
        entry.plot = metricChart(entry.box, name, { points: [], downsampled: false }, byTime.checked);
        entry.fresh = true;
      }
      return;
    }
    let value = null;
    try { value = JSON.parse(entry.points[entry.points.length - 1][3]); } catch (e) { value = null; }
    clear(entry.box);
    if (!listChart(entry.box, name, value)) entry.box.append(h('p', {}, `${name}: ${fmt(entry.points[entry.points.length - 1][3])}`));
  }
  function addLive(points) {
    for (const [name, pts] of Object.entries(points)) {
      let entry = live.get(name);
      if (!entry) { entry = { points: [] }; live.set(name, entry); }
      entry.points.push(...pts);
      drawLive(name, entry);
      // A chart made now (its second point came) starts with every point so far.
      if (entry.plot) appendPoints(entry.plot, entry.box, entry.fresh ? entry.points : pts, byTime.checked);
      entry.fresh = false;
    }
  }
  let metrics = running ? [] : (await get(`${base}/metrics`)).metrics;
  async function drawCharts() {
    clear(charts);
    if (running) {
      for (const [name, entry] of live) {
        entry.box = null; entry.plot = null;
        drawLive(name, entry);
        if (entry.plot) appendPoints(entry.plot, entry.box, entry.points, byTime.checked);
        entry.fresh = false;
      }
      if (!live.size) charts.append(h('p', { class: 'muted' }, 'No metrics logged yet.'));
      return;
    }
    if (!metrics.length) charts.append(h('p', { class: 'muted' }, 'No metrics logged.'));
    for (const m of metrics) {
      const box = chartBox(m.name);
      charts.append(box);
      if (m.scalar && m.count === 1) {
        valueBox(box, m.name, m.last);
        continue;
      }
      const series = await get(`${base}/metrics/${encodeURIComponent(m.name)}?max_points=1000`);
      if (m.scalar) metricChart(box, m.name, series, byTime.checked);
      else {
        const last = series.points.length ? series.points[series.points.length - 1][6] : null;
        let value = null;
        try { value = JSON.parse(last); } catch (e) { value = null; }
        if (!listChart(box, m.name, value)) box.append(h('p', {}, `${m.name}: ${fmt(last)}`));
      }
    }
  }
  async function ended() {
    if (!running) return;
    running = false;
    metrics = (await get(`${base}/metrics`)).metrics;
    await drawCharts();
  }
  byTime.addEventListener('change', drawCharts);
  drawCharts();
  const metricStream = running ? follow(`${base}/metric-events`, (event, data) => {
    if (event === 'metrics') addLive(data.points);
    else if (event === 'end') ended();
  }) : null;

  // Snapshot files: click one to see it.
  get(`${base}/snapshot`).then((snap) => {
    files.append(h('ul', { id: 'snapshot-files' }, snap.files.map((f) => h('li', {},
      h('a', { href: '#', onclick: async (e) => {
        e.preventDefault();
        viewer.hidden = false;
        viewer.textContent = f.size > 1_000_000 ? '(too large to show; download it instead)' : await (await blob(`${base}/snapshot/${enc(f.path)}`)).text();
        viewer.scrollIntoView();
      } }, f.path), h('span', { class: 'muted' }, ` ${f.size} B`)))));
  }).catch((e) => files.append(h('p', { class: 'muted' }, e.message)));

  // Output: the tail, then live records while the run goes on.
  const tail = await get(`${base}/logs?tail_bytes=65536`);
  function add(records) {
    for (const r of records) {
      const last = log.lastChild;
      if (last && last.dataset.open === '1') last.textContent += r.text; // a chunk continues the line
      else log.append(h('div', { class: `line ${r.stream}`, dataset: { open: r.ends_line ? '0' : '1' } }, r.text));
      if (r.ends_line && log.lastChild) log.lastChild.dataset.open = '0';
    }
    while (log.childNodes.length > MAX_LINES) log.firstChild.remove();
    log.scrollTop = log.scrollHeight;
  }
  add(tail.records);
  if (tail.complete) return metricStream;
  const logStream = follow(`${base}/events`, (event, data) => {
    if (event === 'log') add(data);
    else if (event === 'status') showStatus(data);
    else if (event === 'end') { clear(badge).append(statusBadge(data.status)); cancel.ended(); ended(); }
  }, { offset: tail.next_offset });
  return { stop() { logStream.stop(); if (metricStream) metricStream.stop(); } };
}
