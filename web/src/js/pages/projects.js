// Projects: sessions, tokens and cost per project, with a cost chart.
import * as api from '../api.js';
import { barChart, chartBox } from '../charts.js';
import * as f from '../format.js';
import { h, section, table } from '../ui.js';

export const title = 'Projects';
let pending = null;
const CHART_MAX = 15;

export async function render(ctx) {
  const rows = await api.get('/api/analytics/projects', ctx.params());
  const top = rows.slice(0, CHART_MAX);
  const { box, canvas } = chartBox('Estimated cost per project');
  box.style.height = `${Math.max(160, top.length * 30 + 60)}px`;
  pending = () => barChart(canvas, top.map((r) => r.projectName || f.baseName(r.project)), top.map((r) => r.totalCost), 'Cost (est.)', f.money);
  const sessionsLink = (r) => {
    const q = new URLSearchParams(ctx.link('sessions').split('?')[1] || '');
    q.set('project', r.project);
    return `#/sessions?${q}`;
  };
  const cols = [
    { key: 'projectName', label: 'Project', fmt: (r) => h('a', { href: sessionsLink(r), title: r.project }, r.projectName || f.baseName(r.project)) },
    { key: 'sessions', label: 'Sessions', num: true, fmt: (r) => f.int(r.sessions) },
    { key: 'messages', label: 'Messages', num: true, fmt: (r) => f.int(r.messages) },
    { key: 'inputTokens', label: 'Input', num: true, fmt: (r) => f.int(r.inputTokens) },
    { key: 'outputTokens', label: 'Output', num: true, fmt: (r) => f.int(r.outputTokens) },
    { key: 'totalTokens', label: 'Total tokens', num: true, fmt: (r) => f.int(r.totalTokens) },
    { key: 'totalCost', label: 'Cost (est.)', num: true, fmt: (r) => f.money(r.totalCost) },
    { key: 'lastActivity', label: 'Last activity', fmt: (r) => f.dateTime(r.lastActivity, ctx.tz) },
  ];
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Projects'), h('p', { class: 'muted' }, 'Click a project for its sessions.')),
    section(rows.length > CHART_MAX ? `Top ${CHART_MAX} projects by cost` : 'Cost per project', rows.length ? box : h('p', { class: 'empty' }, 'No usage in this range.')),
    section('All projects', table(cols, rows, { caption: 'Projects', test: 'projects' })));
}

export function mounted() { if (pending) pending(); pending = null; }
