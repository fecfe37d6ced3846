// Pure time-series helpers (no DOM): also tested under Node (tests/e2e/units.mjs).
import { addDays } from './format.js';

// The chart's time axis is even: days without usage are zero. Long spans
// are bucketed by week (over 120 days) or month (over 3 years) so bars
// stay readable. Costs are summed in integer micro-dollars (exact: the API
// rounds to 6 decimals), tokens as integers.
function bucketStart(day, unit) {
  if (unit === 'day') return day;
  if (unit === 'month') return `${day.slice(0, 7)}-01`;
  const [y, m, d] = day.split('-').map(Number);
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -dow);
}
function nextBucket(start, unit) {
  if (unit === 'day') return addDays(start, 1);
  if (unit === 'week') return addDays(start, 7);
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
