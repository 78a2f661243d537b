// Artifacts read in the page: the start of a text, CSV or JSON file (at most PREVIEW_BYTES, fetched
// with a Range request), always put in as text, so a file holding HTML or script shows as written.
import { h, clear } from './dom.js';
import { head } from './api.js';

export const PREVIEW_BYTES = 65536;
const MAX_ROWS = 200;
const KINDS = [[/\.(csv)$/i, 'csv'], [/\.(tsv)$/i, 'tsv'], [/\.(json)$/i, 'json'], [/\.(txt|log|out|err|md|ya?ml|ini|cfg)$/i, 'text']];

export function previewKind(path) {
  const k = KINDS.find(([re]) => re.test(path));
  return k ? k[1] : null;
}

// One line of a CSV/TSV file split into cells ("quoted, with ""quotes""" as CSV writes them).
function cells(line, sep) {
  const out = [];
  let cur = ''; let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

function table(text, sep, cut) {
  let lines = text.split(/\r?\n/);
  if (cut) lines = lines.slice(0, -1); // the last line may be cut short by the byte limit
  lines = lines.filter((l) => l.length);
  const shown = lines.slice(0, MAX_ROWS + 1).map((l) => cells(l, sep));
  if (!shown.length) return h('p', { class: 'muted' }, '(empty)');
  return h('div', {}, h('table', { class: 'csv' },
    h('thead', {}, h('tr', {}, shown[0].map((c) => h('th', {}, c)))),
    h('tbody', {}, shown.slice(1).map((r) => h('tr', {}, r.map((c) => h('td', {}, c)))))),
  lines.length > shown.length ? h('p', { class: 'muted small' }, `the first ${MAX_ROWS} rows`) : null);
}

// Fills box with the preview of the artifact at path (size bytes), read through url.
export async function preview(box, url, path, size) {
  const kind = previewKind(path);
  const text = await head(url, PREVIEW_BYTES);
  const cut = size > PREVIEW_BYTES;
  let body;
  if (kind === 'csv' || kind === 'tsv') body = table(text, kind === 'csv' ? ',' : '\t', cut);
  else if (kind === 'json' && !cut) {
    try { body = h('pre', { class: 'viewer' }, JSON.stringify(JSON.parse(text), null, 2)); } catch (e) { body = h('pre', { class: 'viewer' }, text); }
  } else body = h('pre', { class: 'viewer' }, text);
  clear(box).append(body);
  if (cut) box.append(h('p', { class: 'muted small' }, `the first ${PREVIEW_BYTES / 1024} KiB of ${size} bytes; download it for the rest`));
}
