// The runs table: filters (status, experiment, target, script, and a filter in labrun's query
// language), sorting by any column or metric (or the filter's own order by), keyset pages (the
// server's cursors, kept in the URL so Back works), a column chooser (kept in this browser) and
// the page's rows grouped by experiment or by sweep.
import { h, clear, fmt, statusBadge, isFinal } from './dom.js';
import { get } from './api.js';

const ORDER_BY = /\s*\border\s+by\b[\s\S]*$/i;
const STATUSES = ['Queued', 'Preparing', 'Running', 'Completed', 'Failed', 'Canceled', 'Lost'];
// Each attribute column: [key, header, cell text, sortable by the server's 'sort'].
const day = (t) => (t || '').replace('T', ' ').replace('Z', '');
const ATTRIBUTES = [
  ['status', 'Status', null, true], ['experiment', 'Experiment', (r) => r.experiment, true],
  ['script', 'Script', (r) => r.script_name, true], ['target', 'Target', (r) => r.target, true],
  ['run_configuration', 'Run configuration', (r) => r.run_configuration, true],
  ['sweep', 'Sweep', (r) => r.sweep_id, false], ['created', 'Created (UTC)', (r) => day(r.created_utc), true],
  ['started', 'Started (UTC)', (r) => day(r.start_time_utc), true], ['ended', 'Ended (UTC)', (r) => day(r.end_time_utc), true],
  ['duration', 'Duration', (r) => r.duration, true], ['exit_code', 'Exit code', (r) => r.exit_code, true],
];
const SHOWN_FIRST = ['status', 'experiment', 'script', 'target', 'created', 'duration'];
const GROUPS = { experiment: (r) => r.experiment || '(none)', sweep: (r) => r.sweep_id || '(not in a sweep)' };

// The chosen columns, remembered in this browser: which attributes, and which metrics, params and
// tags (as metrics.NAME, params.NAME, tags.NAME).
const KEY = 'labrun.columns';
export const chosen = {
  get() {
    try {
      const c = JSON.parse(localStorage.getItem(KEY));
      if (c && Array.isArray(c.attributes) && Array.isArray(c.named)) return c;
    } catch (e) { /* none saved, or not ours */ }
    return { attributes: SHOWN_FIRST, named: [] };
  },
  set(c) { localStorage.setItem(KEY, JSON.stringify(c)); },
};
const NAMED = /^(metrics|params|tags)\.(.+)$/;

// The experiments of the form's list, asked at most every 30 s: over a large history counting their
// runs costs the server more than a page of runs, and filtering or sorting does not change them.
let asked = null;
async function experimentList() {
  if (!asked || Date.now() - asked.at > 30_000) asked = { at: Date.now(), list: get('/experiments') };
  try {
    return await asked.list;
  } catch (e) {
    asked = null;
    throw e;
  }
}

function go(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  location.hash = `#/runs?${q}`;
}

