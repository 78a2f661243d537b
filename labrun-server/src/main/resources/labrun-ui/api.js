// The server's API: every call carries the token the user gave (kept in this browser only).
const KEY = 'labrun.token';

export const token = {
  get: () => localStorage.getItem(KEY),
  set: (t) => localStorage.setItem(KEY, t),
  clear: () => localStorage.removeItem(KEY),
};

export class AuthError extends Error {}

function headers(extra = {}) {
  return { Authorization: `Bearer ${token.get() || ''}`, ...extra };
}

async function check(res) {
  if (res.status === 401) throw new AuthError('the token was refused');
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try { message = (await res.json()).error || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return res;
}

export async function get(path) {
  return (await check(await fetch(`/api/v1${path}`, { headers: headers() }))).json();
}

// A JSON request that changes something (POST, PATCH...); answers the server's JSON.
export async function send(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return (await check(await fetch(`/api/v1${path}`, init))).json();
}

// The first maxBytes of a file, as text (a Range request: a large file is never fetched whole).
export async function head(path, maxBytes) {
  const res = await check(await fetch(`/api/v1${path}`, { headers: headers({ Range: `bytes=0-${maxBytes - 1}` }) }));
  const bytes = new Uint8Array(await res.arrayBuffer());
  return new TextDecoder().decode(bytes.subarray(0, maxBytes));
}

export async function blob(path) {
  return (await check(await fetch(`/api/v1${path}`, { headers: headers() }))).blob();
}

export function enc(path) {
  return path.split('/').map(encodeURIComponent).join('/');
}

// Server-Sent Events through fetch (EventSource cannot send a token): calls onEvent(name, data),
// reconnects with Last-Event-ID after a dropped connection, stops at 'end' or on stop().
export function follow(path, onEvent, { offset = 0 } = {}) {
  let lastId = null;
  let stopped = false;
  let controller = null;
  async function connect() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const h = headers({ Accept: 'text/event-stream' });
        if (lastId !== null) h['Last-Event-ID'] = lastId;
        const url = `/api/v1${path}${lastId === null ? `?offset=${offset}` : ''}`;
        const res = await check(await fetch(url, { headers: h, signal: controller.signal }));
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let event = 'message'; let id = null; const data = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event:')) event = line.slice(6).trim();
              else if (line.startsWith('id:')) id = line.slice(3).trim();
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
            }
            if (!data.length) continue;
            if (id !== null) lastId = id;
            onEvent(event, JSON.parse(data.join('\n')));
            if (event === 'end') { stopped = true; return; }
          }
        }
      } catch (e) {
        if (stopped || e.name === 'AbortError') return;
        if (e instanceof AuthError) { onEvent('error', { error: e.message }); return; }
      }
      if (!stopped) await new Promise((r) => setTimeout(r, 1000));
    }
  }
  connect();
  return { stop() { stopped = true; if (controller) controller.abort(); } };
}
