// Browser tests of the dashboard's Organisation pages (run by
// tests/cli/t_e2e_org.sh). Every figure read off a page is compared with
// the org API's answer for the same query, parsed from the text shown and
// checked against the API's exact cent strings with this file's own
// arithmetic (not the dashboard's formatting code). CSV exports are
// downloaded through the page (the button fetches with the Bearer token)
// and compared byte for byte with the endpoint's ?format=csv.
//
// Environment: AIU_URL (a server with a token and org data), AIU_TOKEN,
// AIU_EMPTY_URL (a server without org data and without a token),
// AIU_DEMO_URL (`aiusage serve --demo` after `aiusage demo --org`),
// AIU_FROM / AIU_TO (the pulled window), AIU_SHOTS (screenshots),
// AIU_DL (download dir), AIU_CHROMIUM (browser binary).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const BASE = process.env.AIU_URL.replace(/\/$/, '');
const EMPTY = process.env.AIU_EMPTY_URL.replace(/\/$/, '');
const DEMO = process.env.AIU_DEMO_URL.replace(/\/$/, '');
const TOKEN = process.env.AIU_TOKEN;
const FROM = process.env.AIU_FROM;
const TO = process.env.AIU_TO;
const SHOTS = process.env.AIU_SHOTS;
const DL = process.env.AIU_DL;
const TZ = 'America/New_York'; // not UTC: org days stay UTC days whatever the browser's zone
const TIMEOUT = 20000;
const RANGE = `from=${FROM}&to=${TO}`;
fs.mkdirSync(DL, { recursive: true });

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}\n  ${String(e && e.stack ? e.stack : e).split('\n').slice(0, 6).join('\n  ')}`);
  }
}

// ---- the API, queried directly -------------------------------------------
function url(base, p, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v !== undefined) q.set(k, String(v));
  return `${base}${p}${q.toString() ? '?' + q : ''}`;
}
async function A(p, params) {
  const res = await fetch(url(BASE, p, { dateFrom: FROM, dateTo: TO, ...(params || {}) }), { headers: { Authorization: `Bearer ${TOKEN}` } });
  const j = await res.json();
  assert.equal(j.success, true, `${p}: ${JSON.stringify(j.error)}`);
  return j.data;
}
async function csvOf(p, params) {
  const res = await fetch(url(BASE, p, { dateFrom: FROM, dateTo: TO, ...(params || {}), format: 'csv' }), { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(res.status, 200, `${p} CSV: HTTP ${res.status}`);
  assert.match(res.headers.get('content-type') || '', /^text\/csv/);
  return res.text();
}

// ---- exact money, independently of the dashboard ---------------------------
// "83391.52823" cents -> BigInt nano-dollars
function nano(cents) {
  const m = /^(-?)(\d+)(?:\.(\d{1,7}))?$/.exec(String(cents));
  assert.ok(m, `not a cent string: ${cents}`);
  const v = BigInt(m[2]) * 10000000n + BigInt((m[3] || '').padEnd(7, '0'));
  return m[1] ? -v : v;
}
const sum = (xs) => xs.reduce((a, x) => a + nano(x), 0n);
// "$1,234.57" / "-$0.0042" / "<$0.0001" -> {v: BigInt nano-dollars, half: half a shown unit}
function shown(text) {
  const t = String(text).trim();
  if (/^-?<\$0\.0001$/.test(t)) return { v: 0n, half: 100000n };
  const m = /^(-?)\$([0-9,]+)\.(\d+)$/.exec(t);
  assert.ok(m, `no dollar amount in "${t}"`);
  const digits = m[3].length;
  const v = BigInt(m[2].replace(/,/g, '') + m[3]) * 10n ** BigInt(9 - digits);
  return { v: m[1] ? -v : v, half: 10n ** BigInt(9 - digits) / 2n };
}
// the page shows `text` for an exact amount (nano-dollars, BigInt)
function sameMoney(text, exact, what) {
  const s = shown(text);
  const d = s.v > exact ? s.v - exact : exact - s.v;
  assert.ok(d <= s.half, `${what}: page "${text}", API ${exact} n$`);
  // two decimals unless under a cent
  const abs = exact < 0n ? -exact : exact;
  if (abs >= 10000000n) assert.match(String(text), /\.\d\d$/, `${what}: cents shown`);
}
const digits = (s) => {
  const t = String(s).replace(/[^0-9-]/g, '');
  assert.ok(t.length > 0, `no number in "${s}"`);
  return Number(t);
};
const percent = (s) => {
  const m = String(s).match(/(-?[0-9.]+)%/);
  assert.ok(m, `no percentage in "${s}"`);
  return Number(m[1]);
};
const samePct = (text, v, what) => assert.ok(Math.abs(percent(text) - v) <= 0.05 + 1e-9, `${what}: page ${text}, API ${v}`);

// the Cursor and claude.ai cells of a people (team = false) or teams row
async function sameToolCells(page, table, i, r, team, what) {
  const c = r.cursor;
  const a = r.claudeAi;
  sameMoney(await cell(page, table, i, 'cursorBillCents'), nano(c.billCents), `${what} Cursor bill`);
  assert.equal(digits(await cell(page, table, i, 'cursorActiveDays')), c.activeDays, `${what} Cursor active days`);
  assert.equal(digits(await cell(page, table, i, 'cursorAcceptedLines')), c.acceptedLines, `${what} Cursor accepted lines`);
  if (team) assert.equal(digits(await cell(page, table, i, 'cursorSeats')), c.seats, `${what} Cursor seats`);
  else assert.equal(await cell(page, table, i, 'cursorSeats'), r.email ? (c.seat ? 'yes' : 'no') : '–', `${what} Cursor seat`);
  assert.equal(digits(await cell(page, table, i, 'claudeAiEvents')), a.events, `${what} claude.ai events`);
  assert.equal(digits(await cell(page, table, i, 'claudeAiActiveDays')), a.activeDays, `${what} claude.ai active days`);
}
// a cell that shows an integer, or "–" when the API has none (null)
async function sameIntOrNone(page, table, i, col, v, what) {
  const t = await cell(page, table, i, col);
  if (v === null || v === undefined) assert.equal(t, '–', `${what}: no figure`);
  else assert.equal(digits(t), v, what);
}

// ---- the page ----------------------------------------------------------------
async function figure(page, name) {
  return (await page.locator(`[data-figure="${name}"] .card-value`).first().textContent()).trim();
}
async function cell(page, table, row, col) {
  return (await page.locator(`table[data-table="${table}"] tbody tr`).nth(row).locator(`[data-col="${col}"]`).textContent()).trim();
}
async function rowCount(page, table) {
  return page.locator(`table[data-table="${table}"] tbody tr`).count();
}
async function ready(page, name) {
  await page.waitForFunction((n) => document.body.dataset.ready === n
    && document.body.dataset.hash === location.hash
    && !document.querySelector('main[aria-busy="true"]'), name, { timeout: TIMEOUT });
}
async function go(page, hash, name, base = BASE) {
  await page.goto(`${base}/${hash}`);
  await ready(page, name);
}
async function shot(page, name, full = true) {
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header at the top of a full-page shot
  await page.screenshot({ path: path.join(SHOTS, `org-${name}.png`), fullPage: full });
}
// clicks the CSV button `test` and returns the downloaded file's text
async function download(page, test) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.locator(`button[data-csv="${test}"]`).first().click()]);
  const file = path.join(DL, `${Date.now()}-${dl.suggestedFilename()}`);
  await dl.saveAs(file);
  assert.match(dl.suggestedFilename(), /^aiusage-org-.*\.csv$/);
  return fs.readFileSync(file, 'utf8');
}
// a CSV header + at least `min` rows, CRLF line ends
function csvShape(text, header, min) {
  assert.ok(text.endsWith('\r\n'), 'CSV ends with CRLF');
  const first = text.split('\r\n')[0];
  if (header) assert.equal(first, header);
  assert.ok(text.split('\r\n').length - 2 >= min, `CSV has ${min}+ rows`);
}

function watch(page, label, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${label}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${label}: uncaught ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '';
    if (why !== 'net::ERR_ABORTED') problems.push(`${label}: request failed ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${label}: HTTP ${r.status()} ${r.url()}`); });
}
async function unnamedControls(page) {
  return page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, button, a[href]')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
    .map((el) => el.outerHTML.slice(0, 80)));
}
// no sideways scrolling of the whole page (tables scroll inside their box)
async function fitsWidth(page) {
  const { sw, w } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, w: window.innerWidth }));
  assert.ok(sw <= w, `page is ${sw}px wide in a ${w}px window`);
}

const browser = await chromium.launch({
  executablePath: process.env.AIU_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const problems = [];
async function contextWith(opts) {
  const c = await browser.newContext({ timezoneId: TZ, locale: 'en-US', acceptDownloads: true, ...opts });
  // signed in: the token the login dialog would keep (sessionStorage)
  await c.addInitScript((t) => { if (location.port && !sessionStorage.getItem('aiusage.token')) sessionStorage.setItem('aiusage.token', t); }, TOKEN);
  return c;
}
const laptop = await contextWith({ viewport: { width: 1366, height: 768 } });
const page = await laptop.newPage();
watch(page, 'laptop', problems);

// ---- Overview ---------------------------------------------------------------
await step('org overview: bill, seats, total, run rate and budget equal the API; the estimate is apart', async () => {
  await go(page, `#/org?${RANGE}`, 'org');
  const ov = await A('/api/org/overview');
  sameMoney(await figure(page, 'totalCents'), nano(ov.totalCents), 'total');
  sameMoney(await figure(page, 'billCents'), nano(ov.billCents), 'bill');
  sameMoney(await figure(page, 'seatCents'), nano(ov.seatCents), 'seats');
  assert.equal(nano(ov.totalCents), nano(ov.billCents) + nano(ov.seatCents), 'API: total = bill + seats');
  sameMoney(await figure(page, 'runRate'), nano(ov.runRate.monthlyCents), 'run rate');
  if (ov.budget && ov.budget.monthlyCents) sameMoney(await figure(page, 'budget'), nano(ov.budget.monthlyCents), 'budget');
  else assert.equal(await figure(page, 'budget'), 'not set');
  samePct(await figure(page, 'coverage'), ov.coverage.billAttributedPct, 'coverage');
  // the estimate: its own card, badged, its value, and not inside the total
  const est = page.locator('[data-figure="estimatedClaudeCodeCents"]');
  assert.equal((await est.locator('.badge').textContent()).trim().toLowerCase(), 'estimate');
  sameMoney(await figure(page, 'estimatedClaudeCodeCents'), nano(ov.estimates.estimatedClaudeCodeCents), 'estimate');
  assert.ok(nano(ov.estimates.estimatedClaudeCodeCents) > 0n, 'the fixture has a Claude Code estimate');
  assert.equal(await page.locator('[data-figure="totalCents"] .badge').count(), 0, 'the total is not an estimate');
  await shot(page, 'laptop-overview');
});

