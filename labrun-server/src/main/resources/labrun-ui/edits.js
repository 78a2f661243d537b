// A run's tags and note, editable on its page (PATCH /runs/ID: its submitter's token or an
// admin's; the server says no to others, and that line is shown). Text always goes in as text.
import { h, clear } from './dom.js';
import { send } from './api.js';

// The Tags section: each tag with a remove button, and a form to set one (a new name, or a new value).
export function tagsEditor(base, run) {
  const box = h('div', { id: 'tags' });
  const problem = h('p', { class: 'error', id: 'tags-error' });
  async function change(body) {
    problem.textContent = '';
    try { draw((await send('PATCH', base, body)).tags || {}); } catch (e) { problem.textContent = e.message; }
  }
  function draw(tags) {
    const entries = Object.entries(tags);
    clear(box).append(
      entries.length ? h('table', { class: 'kv tags' }, h('tbody', {}, entries.map(([k, v]) => h('tr', { dataset: { tag: k } },
        h('th', {}, k), h('td', {}, v),
        h('td', {}, h('button', { type: 'button', class: 'link untag', title: `remove tag ${k}`, onclick: () => change({ untag: [k] }) }, '×')))))) : h('p', { class: 'muted' }, 'none'),
      h('form', { class: 'tag-form', id: 'tag-form', onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        const name = f.name.value.trim();
        if (name) change({ tags: { [name]: f.value.value } });
      } }, h('input', { name: 'name', placeholder: 'tag', size: 12, required: true }), h('input', { name: 'value', placeholder: 'value', size: 18 }),
      h('button', { type: 'submit' }, 'Set tag')),
      problem);
  }
  draw(run.tags || {});
  return box;
}

// The Note section: the note as written (line breaks kept), who edited it last and when; Edit opens
// a text area, Save writes it (empty removes it).
export function noteEditor(base, run) {
  const box = h('div', { id: 'note' });
  function show(note) {
    const edit = h('button', { type: 'button', id: 'edit-note', onclick: () => write(note) }, note ? 'Edit note' : 'Add a note');
    clear(box).append(...(note ? [h('div', { class: 'note-text', id: 'note-text' }, note.text),
      h('p', { class: 'muted small', id: 'note-by' }, `edited by ${note.edited_by || '?'}, ${(note.edited_utc || '').replace('T', ' ').replace('Z', ' UTC')}`)]
      : [h('p', { class: 'muted' }, 'none')]), edit);
  }
  function write(note) {
    const area = h('textarea', { id: 'note-input', rows: 6, cols: 60, maxlength: 65536 });
    area.value = note ? note.text : '';
    const problem = h('p', { class: 'error', id: 'note-error' });
    clear(box).append(area, h('div', {},
      h('button', { type: 'button', id: 'save-note', onclick: async () => {
        problem.textContent = '';
        try { show((await send('PATCH', base, { note: area.value })).note); } catch (e) { problem.textContent = e.message; }
      } }, 'Save'), ' ',
      h('button', { type: 'button', class: 'link', onclick: () => show(note) }, 'Cancel')), problem);
    area.focus();
  }
  show(run.note);
  return box;
}
