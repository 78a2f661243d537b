// The runs table: filters (status, experiment, target, script, and a filter in labrun's query
// language), sorting by any column or metric (or the filter's own order by), keyset pages (the
// server's cursors, kept in the URL so Back works).
import { h, clear, fmt, statusBadge, isFinal } from './dom.js';
import { get } from './api.js';

const ORDER_BY = /\s*\border\s+by\b[\s\S]*$/i;
const STATUSES = ['Queued', 'Preparing', 'Running', 'Completed', 'Failed', 'Canceled', 'Lost'];
const COLUMNS = [
  ['run_id', 'Run'], ['status', 'Status'], ['experiment', 'Experiment'], ['script', 'Script'],
  ['target', 'Target'], ['created', 'Created (UTC)'], ['duration', 'Duration'],
];

function go(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  location.hash = `#/runs?${q}`;
}

export async function runsPage(app, params) {
  const state = Object.fromEntries(params.entries());
  const cursors = (state.cursors || '').split(',').filter(Boolean);
  const filter = state.filter || '';
  const ordered = ORDER_BY.test(filter);
  const columns = (state.columns || '').split(',').map((s) => s.trim()).filter(Boolean);
  // The metrics a filter names come as columns, to see why a run matched.
  for (const m of filter.matchAll(/metrics\.([A-Za-z0-9_\-./:]*[A-Za-z0-9_])/g)) {
    if (!columns.includes(m[1])) columns.push(m[1]);
  }
  const sort = ordered ? '' : state.sort || '-created';
  if (sort.replace(/^-/, '').startsWith('metric:')) {
    const m = sort.replace(/^-?metric:/, '');
    if (!columns.includes(m)) columns.push(m);
  }
  const q = new URLSearchParams();
  for (const k of ['status', 'experiment', 'target', 'script']) if (state[k]) q.set(k, state[k]);
  if (filter) q.set('filter', filter);
  if (sort) q.set('sort', sort);
  if (columns.length) q.set('columns', columns.join(','));
  if (cursors.length) q.set('cursor', cursors[cursors.length - 1]);
  q.set('limit', state.limit || '50');

  // A filter the server cannot read leaves the form on the page, with the server's one line under it.
  let problem = null;
  const [page, experiments] = await Promise.all([
    get(`/runs?${q}`).catch((e) => { problem = e.message; return { runs: [], next_cursor: null }; }),
    get('/experiments')]);
  const selected = new Set();

  const form = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const f = e.target.elements;
    go({ status: f.status.value, experiment: f.experiment.value, target: f.target.value.trim(), script: f.script.value.trim(),
      filter: f.filter.value.trim(), columns: f.columns.value.trim(), sort: state.sort });
  } },
  h('label', {}, 'Status ', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: state.status === s }, s)))),
  h('label', {}, 'Experiment ', h('select', { name: 'experiment' }, h('option', { value: '' }, 'any'),
    experiments.experiments.map((e) => h('option', { value: e.name, selected: state.experiment === e.name }, `${e.name} (${e.runs})`)))),
  h('label', {}, 'Target ', h('input', { name: 'target', value: state.target || '', size: 10 })),
  h('label', {}, 'Script ', h('input', { name: 'script', value: state.script || '', size: 12 })),
  h('label', { class: 'query' }, 'Filter ', h('input', { name: 'filter', value: filter, size: 48, spellcheck: false,
    placeholder: 'metrics.accuracy > 0.9 and params.reg in (1, 10) order by metrics.accuracy desc' })),
  h('label', {}, 'Show ', h('input', { name: 'columns', value: state.columns || '', size: 14, placeholder: 'accuracy, loss' })),
  h('button', { type: 'submit' }, 'Apply'),
  h('button', { type: 'button', class: 'link', onclick: () => go({}) }, 'Reset'),
  problem ? h('p', { class: 'error', id: 'filter-error' }, problem) : null);

  function header(key, label) {
    const active = sort.replace(/^-/, '') === key;
    const desc = sort.startsWith('-');
    const next = active && desc ? key : `-${key}`;
    // A click on a column sorts by it instead of the filter's order by, which is taken off.
    return h('th', { class: active ? 'sorted' : '', dataset: { sort: key } },
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ ...state, filter: filter.replace(ORDER_BY, ''), cursors: '', sort: next }); } },
        label, active ? (desc ? ' ▼' : ' ▲') : ''));
  }

  const compare = h('button', { id: 'compare', disabled: true, onclick: () => {
    location.hash = `#/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`;
  } }, 'Compare selected');

  const rows = page.runs.map((r) => h('tr', { dataset: { run: r.run_id, status: r.status } },
    h('td', {}, h('input', { type: 'checkbox', class: 'pick', onchange: (e) => {
      if (e.target.checked) selected.add(r.run_id); else selected.delete(r.run_id);
      compare.disabled = selected.size < 2;
    } })),
    h('td', {}, h('a', { href: `#/run/${encodeURIComponent(r.run_id)}` }, r.run_id)),
    h('td', { class: 'status' }, statusBadge(r.status)),
    h('td', {}, r.experiment || ''),
    h('td', {}, r.script_name || ''),
    h('td', {}, r.target || ''),
    h('td', {}, (r.created_utc || '').replace('T', ' ').replace('Z', '')),
    h('td', { class: 'num duration' }, r.duration || ''),
    columns.map((m) => h('td', { class: 'num' }, fmt(r.metrics ? r.metrics[m] : null)))));

  const pager = h('div', { class: 'pager' },
    h('button', { id: 'prev', disabled: cursors.length === 0, onclick: () => go({ ...state, cursors: cursors.slice(0, -1).join(',') }) }, '← Newer'),
    h('span', { class: 'muted' }, `page ${cursors.length + 1}`),
    h('button', { id: 'next', disabled: !page.next_cursor, onclick: () => go({ ...state, cursors: [...cursors, page.next_cursor].join(',') }) }, 'Older →'));

  clear(app).append(
    h('h1', {}, 'Runs'), form,
    h('div', { class: 'toolbar' }, compare),
    h('table', { class: 'runs', id: 'runs' },
      h('thead', {}, h('tr', {}, h('th', {}), COLUMNS.map(([k, l]) => header(k, l)), columns.map((m) => header(`metric:${m}`, m)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 8 + columns.length, class: 'muted' }, 'No runs match.')))),
    pager);
  return watchStatuses(rows, q);
}

// While runs on the page have not ended, their status and duration are asked again every 2 s
// (the same page query), and the rows updated in place.
function watchStatuses(rows, q) {
  let timer = null;
  const tick = async () => {
    timer = null;
    if (!rows.some((tr) => !isFinal(tr.dataset.status))) return;
    try {
      const fresh = new Map((await get(`/runs?${q}`)).runs.map((r) => [r.run_id, r]));
      for (const tr of rows) {
        const r = fresh.get(tr.dataset.run);
        if (!r) continue;
        if (r.status !== tr.dataset.status) {
          tr.dataset.status = r.status;
          clear(tr.querySelector('td.status')).append(statusBadge(r.status));
        }
        tr.querySelector('td.duration').textContent = r.duration || '';
      }
    } catch (e) { /* the next tick tries again */ }
    if (timer !== false) timer = setTimeout(tick, 2000);
  };
  timer = setTimeout(tick, 2000);
  return { stop() { if (timer) clearTimeout(timer); timer = false; } };
}