await step('org overview: month x tool table sums the API rows exactly; by tool and by source', async () => {
  const ov = await A('/api/org/overview');
  const months = [...new Set(ov.byMonth.map((r) => r.month))].sort();
  assert.ok(months.length >= 2, 'the window spans two months');
  assert.equal(await rowCount(page, 'org-months'), months.length);
  for (let i = 0; i < months.length; i++) {
    assert.equal(await cell(page, 'org-months', i, 'month'), months[i]);
    sameMoney(await cell(page, 'org-months', i, 'total'), sum(ov.byMonth.filter((r) => r.month === months[i]).map((r) => r.billCents)), `month ${months[i]}`);
  }
  assert.equal(sum(ov.byMonth.map((r) => r.billCents)), nano(ov.billCents), 'API: months sum to the bill');
  assert.equal(await rowCount(page, 'org-tools'), ov.byTool.length);
  sameMoney(await cell(page, 'org-tools', 0, 'billCents'), nano(ov.byTool[0].billCents), 'first tool');
  assert.equal(await rowCount(page, 'org-sources'), ov.bySource.length);
  sameMoney(await cell(page, 'org-sources', 0, 'billCents'), nano(ov.bySource[0].billCents), 'first source');
});

await step('org overview: the CSV download equals /api/org/overview?format=csv', async () => {
  const got = await download(page, 'org-months');
  const want = await csvOf('/api/org/overview');
  assert.equal(got, want);
  csvShape(got, null, 2);
});

