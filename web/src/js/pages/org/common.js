// Shared parts of the Organisation pages (docs/ORG_API.md): the section's
// tab bar, the "no organisation data yet" state, exact money, and tables
// that carry a CSV export (the endpoint's ?format=csv, fetched with the
// same token and saved by the browser).

import * as api from '../../api.js';
import * as f from '../../format.js';
import { h, section, table } from '../../ui.js';

// route name -> tab label (the order of the tab bar)
export const ORG_TABS = [
  ['org', 'Overview'],
  ['org-people', 'People'],
  ['org-teams', 'Teams'],
  ['org-adoption', 'Adoption'],
  ['org-productivity', 'Productivity'],
  ['org-cost', 'Cost'],
  ['org-freshness', 'Freshness'],
];

// the org endpoints' parameters: the picker's dates (YYYY-MM-DD; the org
// API reads them as UTC days; "All" sends none: the server's default, the
// last 30 days) and the page's team filter (?team= in the URL)
export function orgParams(ctx, extra) {
  const p = { dateFrom: ctx.range.from, dateTo: ctx.range.to };
  const team = ctx.route.query.get('team');
  return { ...p, ...(team ? { team } : {}), ...(extra || {}) };
}

// true when any source was ever pulled (or a pull ever ran)
export function hasOrgData(fresh) {
  if (!fresh) return false;
  if (Array.isArray(fresh.runs) && fresh.runs.length) return true;
  return (fresh.sources || []).some((s) => s.lastSuccess || s.lastRun || s.lastDataDay);
}

// fetches the endpoint and /api/org/freshness together; `data` is null when
// the store holds no organisation data at all (the page shows emptyState)
export async function load(path, params) {
  const [data, fresh] = await Promise.all([api.get(path, params), api.get('/api/org/freshness')]);
  return { data: hasOrgData(fresh) ? data : null, fresh };
}

// the window the server used ("2026-01-01 – 2026-03-31, UTC days")
export function windowNote(dr) {
  return dr && dr.from ? `${dr.from} – ${dr.to} (UTC days)` : '';
}

// the team filter: a <select> of the teams, navigating with ?team=
export function teamFilter(ctx, teams) {
  const cur = ctx.route.query.get('team') || '';
  const sel = h('select', {
    id: 'org-team', onchange: (e) => ctx.navigate({ team: e.target.value || null }),
  }, h('option', { value: '' }, 'All teams'),
  teams.map((t) => h('option', { value: t, selected: t === cur }, t)));
  return h('div', { class: 'filter' }, h('label', { for: 'org-team' }, 'Team'), sel);
}

export const TOOL_LABEL = { claude_api: 'Claude API', claude_code: 'Claude Code', cursor: 'Cursor', claude_ai: 'claude.ai' };
export const toolName = (t) => TOOL_LABEL[t] || t || '–';
export const SOURCE_LABEL = { anthropic: 'Anthropic Admin API', cursor: 'Cursor Admin API', claude_ai: 'claude.ai export' };
export const sourceName = (s) => SOURCE_LABEL[s] || s || '–';

// the page header: title, one line of explanation, and the section tabs
export function orgHead(ctx, active, title, lead, dateRange) {
  // "All" has no dates: the server answers for its default window
  const win = dateRange && dateRange.from
    ? h('p', { class: 'muted small', dataset: { window: `${dateRange.from}/${dateRange.to}` } },
      `Window: ${dateRange.from} – ${dateRange.to}, UTC days`,
      ctx.range.preset === 'all' ? ' (with no dates chosen the server shows its default: the last 30 days)' : '')
    : null;
  const tabs = h('nav', { class: 'org-tabs', 'aria-label': 'Organisation pages' },
    ORG_TABS.map(([name, label]) => h('a', {
      href: ctx.link(name),
      'aria-current': name === active ? 'page' : null,
      dataset: { orgTab: name },
    }, label)));
  return [
    h('div', { class: 'page-head' },
      h('p', { class: 'eyebrow' }, 'Organisation'),
      h('h1', {}, title),
      lead ? h('p', { class: 'muted' }, lead) : null, win),
    tabs,
  ];
}

