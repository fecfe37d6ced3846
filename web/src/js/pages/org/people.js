// People: each person's share of the bill (an exact split, docs/ORG.md),
// API tokens and keys, Claude Code activity and its ESTIMATED cost, the
// Cursor bill (usage events), activity and seat, claude.ai activity; a
// search box (name/email, in the page) and a team filter (sent to the API,
// so the CSV export is filtered the same way). Unattributed activity stays
// visible as its own row.
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h } from '../../ui.js';
import * as o from './common.js';

export const title = 'People';

export function personCols(ctx) {
  return [
    { key: 'email', label: 'Person', fmt: (r) => (r.email
      ? h('a', { href: ctx.link('org-person', r.email) }, r.name || r.email, r.name ? h('span', { class: 'muted sub-email' }, r.email) : null)
      : h('em', {}, 'unattributed')) },
    { key: 'billCents', label: 'Bill share', num: true, fmt: (r) => o.money(r.billCents) },
    { key: 'team', label: 'Team', fmt: (r) => r.team || (r.email ? '(no team)' : '') },
    { key: 'tokens', label: 'API tokens', num: true, fmt: (r) => f.int(r.tokens) },
    { key: 'keys', label: 'Keys', num: true, fmt: (r) => f.int(r.keys) },
    { key: 'ccSessions', label: 'CC sessions', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.sessions) },
    { key: 'ccLinesAdded', label: 'CC lines +', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.linesAdded) },
    { key: 'ccCommits', label: 'CC commits', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.commits) },
    { key: 'ccPullRequests', label: 'CC PRs', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.pullRequests) },
    { key: 'ccEstimatedCostCents', label: 'CC cost (estimate)', num: true, fmt: (r) => o.money(r.claudeCode && r.claudeCode.estimatedCostCents) },
    ...o.toolCols(false),
  ];
}

function matches(p, q) {
  if (!q) return true;
  const s = q.toLowerCase();
  return (p.email || '').toLowerCase().includes(s) || (p.name || '').toLowerCase().includes(s);
}

export async function render(ctx) {
  const params = o.orgParams(ctx);
  const { data: d } = await o.load('/api/org/people', params);
  const head = o.orgHead(ctx, 'org-people', 'People',
    'Bill shares are exact splits of the Anthropic bill by token share; the Cursor bill is each person\'s Cursor usage events (exact); Claude Code cost is Claude Code\'s own estimate and not part of the bill.', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());
  // every team, from the unfiltered teams list (the filter must offer all)
  const teams = (await api.get('/api/org/teams', o.orgParams(ctx, { team: undefined }))).teams.map((t) => t.team);
  const q = ctx.route.query.get('q') || '';
  const shown = d.people.filter((p) => matches(p, q));
  const rows = q ? shown : [...shown, ...(d.unattributed ? [d.unattributed] : [])];
  const cov = d.coverage || {};
  const search = h('input', {
    type: 'search', id: 'org-people-q', value: q, placeholder: 'name or email', 'aria-label': 'Search people',
    onchange: (e) => ctx.navigate({ q: e.target.value.trim() || null }),
  });
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'cards' },
      card('People', f.int(d.people.length), { test: 'peopleCount' }),
      card('Bill attributed', f.pct(cov.billAttributedPct), { test: 'billAttributedPct' }),
      card('Tokens attributed', f.pct(cov.tokensAttributedPct), { test: 'tokensAttributedPct' }),
      card('Claude Code records attributed', f.pct(cov.claudeCodeRecordsAttributedPct), { test: 'ccAttributedPct' })),
    h('div', { class: 'filters' }, o.teamFilter(ctx, teams),
      h('div', { class: 'filter' }, h('label', { for: 'org-people-q' }, 'Search'), search),
      q ? h('span', { class: 'muted', dataset: { figure: 'matches' } }, `${shown.length} of ${d.people.length} match`) : null),
    o.tablePanel('People', personCols(ctx), rows, {
      test: 'org-people',
      rowAttrs: (r) => (r.email ? {} : { class: 'unattributed' }),
      empty: q ? `Nobody matches "${q}".` : 'No people in this range.',
    }, { path: '/api/org/people', params, name: o.csvName(ctx, 'people') }));
}