// ---- People -------------------------------------------------------------------
await step('org people: rows, bill shares and Claude Code figures equal the API', async () => {
  await go(page, `#/org-people?${RANGE}`, 'org-people');
  const d = await A('/api/org/people');
  assert.ok(d.people.length >= 3, 'people in the fixture');
  assert.equal(await rowCount(page, 'org-people'), d.people.length + 1, 'people + the unattributed row');
  assert.equal(digits(await figure(page, 'peopleCount')), d.people.length);
  for (let i = 0; i < d.people.length; i++) {
    const p = d.people[i];
    assert.ok((await cell(page, 'org-people', i, 'email')).includes(p.email), `row ${i} is ${p.email}`);
    sameMoney(await cell(page, 'org-people', i, 'billCents'), nano(p.billCents), `${p.email} bill`);
    assert.equal(digits(await cell(page, 'org-people', i, 'tokens')), p.tokens, `${p.email} tokens`);
    assert.equal(digits(await cell(page, 'org-people', i, 'ccLinesAdded')), p.claudeCode.linesAdded, `${p.email} lines`);
    sameMoney(await cell(page, 'org-people', i, 'ccEstimatedCostCents'), nano(p.claudeCode.estimatedCostCents), `${p.email} estimate`);
    await sameToolCells(page, 'org-people', i, p, false, p.email);
  }
  const last = d.people.length;
  assert.match(await cell(page, 'org-people', last, 'email'), /unattributed/);
  await sameToolCells(page, 'org-people', last, d.unattributed, false, 'unattributed');
  // the fixture has Cursor and claude.ai people: the columns are not all zeros
  assert.ok(d.people.some((p) => nano(p.cursor.billCents) > 0n && p.cursor.seat), 'a person with a Cursor bill and seat');
  assert.ok(d.people.some((p) => p.claudeAi.events > 0), 'a person with claude.ai events');
  sameMoney(await cell(page, 'org-people', last, 'billCents'), nano(d.unattributed.billCents), 'unattributed bill');
  // the shares plus the unattributed rest are the whole bill
  // API: the shares plus the unattributed rest are exactly the Anthropic bill (one source pulled)
  const cost = await A('/api/org/cost');
  assert.equal(sum([...d.people.map((p) => p.billCents), d.unattributed.billCents]), nano(cost.billCents));
  samePct(await figure(page, 'billAttributedPct'), d.coverage.billAttributedPct, 'bill coverage');
  samePct(await figure(page, 'tokensAttributedPct'), d.coverage.tokensAttributedPct, 'token coverage');
  assert.deepEqual(await unnamedControls(page), []);
  await shot(page, 'laptop-people');
});