// The same page again (the hash has not changed, so no hashchange of its own).
function redraw() {
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export async function runsPage(app, params) {
  const state = Object.fromEntries(params.entries());
  const cursors = (state.cursors || '').split(',').filter(Boolean);
  const filter = state.filter || '';
  const ordered = ORDER_BY.test(filter);
  const saved = chosen.get();
  const attributes = ATTRIBUTES.filter(([k]) => saved.attributes.includes(k));
  const named = [...saved.named];
  const add = (c) => { if (!named.includes(c)) named.push(c); };
  // Metric columns of an older link (columns=accuracy,loss) still show.
  for (const c of (state.columns || '').split(',').map((x) => x.trim()).filter(Boolean)) add(NAMED.test(c) ? c : `metrics.${c}`);
  // The metrics a filter names come as columns, to see why a run matched.
  for (const m of filter.matchAll(/metrics\.([A-Za-z0-9_\-./:]*[A-Za-z0-9_])/g)) add(`metrics.${m[1]}`);
  const sort = ordered ? '' : state.sort || '-created';
  if (sort.replace(/^-/, '').startsWith('metric:')) add(`metrics.${sort.replace(/^-?metric:/, '')}`);
  const q = new URLSearchParams();
  for (const k of ['status', 'experiment', 'target', 'script']) if (state[k]) q.set(k, state[k]);
  if (filter) q.set('filter', filter);
  if (sort) q.set('sort', sort);
  if (named.length) q.set('columns', named.join(','));
  if (cursors.length) q.set('cursor', cursors[cursors.length - 1]);
  q.set('limit', state.limit || '50');

  // A filter the server cannot read leaves the form on the page, with the server's one line under it.
  let problem = null;
  const [page, experiments] = await Promise.all([
    get(`/runs?${q}`).catch((e) => { problem = e.message; return { runs: [], next_cursor: null }; }),
    experimentList()]);
  const selected = new Set();

  const form = h('form', { class: 'filters', id: 'filters', onsubmit: (e) => {
    e.preventDefault();
    const f = e.target.elements;
    go({ status: f.status.value, experiment: f.experiment.value, target: f.target.value.trim(), script: f.script.value.trim(),
      filter: f.filter.value.trim(), sort: state.sort, group: f.group.value });
  } },
  h('label', {}, 'Status ', h('select', { name: 'status' }, h('option', { value: '' }, 'any'),
    STATUSES.map((st) => h('option', { value: st, selected: state.status === st }, st)))),
  h('label', {}, 'Experiment ', h('select', { name: 'experiment' }, h('option', { value: '' }, 'any'),
    experiments.experiments.map((e) => h('option', { value: e.name, selected: state.experiment === e.name }, `${e.name} (${e.runs})`)))),
  h('label', {}, 'Target ', h('input', { name: 'target', value: state.target || '', size: 10 })),
  h('label', {}, 'Script ', h('input', { name: 'script', value: state.script || '', size: 12 })),
  h('label', { class: 'query' }, 'Filter ', h('input', { name: 'filter', value: filter, size: 48, spellcheck: false,
    placeholder: 'metrics.accuracy > 0.9 and params.reg in (1, 10) order by metrics.accuracy desc' })),
  h('label', {}, 'Group by ', h('select', { name: 'group', onchange: (e) => go({ ...state, group: e.target.value }) },
    [['', 'nothing'], ['experiment', 'experiment'], ['sweep', 'sweep']].map(([v, l]) => h('option', { value: v, selected: (state.group || '') === v }, l)))),
  h('button', { type: 'submit' }, 'Apply'),
  h('button', { type: 'button', class: 'link', onclick: () => go({}) }, 'Reset'),
  problem ? h('p', { class: 'error', id: 'filter-error' }, problem) : null);

  function header(key, label, sortable) {
    if (!sortable) return h('th', { dataset: { column: key } }, label);
    const active = sort.replace(/^-/, '') === key;
    const desc = sort.startsWith('-');
    const next = active && desc ? key : `-${key}`;
    // A click on a column sorts by it instead of the filter's order by, which is taken off.
    return h('th', { class: active ? 'sorted' : '', dataset: { sort: key, column: key } },
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ ...state, filter: filter.replace(ORDER_BY, ''), cursors: '', sort: next }); } },
        label, active ? (desc ? ' ▼' : ' ▲') : ''));
  }
  // A param or tag column sorts through the filter's order by (the server's 'sort' takes columns and metrics).
  function namedHeader(c) {
    const [, kind, name] = NAMED.exec(c);
    if (kind === 'metrics') return header(`metric:${name}`, name, true);
    const m = /\border\s+by\s+(\S+)(\s+(asc|desc))?\s*$/i.exec(filter);
    const active = m && m[1] === c;
    const desc = active && (m[3] || '').toLowerCase() === 'desc';
    const next = `${filter.replace(ORDER_BY, '')} order by ${c} ${active && desc ? 'asc' : 'desc'}`.trim();
    return h('th', { class: active ? 'sorted' : '', dataset: { column: c } },
      h('a', { href: '#', onclick: (e) => { e.preventDefault(); go({ ...state, filter: next, cursors: '' }); } },
        c, active ? (desc ? ' ▼' : ' ▲') : ''));
  }
  function namedCell(r, c) {
    const [, kind, name] = NAMED.exec(c);
    const v = (r[kind] || {})[name];
    return h('td', { class: kind === 'metrics' ? 'num' : '' }, fmt(v === undefined ? null : v));
  }

  const compare = h('button', { id: 'compare', disabled: true, onclick: () => {
    location.hash = `#/compare?runs=${[...selected].map(encodeURIComponent).join(',')}`;
  } }, 'Compare selected');
  const everything = asFilter(state, filter);
  const compareAll = h('button', { id: 'compare-all', disabled: page.runs.length < 2 || !everything, title: 'the first 500 runs these filters find (filter first)', onclick: () => {
    location.hash = `#/compare?${new URLSearchParams({ filter: everything, limit: '500' })}`;
  } }, 'Compare all matching');

  const width = 2 + attributes.length + named.length;
  const rows = page.runs.map((r) => h('tr', { dataset: { run: r.run_id, status: r.status } },
    h('td', {}, h('input', { type: 'checkbox', class: 'pick', onchange: (e) => {
      if (e.target.checked) selected.add(r.run_id); else selected.delete(r.run_id);
      compare.disabled = selected.size < 2;
    } })),
    h('td', {}, h('a', { href: `#/run/${encodeURIComponent(r.run_id)}` }, r.run_id)),
    attributes.map(([k, , text]) => (k === 'status' ? h('td', { class: 'status' }, statusBadge(r.status))
      : h('td', { class: k === 'duration' ? 'num duration' : k === 'exit_code' ? 'num' : '' }, fmt(text(r) ?? null)))),
    named.map((c) => namedCell(r, c))));

  const pager = h('div', { class: 'pager' },
    h('button', { id: 'prev', disabled: cursors.length === 0, onclick: () => go({ ...state, cursors: cursors.slice(0, -1).join(',') }) }, '← Newer'),
    h('span', { class: 'muted' }, `page ${cursors.length + 1}`),
    h('button', { id: 'next', disabled: !page.next_cursor, onclick: () => go({ ...state, cursors: [...cursors, page.next_cursor].join(',') }) }, 'Older →'));

  const chooser = columnChooser(saved, page.runs[0]);
  clear(app).append(
    h('h1', {}, 'Runs'), form,
    h('div', { class: 'toolbar' }, compare, ' ', compareAll, ' ', h('button', { type: 'button', id: 'columns-button', onclick: () => { chooser.hidden = !chooser.hidden; } }, 'Columns…')),
    chooser,
    h('table', { class: 'runs', id: 'runs' },
      h('thead', {}, h('tr', {}, h('th', {}), header('run_id', 'Run', true),
        attributes.map(([k, l, , sortable]) => header(k, l, sortable)), named.map(namedHeader))),
      h('tbody', {}, rows.length ? grouped(rows, page.runs, state.group, width) : h('tr', {}, h('td', { colspan: width, class: 'muted' }, 'No runs match.')))),
    pager);
  return watchStatuses(rows, q);
}

