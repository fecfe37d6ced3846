// DOM helpers: element builder (text only, never innerHTML, so content from
// transcripts cannot inject markup), cards, tables, error boxes.

// h('div', {class: 'x', onclick: fn}, 'text', child...)
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// A figure card; `test` names it for the browser tests (data-figure).
export function card(label, value, opts = {}) {
  return h('div', { class: 'card' + (opts.estimate ? ' estimate' : ''), dataset: { figure: opts.test || '' } },
    h('div', { class: 'card-label' }, label, opts.estimate ? h('span', { class: 'badge', title: 'Computed from list prices; your bill may differ' }, 'estimate') : null),
    h('div', { class: 'card-value' }, value),
    opts.sub ? h('div', { class: 'card-sub' }, opts.sub) : null);
}

export function section(title, ...children) {
  return h('section', { class: 'panel' }, h('h2', {}, title), ...children);
}

// columns: [{key, label, fmt?(row) -> text|Node, num?: bool, sort?: 'apiKey'}]
// opts: {sort, order, onSort(key), rowAttrs(row), caption, test}
export function table(columns, rows, opts = {}) {
  const head = h('tr', {}, columns.map((c) => {
    const attrs = { scope: 'col', class: c.num ? 'num' : '' };
    if (c.sort && opts.onSort) {
      const active = opts.sort === c.sort;
      attrs['aria-sort'] = active ? (opts.order === 'asc' ? 'ascending' : 'descending') : 'none';
      const arrow = active ? (opts.order === 'asc' ? ' ▲' : ' ▼') : '';
      return h('th', attrs, h('button', { type: 'button', class: 'sort', onclick: () => opts.onSort(c.sort) }, c.label, arrow));
    }
    return h('th', attrs, c.label);
  }));
  const body = rows.length
    ? rows.map((r) => h('tr', opts.rowAttrs ? opts.rowAttrs(r) : {}, columns.map((c) => {
      const v = c.fmt ? c.fmt(r) : r[c.key];
      return h(c.key === columns[0].key ? 'th' : 'td', { class: c.num ? 'num' : '', scope: c.key === columns[0].key ? 'row' : null, dataset: { col: c.key } }, v);
    })))
    : [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, opts.empty || 'No data in this range.'))];
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': opts.caption || 'table' },
    h('table', { dataset: { table: opts.test || '' } },
      opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null,
      h('thead', {}, head), h('tbody', {}, body)));
}

export function errorBox(err) {
  const code = err && err.code ? ` (${err.code})` : '';
  return h('div', { class: 'error-box', role: 'alert' },
    h('strong', {}, 'Could not load this page: '),
    (err && err.message ? err.message : String(err)) + code);
}

// A horizontal bar that shows a share visually (0..100).
export function shareBar(p) {
  const v = Math.max(0, Math.min(100, Number(p) || 0));
  const bar = h('span', { class: 'share', 'aria-hidden': 'true' }, h('span', { class: 'share-fill' }));
  bar.firstChild.style.width = `${v}%`; // CSSOM, allowed by a strict CSP
  return bar;
}
