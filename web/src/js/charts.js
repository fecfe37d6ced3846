// Thin layer over Chart.js (loaded as /vendor/chart.umd.min.js, global
// `Chart`): colours from the CSS variables so dark mode works, no
// animation (live refreshes should not flicker), charts destroyed when a
// page is left.

import { compact, money } from './format.js';

const live = new Set();

export function destroyCharts() {
  for (const c of live) c.destroy();
  live.clear();
}

function css(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function palette() {
  return [1, 2, 3, 4, 5, 6, 7, 8].map((i) => css(`--c${i}`));
}

function base() {
  const text = css('--muted');
  const grid = css('--grid');
  return { text, grid };
}

// canvas wrapper with an accessible label
export function chartBox(label, tall) {
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  const box = document.createElement('div');
  box.className = 'chart' + (tall ? ' tall' : '');
  box.appendChild(canvas);
  return { box, canvas };
}

function make(canvas, config) {
  if (typeof window.Chart !== 'function') return null; // library missing: tables still show the data
  const c = new window.Chart(canvas, config);
  live.add(c);
  return c;
}

// daily cost (bars, left axis) and tokens (line, right axis); rows oldest first
export function dailyChart(canvas, rows, unit) {
  const { text, grid } = base();
  const pal = palette();
  return make(canvas, {
    type: 'bar',
    data: {
      labels: rows.map((r) => (unit === 'month' ? r.date.slice(0, 7) : r.date)),
      datasets: [
        { type: 'bar', label: 'Cost (estimate, $)', data: rows.map((r) => r.cost), backgroundColor: pal[0], yAxisID: 'cost', order: 2 },
        { type: 'line', label: 'Tokens', data: rows.map((r) => r.totalTokens), borderColor: pal[1], backgroundColor: pal[1], yAxisID: 'tokens', pointRadius: rows.length > 60 ? 0 : 2, borderWidth: 2, tension: 0, order: 1 },
      ],
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: {
        legend: { labels: { color: text } },
        tooltip: { callbacks: { title: (items) => (unit === 'week' ? `week of ${items[0].label}` : items[0].label), label: (ctx) => (ctx.dataset.yAxisID === 'cost' ? ` Cost ${money(ctx.raw)} (est.)` : ` Tokens ${Number(ctx.raw).toLocaleString('en-US')}`) } },
      },
      scales: {
        x: { ticks: { color: text, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, grid: { display: false } },
        cost: { position: 'left', beginAtZero: true, ticks: { color: text, callback: (v) => '$' + compact(v) }, grid: { color: grid } },
        tokens: { position: 'right', beginAtZero: true, ticks: { color: text, callback: (v) => compact(v) }, grid: { display: false } },
      },
    },
  });
}

// horizontal bars: labels[], values[], fmt for the tooltip and axis
export function barChart(canvas, labels, values, seriesLabel, fmt) {
  const { text, grid } = base();
  const pal = palette();
  return make(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: seriesLabel, data: values, backgroundColor: labels.map((_, i) => pal[i % pal.length]) }] },
    options: {
      indexAxis: 'y', animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { display: false }, tooltip: { callbacks: { label: (ctx) => ` ${seriesLabel}: ${fmt(ctx.raw)}` } } },
      scales: {
        x: { beginAtZero: true, ticks: { color: text, callback: (v) => (fmt === money ? '$' + compact(v) : compact(v)) }, grid: { color: grid } },
        y: { ticks: { color: text, callback(v) { const l = this.getLabelForValue(v); return l.length > 28 ? l.slice(0, 27) + '…' : l; } }, grid: { display: false } },
      },
    },
  });
}

export function doughnutChart(canvas, labels, values, seriesLabel) {
  const { text } = base();
  const pal = palette();
  return make(canvas, {
    type: 'doughnut',
    data: { labels, datasets: [{ label: seriesLabel, data: values, backgroundColor: labels.map((_, i) => pal[i % pal.length]), borderWidth: 0 }] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: 'bottom', labels: { color: text, boxWidth: 12 } } },
    },
  });
}

// lines over shared labels: series [{label, data[]}] (counts, e.g. active people)
export function lineChart(canvas, labels, series) {
  const { text, grid } = base();
  const pal = palette();
  return make(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label, data: s.data, borderColor: pal[i % pal.length], backgroundColor: pal[i % pal.length],
        pointRadius: labels.length > 60 ? 0 : 2, borderWidth: 2, tension: 0,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: text } } },
      scales: {
        x: { ticks: { color: text, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, grid: { display: false } },
        y: { beginAtZero: true, ticks: { color: text, precision: 0 }, grid: { color: grid } },
      },
    },
  });
}