// The form's filters as one filter of the query language (what GET /compare takes), its order by last.
function asFilter(state, filter) {
  const order = (filter.match(ORDER_BY) || [''])[0].trim();
  const parts = [];
  const rest = filter.replace(ORDER_BY, '').trim();
  if (rest) parts.push(`(${rest})`);
  if (state.status) parts.push(`status = ${JSON.stringify(state.status)}`);
  for (const k of ['experiment', 'target', 'script']) if (state[k]) parts.push(`${k} = ${JSON.stringify(state[k])}`);
  return `${parts.join(' and ')} ${order}`.trim();
}

// The page's rows under one heading per experiment or sweep, in the order they first come; a
// heading's button folds its rows away.
function grouped(rows, runs, group, width) {
  const key = GROUPS[group];
  if (!key) return rows;
  const groups = new Map();
  runs.forEach((r, i) => {
    const k = key(r);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(rows[i]);
  });
  const out = [];
  for (const [k, members] of groups) {
    const fold = h('button', { type: 'button', class: 'link fold', onclick: () => {
      const hide = fold.textContent === '▾';
      fold.textContent = hide ? '▸' : '▾';
      for (const tr of members) tr.hidden = hide;
    } }, '▾');
    const name = group === 'sweep' && k !== GROUPS.sweep({}) ? h('a', { href: `#/sweep/${encodeURIComponent(k)}` }, k) : k;
    out.push(h('tr', { class: 'group', dataset: { group: k } }, h('td', { colspan: width }, fold, ' ', `${group} `, h('strong', {}, name),
      h('span', { class: 'muted' }, ` · ${members.length} run${members.length === 1 ? '' : 's'} on this page`))));
    for (const tr of members) { tr.dataset.groupOf = k; out.push(tr); }
  }
  return out;
}

