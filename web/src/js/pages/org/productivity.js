// Productivity: Claude Code lines, commits, PRs and edit accept rate (per
// tool too); Cursor accepted lines and tab accept rate; the AI share of
// committed lines (Cursor AI Code Tracking). Cursor parts say so when the
// Cursor source has no data instead of showing zeros.
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Productivity';

export async function render(ctx) {
  const params = o.orgParams(ctx);
  const { data: d } = await o.load('/api/org/productivity', params);
  const head = o.orgHead(ctx, 'org-productivity', 'Productivity',
    'What the vendors report: Claude Code analytics (Anthropic) and Cursor AI Code Tracking. Rates are accepted ÷ (accepted + rejected).', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());
  const teams = (await api.get('/api/org/teams', o.orgParams(ctx, { team: undefined }))).teams.map((t) => t.team);
  const cc = d.claudeCode || {};
  const cu = d.cursor;
  const cm = d.commits;
  const toolCols = [
    { key: 'tool', label: 'Tool' },
    { key: 'accepted', label: 'Accepted', num: true, fmt: (r) => f.int(r.accepted) },
    { key: 'rejected', label: 'Rejected', num: true, fmt: (r) => f.int(r.rejected) },
    { key: 'acceptRate', label: 'Accept rate', num: true, fmt: (r) => f.ratio(r.acceptRate) },
  ];
  const dayCols = [
    { key: 'date', label: 'Day (UTC)' },
    { key: 'ccLinesAdded', label: 'Lines added', num: true, fmt: (r) => f.int(r.ccLinesAdded) },
    { key: 'ccCommits', label: 'Commits', num: true, fmt: (r) => f.int(r.ccCommits) },
    { key: 'ccPullRequests', label: 'PRs', num: true, fmt: (r) => f.int(r.ccPullRequests) },
    { key: 'editAccepted', label: 'Edits accepted', num: true, fmt: (r) => f.int(r.editAccepted) },
    { key: 'editRejected', label: 'Edits rejected', num: true, fmt: (r) => f.int(r.editRejected) },
  ];
  const daily = [...(d.daily || [])].sort((a, b) => (a.date < b.date ? 1 : -1));
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'filters' }, o.teamFilter(ctx, teams)),
    h('h2', { class: 'group' }, 'Claude Code'),
    h('div', { class: 'cards' },
      card('Sessions', f.int(cc.sessions), { test: 'ccSessions' }),
      card('Lines added', f.int(cc.linesAdded), { test: 'ccLines', sub: `${f.int(cc.linesRemoved)} removed` }),
      card('Commits', f.int(cc.commits), { test: 'ccCommits' }),
      card('Pull requests', f.int(cc.pullRequests), { test: 'ccPullRequests' }),
      card('Edit accept rate', f.ratio(cc.editAcceptRate), { test: 'editAcceptRate', sub: `${f.int(cc.editAccepted)} accepted, ${f.int(cc.editRejected)} rejected` })),
    h('h2', { class: 'group' }, 'Cursor'),
    cu ? h('div', { class: 'cards' },
      card('Accepted lines', f.int(cu.acceptedLines), { test: 'cursorAcceptedLines', sub: `of ${f.int(cu.suggestedLines)} suggested` }),
      card('Tab accept rate', f.ratio(cu.tabAcceptRate), { test: 'tabAcceptRate', sub: `${f.int(cu.tabsAccepted)} of ${f.int(cu.tabsShown)} tabs` }),
      cm ? card('AI share of committed lines', f.pct(cm.aiSharePct), { test: 'aiSharePct', sub: `${f.int(cm.aiLinesAdded)} of ${f.int(cm.totalLinesAdded)} lines` }) : null)
      : h('p', { class: 'empty', dataset: { figure: 'noCursor' } }, 'No Cursor figures from this server: Cursor accepted lines, tab accept rate and the AI share of committed lines appear here once Cursor data is pulled (aiusage pull cursor) and served (docs/ORG_API.md says what is read).'),
    o.tablePanel('Claude Code accept rate per tool', toolCols, cc.byTool || [], { test: 'org-cc-tools' }, null),
    o.tablePanel('Claude Code day by day', dayCols, daily, { test: 'org-productivity-daily' },
      { path: '/api/org/productivity', params, name: o.csvName(ctx, 'productivity-daily') }));
}
