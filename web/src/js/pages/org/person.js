// One person: their share of the bill, keys (and how each was resolved to
// them), Claude Code activity, and a daily table (CSV = the daily rows).
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Person';

export async function render(ctx) {
  const email = ctx.route.arg;
  const params = o.orgParams(ctx, { team: undefined });
  const path = `/api/org/people/${encodeURIComponent(email)}`;
  const d = await api.get(path, params);
  const p = d.person || {};
  const cc = p.claudeCode || {};
  const keyCols = [
    { key: 'name', label: 'Key', fmt: (r) => r.name || r.id },
    { key: 'id', label: 'Id', fmt: (r) => h('span', { class: 'mono' }, r.id) },
    { key: 'workspaceId', label: 'Workspace', fmt: (r) => r.workspaceId || 'Default' },
    { key: 'via', label: 'Resolved via' },
  ];
  const dayCols = [
    { key: 'date', label: 'Day (UTC)' },
    { key: 'billCents', label: 'Bill share', num: true, fmt: (r) => o.money(r.billCents) },
    { key: 'tokens', label: 'API tokens', num: true, fmt: (r) => f.int(r.tokens) },
    { key: 'ccSessions', label: 'CC sessions', num: true, fmt: (r) => f.int(r.ccSessions) },
    { key: 'ccLinesAdded', label: 'CC lines +', num: true, fmt: (r) => f.int(r.ccLinesAdded) },
    { key: 'ccCommits', label: 'CC commits', num: true, fmt: (r) => f.int(r.ccCommits) },
    { key: 'estimatedCostCents', label: 'CC cost (estimate)', num: true, fmt: (r) => o.money(r.estimatedCostCents) },
  ];
  const daily = [...(d.daily || [])].sort((a, b) => (a.date < b.date ? 1 : -1));
  return h('div', { class: 'page org' },
    o.orgHead(ctx, 'org-people', p.name || p.email || email, `${p.email || email} · ${p.team || '(no team)'}`, d.dateRange),
    h('p', { class: 'crumbs' }, h('a', { href: ctx.link('org-people') }, '← People')),
    h('div', { class: 'cards' },
      card('Bill share', o.money(p.billCents), { test: 'billCents' }),
      card('API tokens', f.int(p.tokens), { test: 'tokens', sub: `on ${f.int(p.keys)} key${p.keys === 1 ? '' : 's'}` }),
      card('Claude Code sessions', f.int(cc.sessions), { test: 'ccSessions' }),
      card('Claude Code lines added', f.int(cc.linesAdded), { test: 'ccLines', sub: `${f.int(cc.linesRemoved)} removed` }),
      card('Commits / PRs', `${f.int(cc.commits)} / ${f.int(cc.pullRequests)}`, { test: 'ccCommits' }),
      card('Claude Code cost', o.money(cc.estimatedCostCents), { test: 'ccEstimatedCostCents', estimate: true })),
    section('API keys', table(keyCols, d.keys || [], { caption: 'API keys', test: 'org-person-keys', empty: 'No API keys resolved to this person.' })),
    o.tablePanel('Day by day', dayCols, daily, { test: 'org-person-daily' },
      { path, params, name: o.csvName(ctx, `person-${email.replace(/[^a-z0-9._-]+/gi, '_')}`) }));
}
