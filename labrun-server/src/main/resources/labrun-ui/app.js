// labrun's web UI: plain ES modules, routed on the URL's hash.
import { h, clear } from './dom.js';
import { token, AuthError } from './api.js';
import { runsPage } from './runs.js';
import { runPage } from './run.js';
import { comparePage } from './compare.js';
import { sweepsPage, sweepPage } from './sweeps.js';

const app = document.getElementById('app');
let current = null; // what the shown page must stop (live streams) when we leave it

function login(message) {
  clear(app).append(h('section', { class: 'login' },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'muted' }, 'Paste an API token. An administrator creates one on the server host with ',
      h('code', {}, 'labrun server token create --name NAME'), '.'),
    message ? h('p', { class: 'error' }, message) : null,
    h('form', { id: 'login', onsubmit: (e) => {
      e.preventDefault();
      const t = e.target.elements.token.value.trim();
      if (t) { token.set(t); route(); }
    } },
    h('input', { name: 'token', type: 'password', autocomplete: 'off', placeholder: 'lrt_…', size: 50 }),
    h('button', { type: 'submit' }, 'Sign in'))));
}

async function route() {
  if (current && current.stop) current.stop();
  current = null;
  document.getElementById('signout').hidden = !token.get();
  if (!token.get()) return login();
  const hash = location.hash.replace(/^#/, '') || '/runs';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  try {
    if (path.startsWith('/run/')) current = await runPage(app, decodeURIComponent(path.slice(5)));
    else if (path.startsWith('/compare')) current = await comparePage(app, params);
    else if (path.startsWith('/sweeps')) current = await sweepsPage(app);
    else if (path.startsWith('/sweep/')) current = await sweepPage(app, decodeURIComponent(path.slice(7)));
    else current = await runsPage(app, params);
  } catch (e) {
    if (e instanceof AuthError) { token.clear(); return login('That token was refused (revoked or mistyped).'); }
    clear(app).append(h('p', { class: 'error' }, e.message));
  }
}

document.getElementById('signout').addEventListener('click', () => { token.clear(); route(); });
window.addEventListener('hashchange', route);
route();
