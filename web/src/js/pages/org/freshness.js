// Freshness: per source the last successful pull, the last failure, the
// last day with data, checkpoints and gaps (whole UTC days without a bill
// row); the last pull runs; attribution coverage; serve's own schedule.
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Freshness';

const STATUS = { ok: 'good', partial: 'running', running: 'running', error: 'bad' };

export async function render(ctx) {
  const params = o.orgParams(ctx, { team: undefined });
  const d = await api.get('/api/org/freshness', params);
  const head = o.orgHead(ctx, 'org-freshness', 'Freshness', 'When each source was last pulled, which days are missing, and how much of the bill is attributed to people.', d && d.dateRange);
  if (!o.hasOrgData(d)) return h('div', { class: 'page org' }, head, o.emptyState());
  const tz = ctx.tz;
  const gapText = (s) => (s.gaps && s.gaps.length
    ? s.gaps.map((g) => (g.from === g.to ? g.from : `${g.from} – ${g.to}`)).join(', ')
    : 'none');
  const srcCols = [
    { key: 'source', label: 'Source', fmt: (r) => o.sourceName(r.source) },
    { key: 'lastSuccess', label: `Last successful pull (${tz})`, fmt: (r) => o.when(r.lastSuccess, tz) },
    { key: 'lastDataDay', label: 'Last day with data', fmt: (r) => r.lastDataDay || '–' },
    { key: 'lastFailure', label: `Last failure (${tz})`, fmt: (r) => (r.lastFailure ? h('span', { class: 'bad-text' }, `${o.when(r.lastFailure.startedAt, tz)}: ${r.lastFailure.error || r.lastFailure.status}`) : 'none') },
    { key: 'gaps', label: 'Gaps (UTC days)', fmt: (r) => h('span', { class: r.gaps && r.gaps.length ? 'warn-text' : '' }, gapText(r)) },
    { key: 'checkpoints', label: 'Checkpoints', fmt: (r) => ((r.checkpoints || []).length
      ? h('ul', { class: 'plain' }, r.checkpoints.map((c) => h('li', {}, h('span', { class: 'muted' }, `${c.name} `), c.day)))
      : '–') },
  ];
  const runCols = [
    { key: 'startedAt', label: `Started (${tz})`, fmt: (r) => o.when(r.startedAt, tz) },
    { key: 'source', label: 'Source', fmt: (r) => o.sourceName(r.source) },
    { key: 'status', label: 'Status', fmt: (r) => h('span', { class: `status ${STATUS[r.status] || ''}` }, r.status) },
    { key: 'window', label: 'Window', fmt: (r) => `${r.from || '?'} – ${r.to || '?'}` },
    { key: 'rows', label: 'Rows', num: true, fmt: (r) => f.int(r.rows) },
    { key: 'requests', label: 'Requests', num: true, fmt: (r) => f.int(r.requests) },
    { key: 'finishedAt', label: 'Finished', fmt: (r) => (r.finishedAt ? o.when(r.finishedAt, tz) : 'interrupted or running') },
    { key: 'error', label: 'Error', fmt: (r) => r.error || '' },
  ];
  const cov = d.coverage || {};
  const sch = d.schedule;
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'cards' },
      card('Bill attributed', f.pct(cov.billAttributedPct), { test: 'billAttributedPct' }),
      card('Tokens attributed', f.pct(cov.tokensAttributedPct), { test: 'tokensAttributedPct' }),
      card('Claude Code records attributed', f.pct(cov.claudeCodeRecordsAttributedPct), { test: 'ccAttributedPct' }),
      card('Scheduled pulls', sch ? (sch.enabled ? `every ${f.duration(sch.intervalSeconds)}` : 'off') : 'not served', { test: 'schedule', sub: `as of ${o.when(d.now, tz)}` })),
    section('Sources', table(srcCols, d.sources || [], { caption: 'Sources', test: 'org-sources-fresh', empty: 'No source configured.' })),
    o.tablePanel('Last pull runs', runCols, d.runs || [], { test: 'org-runs', empty: 'No pull has run yet.' },
      { path: '/api/org/freshness', params, name: o.csvName(ctx, 'pull-runs') }));
}
