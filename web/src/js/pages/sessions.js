// Sessions: server-side sort/order, date range and project filter, pages.
import * as api from '../api.js';
import * as f from '../format.js';
import { h, table } from '../ui.js';

export const title = 'Sessions';

const PAGE = 25;
const SORT_LABELS = { startTime: 'Start time', endTime: 'End time', duration: 'Duration', cost: 'Cost', tokens: 'Tokens', messages: 'Messages' };
const SORTS = Object.keys(SORT_LABELS);

export async function render(ctx) {
  const q = ctx.route.query;
  const sort = SORTS.includes(q.get('sort')) ? q.get('sort') : 'startTime';
  const order = q.get('order') === 'asc' ? 'asc' : 'desc';
  const project = q.get('project') || '';
  const page = Math.max(1, Number.parseInt(q.get('page') || '1', 10) || 1);
  const [data, projects] = await Promise.all([
    api.get('/api/analytics/sessions', ctx.params({ sort, order, project, limit: PAGE, offset: (page - 1) * PAGE })),
    api.get('/api/analytics/projects', ctx.params()),
  ]);
  const onSort = (key) => ctx.navigate({ sort: key, order: key === sort && order === 'desc' ? 'asc' : 'desc', page: null });

  const cols = [
    { key: 'startTime', label: 'Started', sort: 'startTime', fmt: (r) => h('a', { href: ctx.link('session', r.id), title: r.id }, f.dateTime(r.startTime, ctx.tz)) },
    { key: 'projectName', label: 'Project', fmt: (r) => h('span', { title: r.projectPath }, r.projectName || f.baseName(r.projectPath)) },
    { key: 'cost', label: 'Cost (est.)', sort: 'cost', num: true, fmt: (r) => f.money(r.cost) },
    { key: 'totalTokens', label: 'Tokens', sort: 'tokens', num: true, fmt: (r) => f.int(r.totalTokens) },
    { key: 'messages', label: 'Messages', sort: 'messages', num: true, fmt: (r) => f.int(r.messages) },
    { key: 'duration', label: 'Duration', sort: 'duration', num: true, fmt: (r) => f.duration(r.duration) },
    { key: 'model', label: 'Model', fmt: (r) => r.model || '–' },
  ];
  const pg = data.pagination;
  const first = pg.total ? pg.offset + 1 : 0;
  const last = pg.offset + data.sessions.length;

  const projSelect = h('select', { id: 'f-project', name: 'project' },
    h('option', { value: '' }, 'All projects'),
    projects.map((p) => h('option', { value: p.project, selected: p.project === project }, p.projectName || p.project)));
  if (project && !projects.some((p) => p.project === project)) {
    projSelect.appendChild(h('option', { value: project, selected: true }, project));
  }
  projSelect.addEventListener('change', () => ctx.navigate({ project: projSelect.value, page: null }));
  const sortSelect = h('select', { id: 'f-sort', name: 'sort' },
    SORTS.map((s) => h('option', { value: s, selected: s === sort }, SORT_LABELS[s])));
  sortSelect.addEventListener('change', () => ctx.navigate({ sort: sortSelect.value, page: null }));
  const orderSelect = h('select', { id: 'f-order', name: 'order' },
    h('option', { value: 'desc', selected: order === 'desc' }, 'descending'),
    h('option', { value: 'asc', selected: order === 'asc' }, 'ascending'));
  orderSelect.addEventListener('change', () => ctx.navigate({ order: orderSelect.value, page: null }));

  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages of sessions' },
    h('button', { type: 'button', id: 'prev', disabled: page <= 1, onclick: () => ctx.navigate({ page: page - 1 > 1 ? page - 1 : null }) }, '← Newer'),
    h('span', { class: 'muted', dataset: { figure: 'pagination' } }, `${f.int(first)}–${f.int(last)} of ${f.int(pg.total)}`),
    h('button', { type: 'button', id: 'next', disabled: !pg.hasMore, onclick: () => ctx.navigate({ page: page + 1 }) }, 'Older →'));

  return h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Sessions'), h('p', { class: 'muted' }, 'A session is in the range when it started in it. Click a start time for its messages.')),
    h('section', { class: 'panel' },
      h('div', { class: 'filters' },
        h('span', { class: 'filter' }, h('label', { for: 'f-project' }, 'Project'), projSelect),
        h('span', { class: 'filter' }, h('label', { for: 'f-sort' }, 'Sort by'), sortSelect),
        h('span', { class: 'filter' }, h('label', { for: 'f-order' }, 'Order'), orderSelect)),
      table(cols, data.sessions, { sort, order, onSort, caption: 'Sessions', test: 'sessions', empty: 'No sessions in this range.' }),
      pager));
}