// shown on every org page while no source was ever pulled
export function emptyState() {
  return section('No organisation data yet',
    h('p', {}, 'These pages show what your organisation\'s AI tools report: the Anthropic Admin API (the bill, API usage, Claude Code analytics), Cursor\'s Admin and AI Code Tracking APIs, and claude.ai audit exports.'),
    h('p', {}, 'Pull the data with an admin key, then reload:'),
    h('pre', { class: 'cmd' }, 'export ANTHROPIC_ADMIN_KEY=sk-ant-admin01-...\nexport CURSOR_API_KEY=key_...\naiusage pull all'),
    h('p', {}, 'Or look around with made-up data first:'),
    h('pre', { class: 'cmd' }, 'aiusage demo --org\naiusage serve --demo'),
    h('p', { class: 'muted' }, 'docs/ORG.md says what is fetched, which figures are exact and which are estimates.'));
}

// exact money from the API's cent strings
export const money = (cents) => f.moneyCents(cents);

// The per-tool columns of a people or teams row (docs/ORG_API.md: `cursor`
// = the Cursor bill from usage events, exact, and activity; `claudeAi` =
// audit-log activity). team: a teams row (seat count) instead of a person
// (holds a seat or not). Seat money is not here (overview / cost).
export function toolCols(team) {
  const c = (r) => r.cursor || {};
  const a = (r) => r.claudeAi || {};
  return [
    { key: 'cursorBillCents', label: 'Cursor bill', num: true, fmt: (r) => money(c(r).billCents) },
    { key: 'cursorActiveDays', label: team ? 'Cursor active person-days' : 'Cursor active days', num: true, fmt: (r) => f.int(c(r).activeDays) },
    { key: 'cursorAcceptedLines', label: 'Cursor accepted lines', num: true, fmt: (r) => f.int(c(r).acceptedLines) },
    team
      ? { key: 'cursorSeats', label: 'Cursor seats', num: true, fmt: (r) => f.int(c(r).seats) }
      : { key: 'cursorSeats', label: 'Cursor seat', fmt: (r) => (r.email ? (c(r).seat ? 'yes' : 'no') : '–') },
    { key: 'claudeAiEvents', label: 'claude.ai events', num: true, fmt: (r) => f.int(a(r).events) },
    { key: 'claudeAiActiveDays', label: team ? 'claude.ai active person-days' : 'claude.ai active days', num: true, fmt: (r) => f.int(a(r).activeDays) },
  ];
}

// a labelled estimate (never part of the bill)
export function estimate(text) {
  return h('span', { class: 'est' }, text, h('span', { class: 'badge', title: 'An estimate: not part of the bill' }, 'estimate'));
}

// A button that downloads the endpoint as CSV; failures show next to it.
export function csvButton(path, params, filename, test) {
  const msg = h('span', { class: 'csv-error', role: 'status' });
  const btn = h('button', {
    type: 'button', class: 'csv', dataset: { csv: test || filename },
    'aria-label': `Download ${filename}`,
    onclick: async () => {
      btn.disabled = true;
      msg.textContent = '';
      try {
        await api.downloadCsv(path, params, filename);
      } catch (e) {
        msg.textContent = `CSV failed: ${e.message}`;
      } finally {
        btn.disabled = false;
      }
    },
  }, 'CSV');
  return h('span', { class: 'csv-wrap' }, btn, msg);
}

// A panel with a title, a CSV export of `csv` = {path, params, name}, and
// the table (columns/rows/opts as ui.table; opts.test names it).
export function tablePanel(title, cols, rows, opts, csv) {
  return h('section', { class: 'panel' },
    h('div', { class: 'panel-head' }, h('h2', {}, title),
      csv ? csvButton(csv.path, csv.params, csv.name, opts.test) : null),
    opts.before || null,
    table(cols, rows, { caption: title, ...opts }));
}

// "YYYY-MM-DD" or an RFC 3339 time -> shown text in the browser's zone
export function when(iso, tz) {
  if (!iso) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  return f.dateTime(iso, tz);
}

// a filename for a CSV export: aiusage-org-<what>[-from-to].csv
export function csvName(ctx, what) {
  const r = ctx.range;
  return `aiusage-org-${what}${r.from || r.to ? `-${r.from || 'start'}-${r.to || 'today'}` : ''}.csv`;
}
