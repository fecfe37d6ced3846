// Organisation overview: the bill (vendor bills + seats) by tool, source
// and month, the run rate, budget against actual. Claude Code's estimated
// cost is shown apart, labelled, and never added to the bill.
import { barChart, chartBox } from '../../charts.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Organisation';
let pending = null;

const BUDGET_STATUS = { ok: 'on track', over: 'over budget', projected_over: 'projected over budget', none: 'no budget set' };

export async function render(ctx) {
  const params = o.orgParams(ctx, { team: undefined });
  const { data: d } = await o.load('/api/org/overview', params);
  const head = o.orgHead(ctx, 'org', 'Organisation overview',
    'What the organisation pays for AI tools: vendor bills plus seat prices. Estimates are shown apart and never added.', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());

  const b = d.budget || {};
  const est = (d.estimates && d.estimates.estimatedClaudeCodeCents) || null;
  const cards = h('div', { class: 'cards' },
    card('Total (bill + seats)', o.money(d.totalCents), { test: 'totalCents' }),
    card('Vendor bills', o.money(d.billCents), { test: 'billCents' }),
    card('Seats', o.money(d.seatCents), { test: 'seatCents', sub: f.centsToNano(d.seatCents) === 0n ? 'no seat costs counted (see docs/ORG_API.md)' : 'seat price × seats × months' }),
    card('Run rate / month', o.money(d.runRate && d.runRate.monthlyCents), { test: 'runRate', sub: d.runRate ? `last ${d.runRate.days} days with data × 30; ${o.money(d.runRate.dailyCents)}/day` : '' }),
    card('Budget this month', b.monthlyCents ? o.money(b.monthlyCents) : 'not set', {
      test: 'budget',
      sub: b.month ? [`${b.month}: ${o.money(b.actualCents)} spent, ${o.money(b.projectedCents)} projected`,
        b.monthlyCents ? [' ', h('span', { class: `status budget-${b.status}` }, BUDGET_STATUS[b.status] || b.status)] : ' (set [budget] monthly in the config file)'] : '',
    }),
    card('Bill attributed to people', f.pct(d.coverage && d.coverage.billAttributedPct), { test: 'coverage' }));

  const estBox = section('Estimates (not part of the bill)',
    h('div', { class: 'cards' },
      card('Claude Code estimated cost', o.money(est), { test: 'estimatedClaudeCodeCents', estimate: true, sub: 'Claude Code\'s own estimate of spend already on the Anthropic bill' })));

  // month x tool: one column per tool present, totals exact (BigInt)
  const tools = [...new Set((d.byMonth || []).map((r) => r.tool))];
  const months = [...new Set((d.byMonth || []).map((r) => r.month))].sort();
  const monthRows = months.map((m) => {
    const row = { month: m };
    const sums = [];
    for (const t of tools) {
      const cells = d.byMonth.filter((r) => r.month === m && r.tool === t).map((r) => f.centsToNano(r.billCents));
      row[t] = cells.length ? f.sumMinor(cells) : null;
      sums.push(...cells);
    }
    row.total = f.sumMinor(sums);
    return row;
  });
  const nanoMoney = (v) => (v === null || v === undefined ? '–' : f.moneyMinor(v, 9));
  const monthCols = [{ key: 'month', label: 'Month' },
    ...tools.map((t) => ({ key: t, label: o.toolName(t), num: true, fmt: (r) => nanoMoney(r[t]) })),
    { key: 'total', label: 'Bills total', num: true, fmt: (r) => nanoMoney(r.total) }];

  const { box, canvas } = chartBox('Bill per month');
  pending = monthRows.length
    ? () => barChart(canvas, monthRows.map((r) => r.month), monthRows.map((r) => Number(f.minorToDecimal(r.total, 9))), 'Bill', f.money)
    : null;
  box.style.height = `${Math.max(140, monthRows.length * 34 + 60)}px`;

  const toolCols = [
    { key: 'tool', label: 'Tool', fmt: (r) => o.toolName(r.tool) },
    { key: 'source', label: 'Source', fmt: (r) => o.sourceName(r.source) },
    { key: 'billCents', label: 'Bill', num: true, fmt: (r) => o.money(r.billCents) },
  ];
  const sourceCols = [
    { key: 'source', label: 'Source', fmt: (r) => o.sourceName(r.source) },
    { key: 'billCents', label: 'Bill', num: true, fmt: (r) => o.money(r.billCents) },
  ];
  return h('div', { class: 'page org' }, head, cards,
    section('Vendor bills per month (seats not included)', monthRows.length ? box : h('p', { class: 'empty' }, 'No bill in this range.')),
    o.tablePanel('By month and tool', monthCols, monthRows, { test: 'org-months' },
      { path: '/api/org/overview', params, name: o.csvName(ctx, 'overview-months') }),
    h('div', { class: 'grid2' },
      section('By tool', table(toolCols, d.byTool || [], { caption: 'By tool', test: 'org-tools' })),
      section('By source', table(sourceCols, d.bySource || [], { caption: 'By source', test: 'org-sources' }))),
    estBox);
}

export function mounted() { if (pending) pending(); pending = null; }
