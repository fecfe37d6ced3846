// Unit tests of the dashboard's pure modules (format.js, series.js) under
// Node, no browser: run by tests/cli/t_web_units.sh.
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const src = process.env.AIU_WEB_SRC;
const f = await import(pathToFileURL(path.join(src, 'js/format.js')));
const { chartSeries } = await import(pathToFileURL(path.join(src, 'js/series.js')));

let passed = 0;
let failed = 0;
function test(name, fn) {
  try { fn(); passed++; console.log(`ok - ${name}`); } catch (e) { failed++; console.log(`not ok - ${name}\n  ${e.message}`); }
}

test('int groups thousands exactly', () => {
  assert.equal(f.int(0), '0');
  assert.equal(f.int(43067715), '43,067,715');
  assert.equal(f.int(9007199254740991), '9,007,199,254,740,991');
  assert.equal(f.int(null), '–');
});
test('money: cents, sub-cent, zero, missing', () => {
  assert.equal(f.money(30.362864), '$30.36');
  assert.equal(f.money(1234.5), '$1,234.50');
  assert.equal(f.money(0.001742), '$0.0017');
  assert.equal(f.money(0), '$0.00');
  assert.equal(f.money(undefined), '–');
});
test('pct and ratio', () => {
  assert.equal(f.pct(53.6), '53.6%');
  assert.equal(f.ratio(0.9491), '94.9%');
  assert.equal(f.ratio(1), '100.0%');
});
test('duration', () => {
  assert.equal(f.duration(0), '0s');
  assert.equal(f.duration(45), '45s');
  assert.equal(f.duration(723), '12m 03s');
  assert.equal(f.duration(7216), '2h 00m');
  assert.equal(f.duration(46320), '12h 52m');
});
test('dateTime in a zone, across DST', () => {
  assert.equal(f.dateTime('2025-11-23T10:00:00.000Z', 'Europe/Paris'), '2025-11-23 11:00');
  assert.equal(f.dateTime('2025-07-01T10:00:00.000Z', 'Europe/Paris'), '2025-07-01 12:00');
  assert.equal(f.dateTime('2025-07-01T23:30:00.000Z', 'Asia/Kolkata'), '2025-07-02 05:00');
  assert.equal(f.dateTime('2025-07-01T00:10:00.000Z', 'UTC'), '2025-07-01 00:10');
  assert.equal(f.dateTime(null, 'UTC'), '–');
});
test('ymd and addDays (month, year and leap edges)', () => {
  assert.equal(f.ymd(new Date('2025-12-31T23:30:00Z'), 'Europe/Paris'), '2026-01-01');
  assert.equal(f.addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(f.addDays('2025-03-01', -1), '2025-02-28');
  assert.equal(f.addDays('2025-12-31', 1), '2026-01-01');
  assert.equal(f.addDays('2025-01-30', -29), '2025-01-01');
});
test('bytes and baseName', () => {
  assert.equal(f.bytes(512), '512 B');
  assert.equal(f.bytes(208896), '208.9 KB');
  assert.equal(f.baseName('/Users/x/dev/app/'), 'app');
  assert.equal(f.baseName('C:\\work\\proj'), 'proj');
});
test('chartSeries: short spans are daily with zero days filled', () => {
  const s = chartSeries([
    { date: '2025-06-08', cost: 2.28, totalTokens: 10 },
    { date: '2025-06-10', cost: 0.08, totalTokens: 5 },
  ]);
  assert.equal(s.unit, 'day');
  assert.deepEqual(s.rows.map((r) => r.date), ['2025-06-08', '2025-06-09', '2025-06-10']);
  assert.deepEqual(s.rows.map((r) => r.totalTokens), [10, 0, 5]);
});
test('chartSeries: long spans are weekly (Monday) and sums are exact', () => {
  const rows = [
    { date: '2025-06-08', cost: 0.1, totalTokens: 1 },   // Sunday: week of Mon 2025-06-02
    { date: '2025-06-09', cost: 0.2, totalTokens: 2 },   // Monday: week of 2025-06-09
    { date: '2025-06-10', cost: 0.000001, totalTokens: 3 },
    { date: '2025-12-01', cost: 1, totalTokens: 4 },
  ];
  const s = chartSeries(rows);
  assert.equal(s.unit, 'week');
  assert.equal(s.rows[0].date, '2025-06-02');
  assert.equal(s.rows[1].date, '2025-06-09');
  assert.equal(s.rows[1].cost, 0.200001); // integer micro-dollars, no 0.2000010000000001
  assert.equal(s.rows[1].totalTokens, 5);
  assert.equal(s.rows[s.rows.length - 1].date, '2025-12-01');
  for (let i = 1; i < s.rows.length; i++) assert.equal(f.addDays(s.rows[i - 1].date, 7), s.rows[i].date);
  const total = s.rows.reduce((a, r) => a + Math.round(r.cost * 1e6), 0);
  assert.equal(total, 1300001);
});
test('chartSeries: multi-year spans are monthly; empty stays empty', () => {
  const s = chartSeries([{ date: '2021-11-15', cost: 1, totalTokens: 1 }, { date: '2025-02-02', cost: 2, totalTokens: 2 }]);
  assert.equal(s.unit, 'month');
  assert.equal(s.rows[0].date, '2021-11-01');
  assert.equal(s.rows[2].date, '2022-01-01');
  assert.equal(s.rows[s.rows.length - 1].date, '2025-02-01');
  assert.equal(s.rows.length, 40);
  assert.deepEqual(chartSeries([]).rows, []);
});

test('moneyMinor: exact from minor units, rounding half away from zero', () => {
  assert.equal(f.moneyMinor(123456, 2), '$1,234.56');
  assert.equal(f.moneyMinor('834915282300', 9), '$834.92');
  assert.equal(f.moneyMinor('834914999999', 9), '$834.91');
  assert.equal(f.moneyMinor(-1999, 2), '-$19.99');
  assert.equal(f.moneyMinor(0, 9), '$0.00');
  assert.equal(f.moneyMinor(4999999, 9), '$0.0050'); // under a cent: 4 decimals
  assert.equal(f.moneyMinor(999, 9), '<$0.0001');
  assert.equal(f.moneyMinor('12345678901234567890', 9), '$12,345,678,901.23'); // past 2^53
  assert.equal(f.moneyMinor('1.5', 2), '–');
  assert.equal(f.moneyMinor(0.1, 2), '–'); // a float is refused, not rounded
});
test('sumMinor is exact where float sums are not', () => {
  assert.equal(f.sumMinor(['9007199254740993', 1, null, '-2']), 9007199254740992n);
  assert.equal(f.sumMinor([]), 0n);
});
test('cents strings: parsed to nano-dollars, shown exactly', () => {
  assert.equal(f.centsToNano('83391.52823'), 833915282300n);
  assert.equal(f.centsToNano('0.0000001'), 1n);
  assert.equal(f.centsToNano('-12'), -120000000n);
  assert.equal(f.centsToNano('1.00000001'), null); // 8 decimals of a cent: not exact
  assert.equal(f.centsToNano('1e3'), null);
  assert.equal(f.centsToNano(null), null);
  assert.equal(f.moneyCents('83391.52823'), '$833.92');
  assert.equal(f.moneyCents('12345.6700000'), '$123.46');
  assert.equal(f.moneyCents('0.5'), '$0.0050');
  assert.equal(f.moneyCents('x'), '–');
  assert.equal(f.minorToDecimal(833915282300n, 9), '833.9152823');
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
