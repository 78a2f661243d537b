// Search in a run's output on the server (GET /runs/ID/logs/search: plain text or a regular
// expression, bounded per request): the matching lines with the match marked, and "More" to go on
// from where the server stopped. Lines are put in as text; only the <mark> is ours.
import { h, clear } from './dom.js';
import { get } from './api.js';

const LIMIT = 100;

export function logSearch(base) {
  const results = h('div', { class: 'log-matches', id: 'log-matches', hidden: true });
  let asked = null; // the search shown: q, regex, and the offset to go on from
  function line(m) {
    const text = m.text.replace(/\n$/, '');
    const s = Math.min(m.match_start ?? 0, text.length); const e = Math.min(m.match_end ?? s, text.length);
    return h('div', { class: `line ${m.stream}`, dataset: { offset: m.offset } }, text.slice(0, s), h('mark', {}, text.slice(s, e)), text.slice(e));
  }
  async function run(more) {
    const q = new URLSearchParams({ q: asked.q, regex: String(asked.regex), offset: String(asked.offset), limit: String(LIMIT) });
    if (!more) clear(results).append(h('p', { class: 'muted' }, 'Searching…'));
    results.hidden = false;
    let found;
    try { found = await get(`${base}/logs/search?${q}`); } catch (e) { clear(results).append(h('p', { class: 'error', id: 'log-search-error' }, e.message)); return; }
    if (!more) clear(results).append(h('pre', { class: 'log' }));
    results.querySelector('p.more')?.remove();
    const pre = results.querySelector('pre');
    pre.append(...found.matches.map(line));
    asked.offset = found.next_offset;
    const n = pre.childElementCount;
    const done = found.complete && found.matches.length < LIMIT;
    results.append(h('p', { class: 'muted more' }, `${n} matching line${n === 1 ? '' : 's'}${done ? '' : ' so far'}`,
      done ? null : [' ', h('button', { type: 'button', id: 'log-search-more', onclick: () => run(true) }, 'More')]));
  }
  const form = h('form', { class: 'log-search', id: 'log-search', onsubmit: (e) => {
    e.preventDefault();
    const f = e.target.elements;
    const q = f.q.value;
    if (!q) { results.hidden = true; return; }
    asked = { q, regex: f.regex.checked, offset: 0 };
    run(false);
  } }, h('input', { name: 'q', type: 'search', placeholder: 'find in the output', size: 30, spellcheck: false }),
  h('label', { class: 'small' }, h('input', { type: 'checkbox', name: 'regex' }), ' regular expression'),
  h('button', { type: 'submit' }, 'Find'));
  return { form, results };
}
