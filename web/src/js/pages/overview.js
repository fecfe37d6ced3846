// Overview: totals, cost and tokens per day, cache hit rate, top models and tools.
import * as api from '../api.js';
import { chartBox, dailyChart } from '../charts.js';
import * as f from '../format.js';
import { chartSeries } from '../series.js';
import { card, h, section, shareBar, table } from '../ui.js';

export const title = 'Overview';

let pending = null; // chart to draw once the node is in the document

export async function render(ctx) {
  const p = ctx.params();
  const [ov, daily] = await Promise.all([
    api.get('/api/analytics/overview', p),
    api.get('/api/analytics/daily-usage', p),
  ]);
  const range = ov.dateRange && ov.dateRange.from
    ? `${f.dateTime(ov.dateRange.from, ctx.tz)} – ${f.dateTime(ov.dateRange.to, ctx.tz)}`
    : 'no data';
  const cards = h('div', { class: 'cards' },
    card('Sessions', f.int(ov.totalSessions), { test: 'totalSessions', sub: `avg ${f.duration(ov.avgSessionDuration)}` }),
    card('Messages', f.int(ov.totalMessages), { test: 'totalMessages', sub: 'requests + prompts' }),
    card('Tokens', f.int(ov.totalTokens), {
      test: 'totalTokens',
      sub: `in ${f.int(ov.inputTokens)} · out ${f.int(ov.outputTokens)}`,
    }),
    card('Cost', f.money(ov.totalCost), { test: 'totalCost', estimate: true, sub: ov.unpricedModels && ov.unpricedModels.length ? `unpriced: ${ov.unpricedModels.join(', ')}` : 'list prices' }),
    card('Cache hit rate', ov.totalTokens ? f.ratio(ov.cacheHitRate) : '–', {
      test: 'cacheHitRate',
      sub: `read ${f.int(ov.cacheReadTokens)} · write ${f.int(ov.cacheCreationTokens)}`,
    }));

  const series = chartSeries(daily.slice().reverse()); // API: newest first, days with usage only
  const per = series.unit; // day, week (starting Monday) or month
  const { box, canvas } = chartBox(`Cost and tokens per ${per}`, true);
  pending = () => dailyChart(canvas, series.rows, series.unit);

  const models = table([
    { key: 'model', label: 'Model' },
    { key: 'count', label: 'Requests', num: true, fmt: (r) => f.int(r.count) },
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), h('span', { class: 'pct' }, f.pct(r.percentage))) },
  ], ov.topModels || [], { caption: 'Top models', test: 'topModels' });
  const tools = table([
    { key: 'tool', label: 'Tool' },
    { key: 'count', label: 'Calls', num: true, fmt: (r) => f.int(r.count) },
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), h('span', { class: 'pct' }, f.pct(r.percentage))) },
  ], ov.topTools || [], { caption: 'Top tools', test: 'topTools' });

  const days = table([
    { key: 'date', label: 'Date' },
    { key: 'sessions', label: 'Sessions', num: true, fmt: (r) => f.int(r.sessions) },
    { key: 'messages', label: 'Requests', num: true, fmt: (r) => f.int(r.messages) },
    { key: 'inputTokens', label: 'Input', num: true, fmt: (r) => f.int(r.inputTokens) },
    { key: 'outputTokens', label: 'Output', num: true, fmt: (r) => f.int(r.outputTokens) },
    { key: 'cacheCreationTokens', label: 'Cache write', num: true, fmt: (r) => f.int(r.cacheCreationTokens) },
    { key: 'cacheReadTokens', label: 'Cache read', num: true, fmt: (r) => f.int(r.cacheReadTokens) },
    { key: 'totalTokens', label: 'Total tokens', num: true, fmt: (r) => f.int(r.totalTokens) },
    { key: 'cost', label: 'Cost (est.)', num: true, fmt: (r) => f.money(r.cost) },
    { key: 'avgDuration', label: 'Avg session', num: true, fmt: (r) => f.duration(r.avgDuration) },
  ], daily, { caption: 'Usage per day', test: 'daily' });

  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Overview'), h('p', { class: 'muted' }, range)),
    cards,
    section(`Cost and tokens per ${per}`, daily.length ? box : h('p', { class: 'empty' }, 'No usage in this range.')),
    h('div', { class: 'grid2' }, section('Top models', models), section('Top tools', tools)),
    section('Per day', days));
}

export function mounted() {
  if (pending) pending();
  pending = null;
}
