// One person: their share of the bill, keys (and how each was resolved to
// them), Claude Code activity, Cursor (bill, activity, seat) and claude.ai
// activity, and a daily table with every source (CSV = the daily rows; a
// source without a row that day shows "–").
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Person';
const SOURCE_SHORT = { anthropic: 'Anthropic', cursor: 'Cursor', claude_ai: 'claude.ai' };

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
  const ccd = (r) => r.claudeCode || {};
  const cud = (r) => r.cursor || {};
  const dayCols = [
    { key: 'date', label: 'Day (UTC)' },
    { key: 'sources', label: 'Sources', fmt: (r) => (r.sources || []).map((s) => SOURCE_SHORT[s] || s).join(', ') },
    { key: 'billCents', label: 'Bill share', num: true, fmt: (r) => o.money(r.billCents) },
    { key: 'tokens', label: 'API tokens', num: true, fmt: (r) => f.int(r.tokens) },
    { key: 'ccSessions', label: 'CC sessions', num: true, fmt: (r) => f.int(ccd(r).sessions) },
    { key: 'ccLinesAdded', label: 'CC lines +', num: true, fmt: (r) => f.int(ccd(r).linesAdded) },
    { key: 'ccCommits', label: 'CC commits', num: true, fmt: (r) => f.int(ccd(r).commits) },
    { key: 'ccEstimatedCostCents', label: 'CC cost (estimate)', num: true, fmt: (r) => o.money(ccd(r).estimatedCostCents) },
    { key: 'cursorBillCents', label: 'Cursor bill', num: true, fmt: (r) => o.money(cud(r).billCents) },
    { key: 'cursorActive', label: 'Cursor active', fmt: (r) => (r.cursor ? (r.cursor.active ? 'yes' : 'no') : '–') },
    { key: 'cursorAcceptedLines', label: 'Cursor accepted lines', num: true, fmt: (r) => f.int(cud(r).acceptedLines) },
    { key: 'claudeAiEvents', label: 'claude.ai events', num: true, fmt: (r) => f.int(r.claudeAi && r.claudeAi.events) },
  ];
  const cu = p.cursor || {};
  const ai = p.claudeAi || {};
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
      card('Claude Code cost', o.money(cc.estimatedCostCents), { test: 'ccEstimatedCostCents', estimate: true }),
      card('Cursor bill', o.money(cu.billCents), { test: 'cursorBillCents', sub: cu.seat ? 'holds a Cursor seat' : 'no Cursor seat' }),
      card('Cursor active days', f.int(cu.activeDays), { test: 'cursorActiveDays', sub: `${f.int(cu.acceptedLines)} accepted lines` }),
      card('claude.ai events', f.int(ai.events), { test: 'claudeAiEvents', sub: `on ${f.int(ai.activeDays)} day${ai.activeDays === 1 ? '' : 's'}` })),
    section('API keys', table(keyCols, d.keys || [], { caption: 'API keys', test: 'org-person-keys', empty: 'No API keys resolved to this person.' })),
    o.tablePanel('Day by day', dayCols, daily, { test: 'org-person-daily' },
      { path, params, name: o.csvName(ctx, `person-${email.replace(/[^a-z0-9._-]+/gi, '_')}`) }));
}