await step('org people: search narrows the table in the page; the team filter is sent to the API and the CSV', async () => {
  const d = await A('/api/org/people');
  const target = d.people.find((p) => p.name && p.name !== p.email) || d.people[0];
  const q = (target.name || target.email).split(/[ ,@]/)[0].toLowerCase();
  await page.fill('#org-people-q', q);
  await page.press('#org-people-q', 'Enter');
  await page.waitForFunction((s) => location.hash.includes(`q=${s}`), encodeURIComponent(q), { timeout: TIMEOUT });
  await ready(page, 'org-people');
  const want = d.people.filter((p) => p.email.includes(q) || (p.name || '').toLowerCase().includes(q));
  assert.equal(await rowCount(page, 'org-people'), want.length);
  assert.ok((await cell(page, 'org-people', 0, 'email')).includes(want[0].email));
  // team filter
  await page.selectOption('#org-team', 'Platform');
  await page.waitForFunction(() => location.hash.includes('team=Platform'), null, { timeout: TIMEOUT });
  await ready(page, 'org-people');
  const plat = await A('/api/org/people', { team: 'Platform' });
  const shownRows = plat.people.filter((p) => p.email.includes(q) || (p.name || '').toLowerCase().includes(q));
  assert.equal(await rowCount(page, 'org-people'), Math.max(1, shownRows.length)); // 1 = the "Nobody matches" row
  await page.fill('#org-people-q', '');
  await page.press('#org-people-q', 'Enter');
  await page.waitForFunction(() => !location.hash.includes('q='), null, { timeout: TIMEOUT });
  await ready(page, 'org-people');
  assert.ok(plat.people.length >= 2, 'two people in Platform');
  assert.ok(plat.people.every((p) => p.team === 'Platform'));
  assert.equal(await rowCount(page, 'org-people'), plat.people.length + 1);
  const got = await download(page, 'org-people');
  assert.equal(got, await csvOf('/api/org/people', { team: 'Platform' }));
  csvShape(got, 'email,name,team,billCents,tokens,keys,ccSessions,ccLinesAdded,ccLinesRemoved,ccCommits,ccPullRequests,ccEstimatedCostCents,cursorBillCents,cursorActiveDays,cursorAcceptedLines,cursorSeats,claudeAiEvents,claudeAiActiveDays', plat.people.length);
  await shot(page, 'laptop-people-platform');
});

await step('org person: reached from the People table; figures, keys and the daily CSV equal the API', async () => {
  await go(page, `#/org-people?${RANGE}`, 'org-people');
  const d = await A('/api/org/people');
  const p = d.people[0];
  await page.locator('table[data-table="org-people"] tbody tr').first().locator('a').click();
  await ready(page, 'org-person');
  const pd = await A(`/api/org/people/${encodeURIComponent(p.email)}`);
  sameMoney(await figure(page, 'billCents'), nano(pd.person.billCents), 'person bill');
  assert.equal(digits(await figure(page, 'tokens')), pd.person.tokens);
  assert.equal(digits(await page.locator('[data-figure="tokens"] .card-sub').textContent()), pd.person.keys);
  assert.equal(digits(await figure(page, 'ccLines')), pd.person.claudeCode.linesAdded);
  sameMoney(await figure(page, 'ccEstimatedCostCents'), nano(pd.person.claudeCode.estimatedCostCents), 'person estimate');
  assert.equal(await rowCount(page, 'org-person-keys'), Math.max(1, pd.keys.length));
  assert.equal(await rowCount(page, 'org-person-daily'), Math.max(1, pd.daily.length));
  if (pd.daily.length) {
    const newest = [...pd.daily].sort((a, b) => (a.date < b.date ? 1 : -1))[0];
    assert.equal(await cell(page, 'org-person-daily', 0, 'date'), newest.date);
    sameMoney(await cell(page, 'org-person-daily', 0, 'billCents'), nano(newest.billCents), 'person newest day');
  }
  const got = await download(page, 'org-person-daily');
  assert.equal(got, await csvOf(`/api/org/people/${encodeURIComponent(p.email)}`));
  await shot(page, 'laptop-person');
});

