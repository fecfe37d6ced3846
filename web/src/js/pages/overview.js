// Overview: totals, cost and tokens per day, cache hit rate, top models and tools.
import * as api from '../api.js';
import { chartBox, dailyChart } from '../charts.js';
import * as f from '../format.js';
import { card, h, section, shareBar, table } from '../ui.js';

export const title = 'Overview';

let pending = null; // chart to draw once the node is in the document

// The chart's time axis is even: days without usage are zero. Long spans
// are bucketed by week (over 120 days) or month (over 3 years) so bars
// stay readable. Costs are summed in integer micro-dollars (exact: the API
// rounds to 6 decimals), tokens as integers.
function bucketStart(day, unit) {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const [y, m, d] = day.split('-').map(Number);
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return f.addDays(day, -dow);
}
function nextBucket(start, unit) {
  if (unit === 'day') return f.addDays(start, 1);
  if (unit === 'week') return f.addDays(start, 7);
  const [y, m] = start.split('-').map(Number);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
export function chartSeries(rowsOldestFirst) {
  if (!rowsOldestFirst.length) return { unit: 'day', rows: [] };
  const first = rowsOldestFirst[0].date;
  const last = rowsOldestFirst[rowsOldestFirst.length - 1].date;
  const span = (Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86400000;
  const unit = span > 3 * 366 ? 'month' : span > 120 ? 'week' : 'day';
  const sums = new Map();
  for (const r of rowsOldestFirst) {
    const k = bucketStart(r.date, unit);
    const s = sums.get(k) || { micro: 0, tokens: 0 };
    s.micro += Math.round(Number(r.cost) * 1e6);
    s.tokens += Number(r.totalTokens);
    sums.set(k, s);
  }
  const rows = [];
  for (let k = bucketStart(first, unit); k <= last; k = nextBucket(k, unit)) {
    const s = sums.get(k) || { micro: 0, tokens: 0 };
    rows.push({ date: k, cost: s.micro / 1e6, totalTokens: s.tokens });
  }
  return { unit, rows };
}

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
    card('Cache hit rate', f.ratio(ov.cacheHitRate), {
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
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), f.pct(r.percentage)) },
  ], ov.topModels || [], { caption: 'Top models', test: 'topModels' });
  const tools = table([
    { key: 'tool', label: 'Tool' },
    { key: 'count', label: 'Calls', num: true, fmt: (r) => f.int(r.count) },
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), f.pct(r.percentage)) },
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