// Which columns the table shows: attributes ticked on or off, metrics/params/tags added by name
// (suggested from the newest run on the page) or taken off. Saved in this browser at once.
function columnChooser(saved, sample) {
  const panel = h('div', { class: 'chooser', id: 'column-chooser', hidden: true });
  const save = (c) => { chosen.set(c); redraw(); };
  const suggestions = h('datalist', { id: 'column-names' });
  if (sample) {
    get(`/runs/${encodeURIComponent(sample.run_id)}`).then((info) => {
      const names = [...Object.keys(info.metrics || {}).map((m) => `metrics.${m}`),
        ...Object.keys(info.params || {}).map((p) => `params.${p}`), ...Object.keys(info.tags || {}).map((t) => `tags.${t}`)];
      suggestions.append(...names.filter((n) => !saved.named.includes(n)).map((n) => h('option', { value: n })));
    }).catch(() => { /* no suggestions: names can still be typed */ });
  }
  const input = h('input', { name: 'column', id: 'add-column', list: 'column-names', size: 24, spellcheck: false, placeholder: 'metrics.accuracy, params.lr, tags.team' });
  const addNamed = (e) => {
    e.preventDefault();
    const c = input.value.trim();
    if (!NAMED.test(c)) { input.setCustomValidity('write metrics.NAME, params.NAME or tags.NAME'); input.reportValidity(); return; }
    if (!saved.named.includes(c)) save({ ...saved, named: [...saved.named, c] });
  };
  panel.append(
    h('div', { class: 'attributes' }, ATTRIBUTES.map(([k, l]) => h('label', {},
      h('input', { type: 'checkbox', dataset: { column: k }, checked: saved.attributes.includes(k), onchange: (e) => save({ ...saved,
        attributes: ATTRIBUTES.map(([a]) => a).filter((a) => (a === k ? e.target.checked : saved.attributes.includes(a))) }) }),
      ` ${l}`))),
    h('div', { class: 'named' }, saved.named.map((c) => h('span', { class: 'chip', dataset: { column: c } }, c,
      h('button', { type: 'button', class: 'link', title: `hide ${c}`, onclick: () => save({ ...saved, named: saved.named.filter((x) => x !== c) }) }, '×')))),
    h('form', { id: 'add-column-form', onsubmit: addNamed }, input, suggestions, h('button', { type: 'submit' }, 'Add column'),
      h('button', { type: 'button', class: 'link', onclick: () => save({ attributes: SHOWN_FIRST, named: [] }) }, 'Default columns')));
  return panel;
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
        const status = tr.querySelector('td.status');
        const duration = tr.querySelector('td.duration');
        if (r.status !== tr.dataset.status) {
          tr.dataset.status = r.status;
          if (status) clear(status).append(statusBadge(r.status));
        }
        if (duration) duration.textContent = r.duration || '';
      }
    } catch (e) { /* the next tick tries again */ }
    if (timer !== false) timer = setTimeout(tick, 2000);
  };
  timer = setTimeout(tick, 2000);
  return { stop() { if (timer) clearTimeout(timer); timer = false; } };
}