await step('org person: Cursor and claude.ai cards and every daily cell, every source, equal the API; CSV', async () => {
  const seen = { cursor: 0, claudeAi: 0, cc: 0 };
  for (const email of ['ana.lopez@corp.example', 'bob@corp.example']) {
    await go(page, `#/org-person/${encodeURIComponent(email)}?${RANGE}`, 'org-person');
    const pd = await A(`/api/org/people/${encodeURIComponent(email)}`);
    const p = pd.person;
    sameMoney(await figure(page, 'cursorBillCents'), nano(p.cursor.billCents), `${email} Cursor bill`);
    assert.match(await page.locator('[data-figure="cursorBillCents"] .card-sub').textContent(), p.cursor.seat ? /holds a Cursor seat/ : /no Cursor seat/);
    assert.equal(digits(await figure(page, 'cursorActiveDays')), p.cursor.activeDays, `${email} Cursor active days`);
    assert.equal(digits(await page.locator('[data-figure="cursorActiveDays"] .card-sub').textContent()), p.cursor.acceptedLines);
    assert.equal(digits(await figure(page, 'claudeAiEvents')), p.claudeAi.events, `${email} claude.ai events`);
    assert.equal(digits(await page.locator('[data-figure="claudeAiEvents"] .card-sub').textContent()), p.claudeAi.activeDays);
    const days = [...pd.daily].sort((a, b) => (a.date < b.date ? 1 : -1));
    assert.equal(await rowCount(page, 'org-person-daily'), Math.max(1, days.length));
    for (let i = 0; i < days.length; i++) {
      const r = days[i];
      const w = `${email} ${r.date}`;
      assert.equal(await cell(page, 'org-person-daily', i, 'date'), r.date);
      const names = { anthropic: 'Anthropic', cursor: 'Cursor', claude_ai: 'claude.ai' };
      assert.equal(await cell(page, 'org-person-daily', i, 'sources'), r.sources.map((s) => names[s]).join(', '), `${w} sources`);
      sameMoney(await cell(page, 'org-person-daily', i, 'billCents'), nano(r.billCents), `${w} bill share`);
      assert.equal(digits(await cell(page, 'org-person-daily', i, 'tokens')), r.tokens, `${w} tokens`);
      const cc = r.claudeCode;
      await sameIntOrNone(page, 'org-person-daily', i, 'ccSessions', cc && cc.sessions, `${w} CC sessions`);
      await sameIntOrNone(page, 'org-person-daily', i, 'ccLinesAdded', cc && cc.linesAdded, `${w} CC lines`);
      await sameIntOrNone(page, 'org-person-daily', i, 'ccCommits', cc && cc.commits, `${w} CC commits`);
      const est = await cell(page, 'org-person-daily', i, 'ccEstimatedCostCents');
      if (cc) sameMoney(est, nano(cc.estimatedCostCents), `${w} CC estimate`); else assert.equal(est, '–');
      const cu = r.cursor;
      const cb = await cell(page, 'org-person-daily', i, 'cursorBillCents');
      if (cu) sameMoney(cb, nano(cu.billCents), `${w} Cursor bill`); else assert.equal(cb, '–', `${w} no Cursor`);
      assert.equal(await cell(page, 'org-person-daily', i, 'cursorActive'), cu ? (cu.active ? 'yes' : 'no') : '–', `${w} Cursor active`);
      await sameIntOrNone(page, 'org-person-daily', i, 'cursorAcceptedLines', cu && cu.acceptedLines, `${w} Cursor accepted lines`);
      await sameIntOrNone(page, 'org-person-daily', i, 'claudeAiEvents', r.claudeAi && r.claudeAi.events, `${w} claude.ai events`);
      seen.cursor += cu ? 1 : 0;
      seen.claudeAi += r.claudeAi ? 1 : 0;
      seen.cc += cc ? 1 : 0;
    }
    assert.equal(await download(page, 'org-person-daily'), await csvOf(`/api/org/people/${encodeURIComponent(email)}`));
  }
  // the fixture gives these two people days of every source
  assert.ok(seen.cursor > 0 && seen.claudeAi > 0, `days with Cursor (${seen.cursor}) and claude.ai (${seen.claudeAi}) rows`);
  await shot(page, 'laptop-person-tools');
});

await step('org person: an unknown email shows the API error', async () => {
  await go(page, `#/org-person/${encodeURIComponent('nobody@nowhere.example')}?${RANGE}`, 'org-person');
  assert.match(await page.locator('.error-box').textContent(), /NOT_FOUND/);
});

