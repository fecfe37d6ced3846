// The dashboard's entry point: hash router, date-range picker (kept in the
// URL), live refresh on dataVersion changes, and the login dialog.

import * as api from './api.js';
import { addDays, ymd } from './format.js';
import { clear, errorBox, h } from './ui.js';
import { destroyCharts } from './charts.js';
import * as overview from './pages/overview.js';
import * as sessions from './pages/sessions.js';
import * as session from './pages/session.js';
import * as models from './pages/models.js';
import * as tools from './pages/tools.js';
import * as projects from './pages/projects.js';
import * as sync from './pages/sync.js';
import * as org from './pages/org/overview.js';
import * as orgPeople from './pages/org/people.js';
import * as orgPerson from './pages/org/person.js';
import * as orgTeams from './pages/org/teams.js';
import * as orgAdoption from './pages/org/adoption.js';
import * as orgProductivity from './pages/org/productivity.js';
import * as orgCost from './pages/org/cost.js';
import * as orgFreshness from './pages/org/freshness.js';

// route table: first path segment -> page module ({title, render(ctx)})
const ROUTES = {
  overview, sessions, session, models, tools, projects, sync,
  org, 'org-people': orgPeople, 'org-person': orgPerson, 'org-teams': orgTeams, 'org-adoption': orgAdoption,
  'org-productivity': orgProductivity, 'org-cost': orgCost, 'org-freshness': orgFreshness,
};
const POLL_MS = 3000;
const TZ = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

const state = {
  renderSeq: 0,       // discards results of superseded renders
  dataVersion: null,  // last seen /api/sync/status dataVersion
  status: null,       // last /api/sync/status payload
  pollTimer: null,
  polling: false,
  loginOpen: false,
  page: null,
};

// "#/session/abc?from=..&to=.." -> {name, arg, query}
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = new URLSearchParams(qi >= 0 ? raw.slice(qi + 1) : '');
  const [name, ...rest] = path.split('/');
  return { name: name || 'overview', arg: rest.length ? decodeURIComponent(rest.join('/')) : '', query };
}

function hashFor(name, arg, query) {
  const q = query.toString();
  return `#/${name}${arg ? '/' + encodeURIComponent(arg) : ''}${q ? '?' + q : ''}`;
}

// The range in the URL: range=7|30|90|all, or from/to (YYYY-MM-DD).
function rangeFrom(query) {
  const preset = query.get('range');
  const today = ymd(new Date(), TZ);
  if (preset && /^(7|30|90)$/.test(preset)) {
    return { preset, from: addDays(today, -(Number(preset) - 1)), to: today };
  }
  const from = query.get('from') || '';
  const to = query.get('to') || '';
  const ok = (s) => s === '' || /^\d{4}-\d{2}-\d{2}$/.test(s);
  if ((from || to) && ok(from) && ok(to)) return { preset: 'custom', from, to };
  return { preset: 'all', from: '', to: '' };
}

function makeCtx(route) {
  const range = rangeFrom(route.query);
  return {
    route,
    tz: TZ,
    range,
    status: state.status,
    // the analytics parameters every page sends
    params(extra) {
      return { dateFrom: range.from, dateTo: range.to, tz: TZ, ...(extra || {}) };
    },
    // change query keys (null deletes) and navigate; keeps the range
    navigate(changes, name, arg) {
      const q = new URLSearchParams(route.query);
      for (const [k, v] of Object.entries(changes || {})) {
        if (v === null || v === undefined || v === '') q.delete(k); else q.set(k, String(v));
      }
      location.hash = hashFor(name || route.name, name ? (arg || '') : route.arg, q);
    },
    // link to another page, carrying the date range
    link(name, arg) {
      const q = new URLSearchParams();
      for (const k of ['range', 'from', 'to']) if (route.query.get(k)) q.set(k, route.query.get(k));
      return hashFor(name, arg, q);
    },
    refresh: () => render({ live: true }),
  };
}

function syncRangeForm(range) {
  document.getElementById('range-from').value = range.from;
  document.getElementById('range-to').value = range.to;
  for (const b of document.querySelectorAll('#range [data-preset]')) {
    b.setAttribute('aria-pressed', String(b.dataset.preset === range.preset));
  }
}

function setNav(name) {
  // the org pages share one nav entry (they have their own tab bar)
  const active = name === 'session' ? 'sessions' : (name.startsWith('org') ? 'org' : name);
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
    // carry the range over to the other pages
    const q = new URLSearchParams();
    const cur = parseHash().query;
    for (const k of ['range', 'from', 'to']) if (cur.get(k)) q.set(k, cur.get(k));
    a.setAttribute('href', hashFor(a.dataset.page, '', q));
  }
  document.getElementById('nav').classList.remove('open');
  document.getElementById('nav-toggle').setAttribute('aria-expanded', 'false');
}

