// Tools: calls per tool, with a chart.
import * as api from '../api.js';
import { barChart, chartBox } from '../charts.js';
import * as f from '../format.js';
import { h, section, shareBar, table } from '../ui.js';

export const title = 'Tools';
let pending = null;
const CHART_MAX = 20; // the chart shows the top 20; the table lists all

export async function render(ctx) {
  const rows = await api.get('/api/analytics/tool-usage', ctx.params());
  const top = rows.slice(0, CHART_MAX);
  const { box, canvas } = chartBox('Calls per tool');
  box.style.height = `${Math.max(160, top.length * 28 + 60)}px`;
  pending = () => barChart(canvas, top.map((r) => r.tool), top.map((r) => r.count), 'Calls', f.int);
  const cols = [
    { key: 'tool', label: 'Tool' },
    { key: 'count', label: 'Calls', num: true, fmt: (r) => f.int(r.count) },
    { key: 'percentage', label: 'Share', num: true, fmt: (r) => h('span', { class: 'with-bar' }, shareBar(r.percentage), h('span', { class: 'pct' }, f.pct(r.percentage))) },
  ];
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Tools'), h('p', { class: 'muted' }, 'Tool calls made by the assistant, deduplicated per request.')),
    section(rows.length > CHART_MAX ? `Top ${CHART_MAX} tools` : 'Calls per tool', rows.length ? box : h('p', { class: 'empty' }, 'No tool calls in this range.')),
    section('All tools', table(cols, rows, { caption: 'Tools', test: 'tools' })));
}

export function mounted() { if (pending) pending(); pending = null; }