// ---- Teams ------------------------------------------------------------------
await step('org teams: rows equal the API; CSV equals the endpoint', async () => {
  await go(page, `#/org-teams?${RANGE}`, 'org-teams');
  const d = await A('/api/org/teams');
  assert.ok(d.teams.some((t) => t.team === 'Platform') && d.teams.some((t) => t.team === '(no team)'));
  assert.equal(await rowCount(page, 'org-teams'), d.teams.length);
  for (let i = 0; i < d.teams.length; i++) {
    assert.equal(await cell(page, 'org-teams', i, 'team'), d.teams[i].team);
    assert.equal(digits(await cell(page, 'org-teams', i, 'people')), d.teams[i].people);
    sameMoney(await cell(page, 'org-teams', i, 'billCents'), nano(d.teams[i].billCents), `team ${d.teams[i].team}`);
    await sameToolCells(page, 'org-teams', i, d.teams[i], true, `team ${d.teams[i].team}`);
  }
  assert.ok(d.teams.some((t) => t.cursor.seats > 0 && nano(t.cursor.billCents) > 0n), 'a team with Cursor seats and bill');
  assert.ok(d.teams.some((t) => t.claudeAi.events > 0), 'a team with claude.ai events');
  const got = await download(page, 'org-teams');
  assert.equal(got, await csvOf('/api/org/teams'));
  await shot(page, 'laptop-teams');
});

// ---- Adoption -----------------------------------------------------------------
await step('org adoption: seats, active and idle, DAU/WAU/MAU equal the API; CSV', async () => {
  await go(page, `#/org-adoption?${RANGE}`, 'org-adoption');
  const d = await A('/api/org/adoption');
  assert.ok(d.seats.length >= 1 && d.daily.length >= 1, 'adoption data in the fixture');
  for (const s of d.seats) {
    const t = await figure(page, `seats-${s.tool}`);
    assert.equal(t, `${s.active} / ${s.seats}`.replace(/\B(?=(\d{3})+(?!\d))/g, ','));
  }
  assert.equal(await rowCount(page, 'org-seats'), d.seats.length);
  for (let i = 0; i < d.seats.length; i++) assert.equal(digits(await cell(page, 'org-seats', i, 'idle')), d.seats[i].idle);
  const idleNames = d.seats.flatMap((s) => s.idleSeats || []);
  if (idleNames.length) for (const e of idleNames) assert.ok((await page.locator('[data-list="idle"]').textContent()).includes(e), `idle ${e} listed`);
  const days = [...new Set(d.daily.map((r) => r.date))].sort().reverse();
  assert.equal(await rowCount(page, 'org-dau'), days.length);
  for (const r of d.daily.filter((x) => x.date === days[0])) {
    assert.equal(digits(await cell(page, 'org-dau', 0, r.tool)), r.activeUsers, `DAU ${r.tool} ${r.date}`);
  }
  const weeks = [...new Set(d.weekly.map((r) => r.week))];
  assert.equal(await rowCount(page, 'org-wau'), Math.max(1, weeks.length));
  const monthsN = [...new Set(d.monthly.map((r) => r.month))];
  assert.equal(await rowCount(page, 'org-mau'), Math.max(1, monthsN.length));
  const got = await download(page, 'org-dau');
  assert.equal(got, await csvOf('/api/org/adoption'));
  assert.deepEqual(await unnamedControls(page), []);
  await shot(page, 'laptop-adoption');
});

// ---- Productivity ------------------------------------------------------------
await step('org productivity: Claude Code figures and accept rates equal the API; CSV', async () => {
  await go(page, `#/org-productivity?${RANGE}`, 'org-productivity');
  const d = await A('/api/org/productivity');
  const cc = d.claudeCode;
  assert.equal(digits(await figure(page, 'ccCommits')), cc.commits);
  assert.equal(digits(await figure(page, 'ccPullRequests')), cc.pullRequests);
  assert.equal(digits(await figure(page, 'ccLines')), cc.linesAdded);
  assert.equal(digits(await page.locator('[data-figure="ccLines"] .card-sub').textContent()), cc.linesRemoved);
  assert.equal(digits(await figure(page, 'ccSessions')), cc.sessions);
  if (cc.editAcceptRate === null) assert.equal(await figure(page, 'editAcceptRate'), '–');
  else samePct(await figure(page, 'editAcceptRate'), cc.editAcceptRate * 100, 'edit accept rate');
  assert.equal(await rowCount(page, 'org-cc-tools'), Math.max(1, cc.byTool.length));
  if (d.cursor) {
    assert.equal(digits(await figure(page, 'cursorAcceptedLines')), d.cursor.acceptedLines);
    if (d.cursor.tabAcceptRate !== null) samePct(await figure(page, 'tabAcceptRate'), d.cursor.tabAcceptRate * 100, 'tab accept rate');
  } else {
    assert.match(await page.locator('[data-figure="noCursor"]').textContent(), /No Cursor figures/);
  }
  if (d.commits) samePct(await figure(page, 'aiSharePct'), d.commits.aiSharePct, 'AI share');
  assert.equal(await rowCount(page, 'org-productivity-daily'), Math.max(1, d.daily.length));
  const got = await download(page, 'org-productivity-daily');
  assert.equal(got, await csvOf('/api/org/productivity'));
  await shot(page, 'laptop-productivity');
});

