// Models: requests, tokens and cost per model, with a cost chart.
import * as api from '../api.js';
import { barChart, chartBox } from '../charts.js';
import * as f from '../format.js';
import { h, section, shareBar, table } from '../ui.js';

export const title = 'Models';
let pending = null;

export async function render(ctx) {
  const rows = await api.get('/api/analytics/model-distribution', ctx.params());
  const { box, canvas } = chartBox('Estimated cost per model');
  box.style.height = `${Math.max(160, rows.length * 34 + 60)}px`;
  pending = () => barChart(canvas, rows.map((r) => r.model), rows.map((r) => r.totalCost), 'Cost (est.)', f.money);
  const cols = [
    { key: 'model', label: 'Model', fmt: (r) => [r.model, r.unpriced ? h('span', { class: 'badge warn', title: 'No list price known: cost not counted' }, 'unpriced') : null] },
    { key: 'count', label: 'Requests', num: true, fmt: (r) => f.int(r.count) },
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), h('span', { class: 'pct' }, f.pct(r.percentage))) },
    { key: 'inputTokens', label: 'Input', num: true, fmt: (r) => f.int(r.inputTokens) },
    { key: 'outputTokens', label: 'Output', num: true, fmt: (r) => f.int(r.outputTokens) },
    { key: 'cacheCreationTokens', label: 'Cache write', num: true, fmt: (r) => f.int(r.cacheCreationTokens) },
    { key: 'cacheReadTokens', label: 'Cache read', num: true, fmt: (r) => f.int(r.cacheReadTokens) },
    { key: 'totalTokens', label: 'Total tokens', num: true, fmt: (r) => f.int(r.totalTokens) },
    { key: 'totalCost', label: 'Cost (est.)', num: true, fmt: (r) => f.money(r.totalCost) },
  ];
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Models'), h('p', { class: 'muted' }, 'Requests are deduplicated API calls; costs are estimates from list prices.')),
    section('Cost per model', rows.length ? box : h('p', { class: 'empty' }, 'No usage in this range.')),
    section('All models', table(cols, rows, { caption: 'Models', test: 'models' })));
}

export function mounted() { if (pending) pending(); pending = null; }
