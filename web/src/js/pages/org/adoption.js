// Adoption: daily / weekly / monthly active people per tool, seats against
// active people, and the idle seats by name.
import * as api from '../../api.js';
import * as f from '../../format.js';
import { card, h, section, table } from '../../ui.js';
import { lineChart, chartBox } from '../../charts.js';
import * as o from './common.js';

export const title = 'Adoption';
let pending = null;

// rows [{<key>, tool, activeUsers}] -> [{<key>, <tool>: n, ...}], newest
// first; a tool without a row for that period stays null (shown '–': not
// measured, which is not the same as nobody active)
function pivot(rows, key, tools) {
  const by = new Map();
  for (const r of rows) {
    if (!by.has(r[key])) by.set(r[key], { [key]: r[key] });
    by.get(r[key])[r.tool] = r.activeUsers;
  }
  return [...by.values()].sort((a, b) => (a[key] < b[key] ? 1 : -1)).map((r) => {
    for (const t of tools) if (r[t] === undefined) r[t] = null;
    return r;
  });
}
const TOOL_ORDER = ['claude_api', 'claude_code', 'cursor', 'claude_ai'];
const byToolOrder = (a, b) => (TOOL_ORDER.indexOf(a) + 1 || 99) - (TOOL_ORDER.indexOf(b) + 1 || 99) || (a < b ? -1 : 1);

export async function render(ctx) {
  const params = o.orgParams(ctx);
  const { data: d } = await o.load('/api/org/adoption', params);
  const head = o.orgHead(ctx, 'org-adoption', 'Adoption',
    'Active = a distinct person with activity in that day, ISO week (from Monday) or month. Idle = a seat holder not active in the range.', d && d.dateRange);
  if (!d) return h('div', { class: 'page org' }, head, o.emptyState());
  const teams = (await api.get('/api/org/teams', o.orgParams(ctx, { team: undefined }))).teams.map((t) => t.team);
  const tools = [...new Set([...d.daily, ...d.weekly, ...d.monthly, ...d.seats].map((r) => r.tool))].sort(byToolOrder);
  const cols = (key, label) => [{ key, label }, ...tools.map((t) => ({ key: t, label: o.toolName(t), num: true, fmt: (r) => f.int(r[t]) }))];
  const daily = pivot(d.daily, 'date', tools);
  const seatCols = [
    { key: 'tool', label: 'Tool', fmt: (r) => o.toolName(r.tool) },
    { key: 'seats', label: 'Seats', num: true, fmt: (r) => f.int(r.seats) },
    { key: 'active', label: 'Active', num: true, fmt: (r) => f.int(r.active) },
    { key: 'idle', label: 'Idle', num: true, fmt: (r) => f.int(r.idle) },
    { key: 'usage', label: 'Active share', num: true, fmt: (r) => (r.seats ? f.pct((100 * r.active) / r.seats) : '–') },
    { key: 'seatPriceCents', label: 'Seat price / month', num: true, fmt: (r) => (r.seatPriceCents ? o.money(r.seatPriceCents) : 'not set') },
  ];
  const idle = d.seats.filter((s) => s.idleSeats && s.idleSeats.length);
  const { box, canvas } = chartBox('Daily active people per tool');
  const asc = [...daily].reverse();
  pending = asc.length ? () => lineChart(canvas, asc.map((r) => r.date), tools.map((t) => ({ label: o.toolName(t), data: asc.map((r) => r[t]) }))) : null;
  return h('div', { class: 'page org' }, head,
    h('div', { class: 'filters' }, o.teamFilter(ctx, teams)),
    h('div', { class: 'cards' },
      [...d.seats].sort((a, b) => byToolOrder(a.tool, b.tool)).map((s) => card(`${o.toolName(s.tool)}: active / seats`, `${f.int(s.active)} / ${f.int(s.seats)}`, { test: `seats-${s.tool}`, sub: `${f.int(s.idle)} idle${s.seatSource ? ` · seats: ${s.seatSource}` : ''}` }))),
    section('Daily active people', daily.length ? box : h('p', { class: 'empty' }, 'No activity in this range.')),
    o.tablePanel('Seats', seatCols, d.seats, { test: 'org-seats', empty: 'No seat lists pulled yet.' }, null),
    idle.length ? section('Idle seats', h('ul', { class: 'idle', dataset: { list: 'idle' } },
      idle.map((s) => h('li', {}, h('strong', {}, `${o.toolName(s.tool)}: `), s.idleSeats.join(', '))))) : null,
    o.tablePanel('Daily active people', cols('date', 'Day (UTC)'), daily, { test: 'org-dau' },
      { path: '/api/org/adoption', params, name: o.csvName(ctx, 'adoption-daily') }),
    h('div', { class: 'grid2' },
      section('Weekly active (ISO weeks)', table(cols('week', 'Week of'), pivot(d.weekly, 'week', tools), { caption: 'Weekly active', test: 'org-wau' })),
      section('Monthly active', table(cols('month', 'Month'), pivot(d.monthly, 'month', tools), { caption: 'Monthly active', test: 'org-mau' }))));
}

export function mounted() { if (pending) pending(); pending = null; }