// ---- Cost -------------------------------------------------------------------
await step('org cost: bill by model, token type, workspace and cost type equal the API; estimates apart; CSV', async () => {
  await go(page, `#/org-cost?${RANGE}`, 'org-cost');
  const d = await A('/api/org/cost');
  sameMoney(await figure(page, 'billCents'), nano(d.billCents), 'cost bill');
  const dims = [['org-cost-model', 'byModel'], ['org-cost-tokentype', 'byTokenType'], ['org-cost-workspace', 'byWorkspace']];
  if (d.byCostType) dims.push(['org-cost-costtype', 'byCostType']);
  else assert.equal(await page.locator('table[data-table="org-cost-costtype"]').count(), 0);
  for (const [t, key] of dims) {
    assert.equal(await rowCount(page, t), Math.max(1, d[key].length), `${key} rows`);
    for (let i = 0; i < d[key].length; i++) sameMoney(await cell(page, t, i, 'billCents'), nano(d[key][i].billCents), `${key}[${i}]`);
    assert.equal(sum(d[key].map((r) => r.billCents)), nano(d.billCents), `API: ${key} sums to the bill`);
  }
  assert.ok(d.byWorkspace.some((w) => w.workspaceId === ''), 'the Default workspace is a workspace');
  for (const k of ['uncachedInput', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h', 'webSearchRequests']) {
    assert.equal(digits(await figure(page, k)), d.tokens[k], `tokens ${k}`);
  }
  sameMoney(await figure(page, 'estimatedClaudeCodeCents'), nano(d.estimates.estimatedClaudeCodeCents), 'cost estimate');
  assert.equal(await rowCount(page, 'org-cost-estimates'), Math.max(1, d.estimates.byModel.length));
  const got = await download(page, 'org-cost-workspace');
  assert.equal(got, await csvOf('/api/org/cost'));
  csvShape(got, 'dimension,key,label,billCents', 4);
  await shot(page, 'laptop-cost');
});

// ---- Freshness ----------------------------------------------------------------
await step('org freshness: sources, gaps, runs and coverage equal the API; CSV', async () => {
  await go(page, `#/org-freshness?${RANGE}`, 'org-freshness');
  const d = await A('/api/org/freshness');
  assert.ok(d.runs.length >= 1 && d.runs.some((r) => r.status === 'ok'), 'the pull is recorded');
  assert.equal(await rowCount(page, 'org-sources-fresh'), Math.max(1, d.sources.length));
  const an = d.sources.findIndex((s) => s.source === 'anthropic');
  assert.ok(an >= 0);
  assert.equal(await cell(page, 'org-sources-fresh', an, 'lastDataDay'), d.sources[an].lastDataDay || '–');
  assert.notEqual(await cell(page, 'org-sources-fresh', an, 'lastSuccess'), '–');
  assert.equal(await rowCount(page, 'org-runs'), d.runs.length);
  assert.equal(await cell(page, 'org-runs', 0, 'status'), d.runs[0].status);
  samePct(await figure(page, 'billAttributedPct'), d.coverage.billAttributedPct, 'freshness coverage');
  const got = await download(page, 'org-runs');
  assert.equal(got, await csvOf('/api/org/freshness'));
  await shot(page, 'laptop-freshness');
});

await step('org tabs: every tab opens its page, keeping the date range; nav marks Organisation', async () => {
  await go(page, `#/org?${RANGE}`, 'org');
  for (const name of ['org-people', 'org-teams', 'org-adoption', 'org-productivity', 'org-cost', 'org-freshness', 'org']) {
    await page.locator(`.org-tabs a[data-org-tab="${name}"]`).click();
    await ready(page, name);
    assert.ok(page.url().includes(RANGE), `${name} keeps the range`);
    assert.equal(await page.locator('#nav a[aria-current="page"]').getAttribute('data-page'), 'org');
    assert.equal(await page.locator('.org-tabs a[aria-current="page"]').getAttribute('data-org-tab'), name);
    // the window the server answered for, when it says (dateRange is not in every answer)
    const ep = { org: 'overview', 'org-people': 'people', 'org-teams': 'teams', 'org-adoption': 'adoption', 'org-productivity': 'productivity', 'org-cost': 'cost', 'org-freshness': 'freshness' }[name];
    const dr = (await A(`/api/org/${ep}`)).dateRange;
    if (dr) assert.equal(await page.locator('[data-window]').getAttribute('data-window'), `${dr.from}/${dr.to}`, `${name} shows the window`);
    else assert.equal(await page.locator('[data-window]').count(), 0, `${name}: no window shown without dateRange`);
    if (dr) assert.deepEqual(dr, { from: FROM, to: TO });
  }
});

await step('org "All" preset: no dates sent; the page names the server\'s default window', async () => {
  await go(page, `#/org?${RANGE}`, 'org');
  await page.locator('#range [data-preset="all"]').click();
  await page.waitForFunction(() => !location.hash.includes('from='), null, { timeout: TIMEOUT });
  await ready(page, 'org');
  const res = await fetch(`${BASE}/api/org/overview`, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const ov = (await res.json()).data;
  assert.equal(await page.locator('[data-window]').getAttribute('data-window'), `${ov.dateRange.from}/${ov.dateRange.to}`);
  assert.match(await page.locator('[data-window]').textContent(), /default/);
  sameMoney(await figure(page, 'totalCents'), nano(ov.totalCents), 'default-window total');
});

await step('dark colour scheme renders the org overview', async () => {
  const c = await contextWith({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
  const p = await c.newPage();
  watch(p, 'dark', problems);
  await go(p, `#/org?${RANGE}`, 'org');
  await shot(p, 'laptop-overview-dark', false);
  await c.close();
});

// ---- phone ----------------------------------------------------------------
const phone = await contextWith({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
const ph = await phone.newPage();
watch(ph, 'phone', problems);
await step('phone: org overview fits the screen and equals the API', async () => {
  await go(ph, `#/org?${RANGE}`, 'org');
  const ov = await A('/api/org/overview');
  sameMoney(await figure(ph, 'totalCents'), nano(ov.totalCents), 'phone total');
  await fitsWidth(ph);
  await shot(ph, 'phone-overview');
});
await step('phone: org people fits the screen; CSV downloads', async () => {
  await go(ph, `#/org-people?${RANGE}`, 'org-people');
  const d = await A('/api/org/people');
  sameMoney(await cell(ph, 'org-people', 0, 'billCents'), nano(d.people[0].billCents), 'phone first person');
  await fitsWidth(ph);
  assert.equal(await download(ph, 'org-people'), await csvOf('/api/org/people'));
  await shot(ph, 'phone-people');
});
await phone.close();

// ---- no org data -----------------------------------------------------------
await step('a store without org data: every org page explains how to get some', async () => {
  const c = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: TZ });
  const p = await c.newPage();
  watch(p, 'empty', problems);
  for (const name of ['org', 'org-people', 'org-teams', 'org-adoption', 'org-productivity', 'org-cost', 'org-freshness']) {
    await go(p, `#/${name}`, name, EMPTY);
    const text = await p.locator('main').textContent();
    assert.match(text, /No organisation data yet/, name);
    assert.match(text, /aiusage pull all/, name);
    assert.match(text, /aiusage demo --org/, name);
  }
  await go(p, '#/org', 'org', EMPTY);
  await shot(p, 'laptop-empty');
  await c.close();
});

await step('aiusage demo --org: every org page renders the demo with the API\'s figures (default window)', async () => {
  const c = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: TZ });
  const p = await c.newPage();
  watch(p, 'demo', problems);
  const D = async (ep) => (await (await fetch(`${DEMO}/api/org/${ep}`)).json()).data;
  await go(p, '#/org', 'org', DEMO);
  const ov = await D('overview');
  assert.ok(nano(ov.billCents) > 0n, 'the demo has a bill');
  sameMoney(await figure(p, 'totalCents'), nano(ov.totalCents), 'demo total');
  sameMoney(await figure(p, 'estimatedClaudeCodeCents'), nano(ov.estimates.estimatedClaudeCodeCents), 'demo estimate');
  await shot(p, 'demo-overview');
  await go(p, '#/org-people', 'org-people', DEMO);
  const pe = await D('people');
  assert.ok(pe.people.length >= 10, 'the demo has people');
  assert.equal(await rowCount(p, 'org-people'), pe.people.length + 1);
  sameMoney(await cell(p, 'org-people', 0, 'billCents'), nano(pe.people[0].billCents), 'demo first person');
  for (const name of ['org-teams', 'org-adoption', 'org-productivity', 'org-cost', 'org-freshness']) {
    await go(p, `#/${name}`, name, DEMO);
    assert.equal(await p.locator('.error-box').count(), 0, `${name} renders`);
    assert.doesNotMatch(await p.locator('main').textContent(), /No organisation data yet/, name);
  }
  const te = await D('teams');
  await go(p, '#/org-teams', 'org-teams', DEMO);
  assert.equal(await rowCount(p, 'org-teams'), te.teams.length);
  await shot(p, 'demo-teams');
  await c.close();
});

await step('no console errors, failed requests or HTTP errors (except the expected 404)', async () => {
  const bad = problems.filter((x) => !/HTTP 404 .*nobody%40nowhere|404 \(Not Found\)/.test(x));
  assert.deepEqual(bad, []);
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
