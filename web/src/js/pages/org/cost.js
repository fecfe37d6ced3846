// Cost: the Anthropic bill by model, token type, workspace and cost type
// (exact cents from cost_report), token counts, and Claude Code's
// estimated cost per model, labelled and kept apart from the bill.
import { barChart, chartBox } from '../../charts.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import * as o from './common.js';

export const title = 'Cost';
let pending = null;

const TOKEN_TYPE = {
  uncached_input_tokens: 'Input (uncached)', output_tokens: 'Output', cache_read_input_tokens: 'Cache read',
  'cache_creation.ephemeral_5m_input_tokens': 'Cache write 5m', 'cache_creation.ephemeral_1h_input_tokens': 'Cache write 1h',
};

export async function render(ctx) {
  const params = o.orgParams(ctx, { team: undefined });
  const { data: d } = await o.load('/api/org/cost', params);
  const head = o.orgHead(ctx, 'org-cost', 'Cost', 'The Anthropic bill (cost_report, exact cents). Lines without a model or token type are listed as "(none)".', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());
  const csv = { path: '/api/org/cost', params, name: o.csvName(ctx, 'cost') };
  const none = (s) => s || '(none)';
  const bill = (r) => o.money(r.billCents);
  const t = d.tokens || {};
  const { box, canvas } = chartBox('Bill per model');
  const models = d.byModel || [];
  box.style.height = `${Math.max(140, models.length * 34 + 60)}px`;
  pending = models.length ? () => barChart(canvas, models.map((r) => none(r.model)), models.map((r) => f.centsToChartDollars(r.billCents)), 'Bill', f.money) : null;
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'cards' },
      card('Anthropic bill', o.money(d.billCents), { test: 'billCents' })),
    h('h2', { class: 'group' }, 'API tokens (usage_report/messages)'),
    h('div', { class: 'cards small' },
      card('Input (uncached)', f.int(t.uncachedInput), { test: 'uncachedInput' }),
      card('Output', f.int(t.output), { test: 'output' }),
      card('Cache read', f.int(t.cacheRead), { test: 'cacheRead' }),
      card('Cache write 5m', f.int(t.cacheWrite5m), { test: 'cacheWrite5m' }),
      card('Cache write 1h', f.int(t.cacheWrite1h), { test: 'cacheWrite1h' }),
      card('Web searches', f.int(t.webSearchRequests), { test: 'webSearchRequests' })),
    section('Bill per model', models.length ? box : h('p', { class: 'empty' }, 'No bill in this range.')),
    o.tablePanel('By model', [{ key: 'model', label: 'Model', fmt: (r) => none(r.model) }, { key: 'billCents', label: 'Bill', num: true, fmt: bill }], models, { test: 'org-cost-model' }, csv),
    h(d.byCostType ? 'div' : 'section', { class: d.byCostType ? 'grid2' : '' },
      o.tablePanel('By token type', [{ key: 'tokenType', label: 'Token type', fmt: (r) => TOKEN_TYPE[r.tokenType] || none(r.tokenType) }, { key: 'billCents', label: 'Bill', num: true, fmt: bill }], d.byTokenType || [], { test: 'org-cost-tokentype' }, csv),
      // byCostType: listed by docs/ORG_API.md; shown when the server sends it
      d.byCostType ? o.tablePanel('By cost type', [{ key: 'costType', label: 'Cost type', fmt: (r) => none(r.costType) }, { key: 'billCents', label: 'Bill', num: true, fmt: bill }], d.byCostType, { test: 'org-cost-costtype' }, csv) : null),
    o.tablePanel('By workspace', [
      { key: 'name', label: 'Workspace', fmt: (r) => r.name || (r.workspaceId ? r.workspaceId : 'Default') },
      { key: 'workspaceId', label: 'Id', fmt: (r) => h('span', { class: 'mono' }, r.workspaceId || '(default: no id)') },
      { key: 'billCents', label: 'Bill', num: true, fmt: bill }], d.byWorkspace || [], { test: 'org-cost-workspace' }, csv),
    section('Estimates (not part of the bill)',
      h('div', { class: 'cards' }, card('Claude Code estimated cost', o.money(d.estimates && d.estimates.estimatedClaudeCodeCents), { test: 'estimatedClaudeCodeCents', estimate: true })),
      table([{ key: 'model', label: 'Model', fmt: (r) => none(r.model) }, { key: 'estimatedCostCents', label: 'Estimated cost', num: true, fmt: (r) => o.money(r.estimatedCostCents) }],
        (d.estimates && d.estimates.byModel) || [], { caption: 'Claude Code estimated cost per model', test: 'org-cost-estimates' })));
}

export function mounted() { if (pending) pending(); pending = null; }