// Renders the current route. live=true: a data refresh of the same page
// (keeps focus and scroll; errors keep the old content and show a banner).
async function render(opts = {}) {
  const route = parseHash();
  const hash = location.hash;
  const version = state.dataVersion; // the data this render will show
  const page = ROUTES[route.name];
  const main = document.getElementById('main');
  const seq = ++state.renderSeq;
  if (!page) {
    clear(main).appendChild(errorBox({ message: `no page "${route.name}"`, code: 'NOT_FOUND' }));
    return;
  }
  const ctx = makeCtx(route);
  ctx.live = !!opts.live; // a data refresh: pages keep their UI state
  syncRangeForm(ctx.range);
  setNav(route.name);
  document.body.dataset.page = route.name;
  if (!opts.live) {
    main.setAttribute('aria-busy', 'true');
    if (state.page !== route.name) clear(main).appendChild(h('p', { class: 'loading' }, 'Loading…'));
  }
  let node;
  try {
    node = await page.render(ctx);
  } catch (e) {
    if (seq !== state.renderSeq) return;
    main.removeAttribute('aria-busy');
    if (e.code === 'UNAUTHORIZED') return; // the login dialog is open
    if (opts.live) { showBanner(e); return; }
    destroyCharts();
    clear(main).appendChild(errorBox(e));
    markReady(route.name, hash, version);
    return;
  }
  if (seq !== state.renderSeq) return; // superseded meanwhile
  hideBanner();
  const scroll = window.scrollY;
  // a live refresh keeps keyboard focus on the control with the same id
  const focusId = opts.live && main.contains(document.activeElement) ? document.activeElement.id : '';
  destroyCharts();
  clear(main).appendChild(node);
  if (focusId && document.getElementById(focusId)) document.getElementById(focusId).focus({ preventScroll: true });
  if (page.mounted) page.mounted(node, ctx);
  main.removeAttribute('aria-busy');
  document.title = `${page.title} · aiusage`;
  if (opts.live) window.scrollTo(0, scroll);
  else if (state.page !== null && state.page !== route.name) main.focus({ preventScroll: true });
  state.page = route.name;
  markReady(route.name, hash, version);
}

// Which page and URL the content on screen belongs to, and how many
// renders happened (the browser tests wait on these).
function markReady(name, hash, version) {
  document.body.dataset.ready = name;
  document.body.dataset.hash = hash;
  if (version !== null) document.body.dataset.version = String(version);
  document.body.dataset.renders = String((Number(document.body.dataset.renders) || 0) + 1);
}

function showBanner(e) {
  const b = document.getElementById('error');
  b.textContent = `Refresh failed: ${e.message}${e.code ? ` (${e.code})` : ''}`;
  b.hidden = false;
}
function hideBanner() { document.getElementById('error').hidden = true; }

// ---- live: poll the sync status; a new dataVersion refreshes the page ----
async function poll() {
  if (state.polling || state.loginOpen || document.hidden) return;
  state.polling = true;
  const liveEl = document.getElementById('live');
  const text = document.getElementById('live-text');
  try {
    const st = await api.get('/api/sync/status');
    state.status = st;
    liveEl.className = 'live on' + (st.isRunning ? ' running' : '');
    if (st.isRunning && st.progress) {
      text.textContent = `syncing ${st.progress.filesDone}/${st.progress.filesTotal}`;
    } else {
      text.textContent = st.watch && st.watch !== 'off' ? 'live' : 'live (no watch)';
    }
    const first = state.dataVersion === null;
    const changed = !first && st.dataVersion !== state.dataVersion;
    state.dataVersion = st.dataVersion;
    if (first) document.body.dataset.version = String(st.dataVersion);
    const page = ROUTES[parseHash().name];
    if (page && page.onStatus) page.onStatus(st);
    if (changed) await render({ live: true });
  } catch (e) {
    liveEl.className = 'live off';
    text.textContent = e.code === 'UNAUTHORIZED' ? 'signed out' : 'offline';
  } finally {
    state.polling = false;
  }
}

// ---- login ----
function openLogin() {
  const dlg = document.getElementById('login');
  if (state.loginOpen) return;
  state.loginOpen = true;
  document.getElementById('login-error').textContent = api.getToken() ? 'That token was not accepted.' : '';
  api.setToken(null);
  document.getElementById('logout').hidden = true;
  if (typeof dlg.showModal === 'function') dlg.showModal(); else dlg.setAttribute('open', '');
  document.getElementById('login-token').focus();
}

function setupLogin() {
  api.setUnauthorizedHandler(openLogin);
  const dlg = document.getElementById('login');
  dlg.addEventListener('cancel', (e) => e.preventDefault()); // nothing works without a token
  document.getElementById('login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const tok = document.getElementById('login-token').value.trim();
    if (!tok) return;
    api.setToken(tok);
    document.getElementById('login-token').value = '';
    state.loginOpen = false;
    dlg.close();
    document.getElementById('logout').hidden = false;
    render();
    poll();
  });
  const out = document.getElementById('logout');
  out.hidden = !api.getToken();
  out.addEventListener('click', () => {
    api.setToken(null);
    location.reload();
  });
}

function setupRange() {
  const form = document.getElementById('range');
  document.getElementById('tz-label').textContent = TZ;
  form.addEventListener('click', (e) => {
    const b = e.target.closest('[data-preset]');
    if (!b) return;
    const route = parseHash();
    const q = new URLSearchParams(route.query);
    q.delete('from'); q.delete('to'); q.delete('page');
    if (b.dataset.preset === 'all') q.delete('range'); else q.set('range', b.dataset.preset);
    location.hash = hashFor(route.name, route.arg, q);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const from = document.getElementById('range-from').value;
    const to = document.getElementById('range-to').value;
    if (from && to && from > to) {
      showBanner({ message: '"From" is after "To"' });
      return;
    }
    const route = parseHash();
    const q = new URLSearchParams(route.query);
    q.delete('range'); q.delete('page');
    if (from) q.set('from', from); else q.delete('from');
    if (to) q.set('to', to); else q.delete('to');
    location.hash = hashFor(route.name, route.arg, q);
  });
}

function setupNav() {
  const btn = document.getElementById('nav-toggle');
  btn.addEventListener('click', () => {
    const nav = document.getElementById('nav');
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    btn.setAttribute('aria-expanded', String(open));
  });
}

function start() {
  setupNav();
  setupRange();
  setupLogin();
  window.addEventListener('hashchange', () => render());
  document.addEventListener('visibilitychange', () => { if (!document.hidden) poll(); });
  render();
  poll();
  state.pollTimer = setInterval(poll, POLL_MS);
}

start();
