// Teams (from people.csv): members, bill share, tokens, Claude Code
// activity, the Cursor bill, activity and seats, claude.ai activity (sums
// over the members); "(no team)" holds people without one.
import { barChart, chartBox } from '../../charts.js';
import * as f from '../../format.js';
import { card, h, section } from '../../ui.js';
import * as o from './common.js';

export const title = 'Teams';
let pending = null;

export async function render(ctx) {
  const params = o.orgParams(ctx, { team: undefined });
  const { data: d } = await o.load('/api/org/teams', params);
  const head = o.orgHead(ctx, 'org-teams', 'Teams', 'Teams come from people.csv (aiusage org --people FILE).', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());
  const cols = [
    { key: 'team', label: 'Team', fmt: (r) => h('a', { href: `${ctx.link('org-people')}${ctx.link('org-people').includes('?') ? '&' : '?'}team=${encodeURIComponent(r.team)}` }, r.team) },
    { key: 'people', label: 'People', num: true, fmt: (r) => f.int(r.people) },
    { key: 'billCents', label: 'Bill share', num: true, fmt: (r) => o.money(r.billCents) },
    { key: 'tokens', label: 'API tokens', num: true, fmt: (r) => f.int(r.tokens) },
    { key: 'keys', label: 'Keys', num: true, fmt: (r) => f.int(r.keys) },
    { key: 'ccSessions', label: 'CC sessions', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.sessions) },
    { key: 'ccLinesAdded', label: 'CC lines +', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.linesAdded) },
    { key: 'ccCommits', label: 'CC commits', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.commits) },
    { key: 'ccPullRequests', label: 'CC PRs', num: true, fmt: (r) => f.int(r.claudeCode && r.claudeCode.pullRequests) },
    { key: 'ccEstimatedCostCents', label: 'CC cost (estimate)', num: true, fmt: (r) => o.money(r.claudeCode && r.claudeCode.estimatedCostCents) },
    ...o.toolCols(true),
  ];
  const teams = d.teams || [];
  const { box, canvas } = chartBox('Bill share per team');
  box.style.height = `${Math.max(140, teams.length * 34 + 60)}px`;
  pending = teams.length ? () => barChart(canvas, teams.map((t) => t.team), teams.map((t) => f.centsToChartDollars(t.billCents)), 'Bill share', f.money) : null;
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'cards' },
      card('Teams', f.int(teams.length), { test: 'teamCount' }),
      card('Bill attributed', f.pct(d.coverage && d.coverage.billAttributedPct), { test: 'billAttributedPct' })),
    section('Bill share per team', teams.length ? box : h('p', { class: 'empty' }, 'No teams in this range.')),
    o.tablePanel('Teams', cols, teams, { test: 'org-teams' },
      { path: '/api/org/teams', params, name: o.csvName(ctx, 'teams') }));
}

export function mounted() { if (pending) pending(); pending = null; }
