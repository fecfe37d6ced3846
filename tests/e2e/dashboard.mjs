// Browser tests of aiusage's dashboard (run by tests/cli/t_e2e_dashboard.sh).
// playwright-core drives Debian's chromium; every figure read off the page
// is compared with the API's answer for the same query, parsed from the
// text shown (not re-formatted with the dashboard's own code).
//
// Environment: AIU_URL (server, no token), AIU_URL_TOKEN + AIU_TOKEN (a
// server that requires a token), AIU_SHOTS (screenshot dir), AIU_HOLD_SRC /
// AIU_HOLD_DST (a held-back project copied into the Claude dir before the
// sync test), AIU_FULL_JSON (`aiusage daily --json` of the whole corpus),
// AIU_CHROMIUM (browser binary).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

const BASE = process.env.AIU_URL.replace(/\/$/, '');
const SHOTS = process.env.AIU_SHOTS;
const TZ = 'Europe/Paris'; // not the server's zone: proves tz is sent and used
const TIMEOUT = 20000;

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

// ---- the API, queried directly -----------------------------------------
async function api(base, p, params, token) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) if (v !== '' && v !== undefined) q.set(k, String(v));
  const res = await fetch(`${base}${p}${q.toString() ? '?' + q : ''}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  const j = await res.json();
  assert.equal(j.success, true, `${p}: ${JSON.stringify(j.error)}`);
  return j.data;
}
const A = (p, params) => api(BASE, p, { tz: TZ, ...(params || {}) });

// ---- reading figures off the page -----------------------------------------
const digits = (s) => {
  const t = String(s).replace(/[^0-9-]/g, '');
  assert.ok(t.length > 0, `no number in "${s}"`);
  return Number(t);
};
const dollars = (s) => {
  const m = String(s).match(/\$(-?[0-9,]+(?:\.[0-9]+)?)/);
  assert.ok(m, `no dollar amount in "${s}"`);
  return Number(m[1].replace(/,/g, ''));
};
const percent = (s) => {
  const m = String(s).match(/(-?[0-9.]+)%/);
  assert.ok(m, `no percentage in "${s}"`);
  return Number(m[1]);
};
// shown with 2 decimals (4 below a cent): equal to the API within rounding
function sameMoney(shown, apiValue, what) {
  const v = dollars(shown);
  const tol = Math.abs(apiValue) < 0.01 ? 0.00005 : 0.005;
  assert.ok(Math.abs(v - apiValue) <= tol + 1e-9, `${what}: page ${shown}, API ${apiValue}`);
}
// the local wall-clock time of an instant in TZ, "YYYY-MM-DD HH:MM"
function localTime(iso) {
  const d = new Date(iso);
  const p = {};
  for (const x of new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, dateStyle: 'short', timeStyle: 'short' }).formatToParts(d)) p[x.type] = x.value;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

async function figure(page, name) {
  return (await page.locator(`[data-figure="${name}"] .card-value`).first().textContent()).trim();
}
async function cell(page, table, row, col) {
  return (await page.locator(`table[data-table="${table}"] tbody tr`).nth(row).locator(`[data-col="${col}"]`).textContent()).trim();
}
async function rowCount(page, table) {
  return page.locator(`table[data-table="${table}"] tbody tr`).count();
}
// the page `name` is rendered for the current URL (not a previous one)
async function ready(page, name) {
  await page.waitForFunction((n) => document.body.dataset.ready === n
    && document.body.dataset.hash === location.hash
    && !document.querySelector('main[aria-busy="true"]'), name, { timeout: TIMEOUT });
}
// the page shows the store's current data version (no live refresh pending)
async function settled(page) {
  const st = await A('/api/sync/status');
  await page.waitForFunction((v) => document.body.dataset.version === v, String(st.dataVersion), { timeout: TIMEOUT });
}
async function go(page, hash, name) {
  await page.goto(`${BASE}/${hash}`);
  await ready(page, name);
}
// full page, except long timelines (the first screen is enough to look at)
async function shot(page, name, full = true) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: full });
}

// Every console error, uncaught exception, failed request and HTTP error
// response of a page is a test failure.
function watch(page, label, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${label}: console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${label}: uncaught ${e.message}`));
  page.on('requestfailed', (r) => {
    const why = r.failure() ? r.failure().errorText : '';
    if (why !== 'net::ERR_ABORTED') problems.push(`${label}: request failed ${r.url()} ${why}`);
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`${label}: HTTP ${r.status()} ${r.url()}`); });
}

const browser = await chromium.launch({
  executablePath: process.env.AIU_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const problems = [];
const laptop = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: TZ, locale: 'en-US' });
const page = await laptop.newPage();
watch(page, 'laptop', problems);

// Every control has an accessible name (label, aria-label or text).
async function unnamedControls(page) {
  return page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]):not([hidden]), select, button, a[href]')]
    .filter((el) => el.getClientRects().length > 0)
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
    .map((el) => el.outerHTML.slice(0, 80)));
}

// ---- Overview ---------------------------------------------------------
await step('overview totals equal the API', async () => {
  await go(page, '#/overview', 'overview');
  const ov = await A('/api/analytics/overview');
  assert.equal(digits(await figure(page, 'totalSessions')), ov.totalSessions);
  assert.equal(digits(await figure(page, 'totalMessages')), ov.totalMessages);
  assert.equal(digits(await figure(page, 'totalTokens')), ov.totalTokens);
  sameMoney(await figure(page, 'totalCost'), ov.totalCost, 'total cost');
  const hit = await figure(page, 'cacheHitRate');
  assert.ok(Math.abs(percent(hit) - ov.cacheHitRate * 100) <= 0.05 + 1e-9, `cache hit rate: page ${hit}, API ${ov.cacheHitRate}`);
  assert.ok(ov.totalSessions > 0 && ov.totalTokens > 0, 'the corpus store is not empty');
  assert.match(await page.locator('[data-figure="totalCost"]').textContent(), /estimate/i);
  assert.equal(await page.locator('.chart canvas').count(), 1, 'the daily chart is drawn');
  assert.deepEqual(await unnamedControls(page), []);
  await shot(page, 'laptop-overview');
});

await step('overview daily row, top model and top tool equal the API', async () => {
  const daily = await A('/api/analytics/daily-usage');
  const ov = await A('/api/analytics/overview');
  assert.equal(await rowCount(page, 'daily'), daily.length);
  for (const i of [0, daily.length - 1]) {
    const r = daily[i];
    assert.equal(await cell(page, 'daily', i, 'date'), r.date);
    assert.equal(digits(await cell(page, 'daily', i, 'sessions')), r.sessions);
    assert.equal(digits(await cell(page, 'daily', i, 'inputTokens')), r.inputTokens);
    assert.equal(digits(await cell(page, 'daily', i, 'outputTokens')), r.outputTokens);
    assert.equal(digits(await cell(page, 'daily', i, 'totalTokens')), r.totalTokens);
    sameMoney(await cell(page, 'daily', i, 'cost'), r.cost, `daily ${r.date} cost`);
  }
  assert.equal(await cell(page, 'topModels', 0, 'model'), ov.topModels[0].model);
  assert.equal(digits(await cell(page, 'topModels', 0, 'count')), ov.topModels[0].count);
  assert.equal(await cell(page, 'topTools', 0, 'tool'), ov.topTools[0].tool);
  assert.equal(digits(await cell(page, 'topTools', 0, 'count')), ov.topTools[0].count);
});

await step('custom date range: kept in the URL, sent with tz, figures follow', async () => {
  const daily = await A('/api/analytics/daily-usage');
  const day = daily[Math.floor(daily.length / 2)].date;
  await page.fill('#range-from', day);
  await page.fill('#range-to', day);
  await page.click('#range button[type="submit"]');
  await page.waitForURL((u) => u.hash.includes(`from=${day}`) && u.hash.includes(`to=${day}`));
  await ready(page, 'overview');
  await page.waitForFunction((d) => document.querySelector('table[data-table="daily"] tbody tr [data-col="date"]')?.textContent === d, day, { timeout: TIMEOUT });
  const ov = await A('/api/analytics/overview', { dateFrom: day, dateTo: day });
  assert.equal(digits(await figure(page, 'totalTokens')), ov.totalTokens);
  assert.equal(digits(await figure(page, 'totalSessions')), ov.totalSessions);
  assert.equal(await rowCount(page, 'daily'), 1);
  // the range travels with the nav links
  assert.match(await page.locator('#nav a[data-page="models"]').getAttribute('href'), new RegExp(`from=${day}`));
  await page.click('#range [data-preset="all"]');
  await page.waitForURL((u) => !u.hash.includes('from='));
  await ready(page, 'overview');
});

await step('preset ranges set the URL and the query', async () => {
  await page.click('#range [data-preset="30"]');
  await page.waitForURL((u) => u.hash.includes('range=30'));
  await ready(page, 'overview');
  assert.equal(await page.locator('#range [data-preset="30"]').getAttribute('aria-pressed'), 'true');
  const from = await page.inputValue('#range-from');
  const to = await page.inputValue('#range-to');
  const ov = await A('/api/analytics/overview', { dateFrom: from, dateTo: to });
  assert.equal(digits(await figure(page, 'totalTokens')), ov.totalTokens);
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
  assert.equal(to, today);
  await page.click('#range [data-preset="all"]');
  await page.waitForURL((u) => !u.hash.includes('range='));
  await ready(page, 'overview');
});

// ---- Sessions -----------------------------------------------------------
await step('sessions: first row and pagination equal the API', async () => {
  await go(page, '#/sessions', 'sessions');
  const d = await A('/api/analytics/sessions', { limit: 25, offset: 0 });
  const s = d.sessions[0];
  assert.equal(await rowCount(page, 'sessions'), d.sessions.length);
  assert.equal(await cell(page, 'sessions', 0, 'startTime'), localTime(s.startTime));
  assert.equal(await cell(page, 'sessions', 0, 'projectName'), s.projectName);
  assert.equal(digits(await cell(page, 'sessions', 0, 'messages')), s.messages);
  assert.equal(digits(await cell(page, 'sessions', 0, 'totalTokens')), s.totalTokens);
  sameMoney(await cell(page, 'sessions', 0, 'cost'), s.cost, 'first session cost');
  assert.equal(await cell(page, 'sessions', 0, 'model'), s.model);
  const pg = await page.locator('[data-figure="pagination"]').textContent();
  assert.equal(digits(pg.split('of')[1]), d.pagination.total);
  assert.deepEqual(await unnamedControls(page), []);
  await shot(page, 'laptop-sessions');
});

await step('sessions: server-side sort by cost, both orders, and paging', async () => {
  await page.click('table[data-table="sessions"] th button:has-text("Cost")');
  await page.waitForURL((u) => u.hash.includes('sort=cost'));
  await ready(page, 'sessions');
  let d = await A('/api/analytics/sessions', { sort: 'cost', order: 'desc', limit: 25 });
  sameMoney(await cell(page, 'sessions', 0, 'cost'), d.sessions[0].cost, 'most expensive session');
  assert.equal(await page.locator('th[aria-sort="descending"]').count(), 1);
  await page.click('table[data-table="sessions"] th button:has-text("Cost")');
  await page.waitForURL((u) => u.hash.includes('order=asc'));
  await ready(page, 'sessions');
  d = await A('/api/analytics/sessions', { sort: 'cost', order: 'asc', limit: 25 });
  sameMoney(await cell(page, 'sessions', 0, 'cost'), d.sessions[0].cost, 'cheapest session');
  if (d.pagination.hasMore) {
    await page.click('#next');
    await page.waitForURL((u) => u.hash.includes('page=2'));
    await ready(page, 'sessions');
    const d2 = await A('/api/analytics/sessions', { sort: 'cost', order: 'asc', limit: 25, offset: 25 });
    assert.equal(await page.locator('table[data-table="sessions"] tbody tr a').first().getAttribute('title'), d2.sessions[0].id);
  }
});

await step('sessions: project filter', async () => {
  await go(page, '#/sessions', 'sessions');
  const projects = await A('/api/analytics/projects');
  const p = projects[0];
  await page.selectOption('#f-project', p.project);
  await page.waitForURL((u) => u.hash.includes('project='));
  await ready(page, 'sessions');
  const d = await A('/api/analytics/sessions', { project: p.project, limit: 25 });
  assert.equal(await rowCount(page, 'sessions'), d.sessions.length);
  const pg = await page.locator('[data-figure="pagination"]').textContent();
  assert.equal(digits(pg.split('of')[1]), d.pagination.total);
  assert.equal(d.pagination.total, p.sessions);
  for (let i = 0; i < d.sessions.length; i++) assert.equal(await cell(page, 'sessions', i, 'projectName'), p.projectName);
});

// ---- Session detail -------------------------------------------------------
await step('session detail: messages, tokens, cost and tool calls', async () => {
  // the session with the most messages, opened by clicking its row
  await go(page, '#/sessions?sort=messages&order=desc', 'sessions');
  const list = await A('/api/analytics/sessions', { sort: 'messages', order: 'desc', limit: 1 });
  await page.locator('table[data-table="sessions"] tbody tr a').first().click();
  await ready(page, 'session');
  const id = list.sessions[0].id;
  assert.ok(page.url().includes(encodeURIComponent(id)));
  const d = await api(BASE, `/api/analytics/sessions/${encodeURIComponent(id)}`, { limit: 500, tz: TZ });
  const items = page.locator('ol[data-list="messages"] > li');
  assert.equal(await items.count(), d.messages.length);
  assert.ok(d.messages.length > 0);
  assert.equal(digits(await figure(page, 'messages')), d.session.messages);
  assert.equal(digits(await figure(page, 'totalTokens')), d.session.totalTokens);
  sameMoney(await figure(page, 'cost'), d.session.cost, 'session cost');
  const m0 = d.messages[0];
  assert.equal(await items.first().getAttribute('data-role'), m0.role);
  assert.equal((await items.first().locator('time').textContent()).trim(), localTime(m0.timestamp));
  // a user prompt's text is shown (first line of it)
  const withText = d.messages.findIndex((m) => m.role === 'user' && m.content && m.content.trim().length > 3);
  if (withText >= 0) {
    const line = d.messages[withText].content.trim().split('\n')[0].slice(0, 40);
    assert.ok((await items.nth(withText).textContent()).includes(line), `message ${withText} shows its text`);
  }
  // an assistant message with tool calls lists them
  const withTools = d.messages.findIndex((m) => m.toolCalls && m.toolCalls.length);
  if (withTools >= 0) {
    // chips group repeats: "Glob ×3"; together they list every call
    const chips = items.nth(withTools).locator('.chip');
    const shown = [];
    for (let c = 0; c < await chips.count(); c++) {
      const t = await chips.nth(c).getAttribute('data-tool');
      const n = Number(await chips.nth(c).getAttribute('data-count'));
      assert.equal((await chips.nth(c).textContent()).trim(), n > 1 ? `${t} ×${n}` : t);
      for (let k = 0; k < n; k++) shown.push(t);
    }
    assert.deepEqual(shown.sort(), [...d.messages[withTools].toolCalls].sort());
  }
  const asst = d.messages.findIndex((m) => m.role === 'assistant');
  if (asst >= 0) sameMoney(await items.nth(asst).locator('.cost').textContent(), d.messages[asst].cost, 'message cost');
  // long text is collapsed and expands
  const more = page.locator('button.more').first();
  if (await more.count()) {
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    await more.click();
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
  }
  await shot(page, 'laptop-session', false);
});

await step('session detail: text over the cap is flagged "truncated" and collapsed', async () => {
  const list = await A('/api/analytics/sessions', { limit: 100 });
  const s = list.sessions.find((x) => x.projectName === 'long-prompt');
  assert.ok(s, 'the synthetic long-prompt session is listed');
  const d = await api(BASE, `/api/analytics/sessions/${encodeURIComponent(s.id)}`, { tz: TZ });
  const i = d.messages.findIndex((m) => m.truncated);
  assert.ok(i >= 0, 'the API flags the long prompt as truncated');
  await go(page, `#/session/${encodeURIComponent(s.id)}`, 'session');
  const item = page.locator('ol[data-list="messages"] > li').nth(i);
  assert.equal((await item.locator('.badge.warn').textContent()).trim(), 'truncated');
  assert.equal(await item.locator('pre.content.clamped').count(), 1, 'long text starts collapsed');
  const box = await item.locator('pre.content').boundingBox();
  assert.ok(box.height < 400, `collapsed height ${box.height}`);
  await shot(page, 'laptop-session-truncated', false);
  await item.locator('button.more').click();
  assert.equal(await item.locator('pre.content.clamped').count(), 0);
  assert.ok((await item.locator('pre.content').boundingBox()).height > 1000, 'expanded');
});

await step('unknown session: the API error is shown, not a blank page', async () => {
  // this one 404 is expected: take it out of the problem list
  const before = problems.length;
  await go(page, '#/session/no-such-session', 'session');
  const txt = await page.locator('.error-box').textContent();
  assert.match(txt, /NOT_FOUND/);
  problems.splice(before, problems.length - before, ...problems.slice(before).filter((p) => !/HTTP 404 .*no-such-session|status of 404/.test(p)));
});

// ---- Models, Tools, Projects --------------------------------------------
await step('models page: rows equal the API', async () => {
  await go(page, '#/models', 'models');
  const rows = await A('/api/analytics/model-distribution');
  assert.equal(await rowCount(page, 'models'), rows.length);
  assert.equal(await cell(page, 'models', 0, 'model'), rows[0].model);
  assert.equal(digits(await cell(page, 'models', 0, 'count')), rows[0].count);
  assert.equal(digits(await cell(page, 'models', 0, 'totalTokens')), rows[0].totalTokens);
  sameMoney(await cell(page, 'models', 0, 'totalCost'), rows[0].totalCost, 'model cost');
  assert.ok(Math.abs(percent(await cell(page, 'models', 0, 'percentage')) - rows[0].percentage) <= 0.05);
  assert.equal(await page.locator('.chart canvas').count(), 1);
  await shot(page, 'laptop-models');
});

await step('tools page: rows equal the API', async () => {
  await go(page, '#/tools', 'tools');
  const rows = await A('/api/analytics/tool-usage');
  assert.equal(await rowCount(page, 'tools'), rows.length);
  for (const i of [0, rows.length - 1]) {
    assert.equal(await cell(page, 'tools', i, 'tool'), rows[i].tool);
    assert.equal(digits(await cell(page, 'tools', i, 'count')), rows[i].count);
  }
  await shot(page, 'laptop-tools');
});

await step('projects page: rows equal the API', async () => {
  await go(page, '#/projects', 'projects');
  const rows = await A('/api/analytics/projects');
  assert.equal(await rowCount(page, 'projects'), rows.length);
  assert.equal(await cell(page, 'projects', 0, 'projectName'), rows[0].projectName);
  assert.equal(digits(await cell(page, 'projects', 0, 'sessions')), rows[0].sessions);
  assert.equal(digits(await cell(page, 'projects', 0, 'totalTokens')), rows[0].totalTokens);
  sameMoney(await cell(page, 'projects', 0, 'totalCost'), rows[0].totalCost, 'project cost');
  await shot(page, 'laptop-projects');
  // a project links to its sessions
  await page.locator('table[data-table="projects"] tbody tr a').first().click();
  await ready(page, 'sessions');
  assert.equal(await page.inputValue('#f-project'), rows[0].project);
  const pg = await page.locator('[data-figure="pagination"]').textContent();
  assert.equal(digits(pg.split('of')[1]), rows[0].sessions);
});

// ---- Sync, with live refresh of another tab ---------------------------------
const full = JSON.parse(fs.readFileSync(process.env.AIU_FULL_JSON, 'utf8')).totals;
const fullTokens = full.inputTokens + full.outputTokens + full.cacheCreationTokens + full.cacheReadTokens;

await step('sync page: status, stats and preview equal the API', async () => {
  fs.cpSync(process.env.AIU_HOLD_SRC, process.env.AIU_HOLD_DST, { recursive: true });
  await go(page, '#/sync', 'sync');
  const stats = await A('/api/sync/stats');
  assert.equal(digits(await page.locator('[data-field="totalSessions"]').textContent()), stats.totalSessions);
  assert.equal(digits(await page.locator('[data-field="totalMessages"]').textContent()), stats.totalMessages);
  assert.equal((await page.locator('[data-field="databaseSize"]').textContent()).trim(), stats.databaseSize);
  const pv = await A('/api/sync/preview');
  const shown = await page.locator('[data-figure="preview"]').textContent();
  assert.equal(digits(shown.split('pending')[0]), pv.totalPendingFiles);
  assert.deepEqual(await unnamedControls(page), []);
  await shot(page, 'laptop-sync-before');
});

await step('sync page: dry run writes nothing', async () => {
  const before = await A('/api/analytics/overview');
  await page.click('#sync-dry');
  await page.waitForFunction(() => /Dry run:/.test(document.querySelector('#sync-note')?.textContent || ''), null, { timeout: TIMEOUT });
  assert.match(await page.locator('#sync-note').textContent(), /Dry run: .* Nothing was written/);
  const after = await A('/api/analytics/overview');
  assert.equal(after.totalTokens, before.totalTokens);
});

await step('sync from the Sync page completes; another tab refreshes live', async () => {
  const other = await laptop.newPage();
  watch(other, 'live-tab', problems);
  await other.goto(`${BASE}/#/overview`);
  await ready(other, 'overview');
  const rendersBefore = Number(await other.evaluate(() => document.body.dataset.renders));
  const urlBefore = other.url();

  await page.click('#sync-run');
  await page.waitForFunction(() => /Sync complete/.test(document.querySelector('#sync-note')?.textContent || ''), null, { timeout: 60000 });
  assert.match(await page.locator('#sync-note').textContent(), /Sync complete: \d+ files/);
  await page.waitForSelector('#sync-status[data-running="false"]');
  const st = await A('/api/sync/status');
  assert.equal(st.isRunning, false);
  assert.equal(st.lastError, null);
  assert.equal(digits(await page.locator('[data-field="filesProcessed"]').textContent()), st.lastSyncStats.filesProcessed);
  await shot(page, 'laptop-sync-after');

  // the store now holds the whole corpus
  const ov = await A('/api/analytics/overview');
  assert.equal(ov.totalTokens, fullTokens, 'API total = terminal report total of the full corpus');
  // the other tab picked it up by polling dataVersion: no reload, new figures
  await other.waitForFunction((t) => document.querySelector('[data-figure="totalTokens"] .card-value')?.textContent.replace(/[^0-9]/g, '') === String(t), fullTokens, { timeout: 15000 });
  assert.ok(Number(await other.evaluate(() => document.body.dataset.renders)) > rendersBefore);
  assert.equal(other.url(), urlBefore);
  await other.close();
});

await step('sync page: reset asks first, then a full re-read converges', async () => {
  await settled(page);
  await page.click('#sync-reset');
  assert.equal(await page.locator('#reset-confirm').isVisible(), true);
  await page.click('#reset-no');
  assert.equal(await page.locator('#reset-confirm').isVisible(), false);
  await page.click('#sync-reset');
  await page.click('#reset-yes');
  await page.waitForFunction(() => /reset/i.test(document.querySelector('#sync-note')?.textContent || ''), null, { timeout: TIMEOUT });
  await page.click('#sync-run');
  await page.waitForFunction(() => /Sync complete/.test(document.querySelector('#sync-note')?.textContent || ''), null, { timeout: 60000 });
  const ov = await A('/api/analytics/overview');
  assert.equal(ov.totalTokens, fullTokens, 'totals unchanged after reset + re-read');
});

await step('session whose transcript is gone: "content unavailable", numbers kept', async () => {
  const dir = process.env.AIU_HOLD_DST;
  const file = fs.readdirSync(dir).find((n) => /^[0-9a-f-]{36}\.jsonl$/.test(n));
  const id = file.replace(/\.jsonl$/, '');
  fs.rmSync(path.join(dir, file));
  const d = await api(BASE, `/api/analytics/sessions/${encodeURIComponent(id)}`, { tz: TZ });
  const gone = d.messages.filter((m) => m.contentAvailable === false).length;
  assert.ok(gone > 0, 'the API reports content unavailable');
  await go(page, `#/session/${encodeURIComponent(id)}`, 'session');
  assert.equal(await page.locator('ol[data-list="messages"] .unavailable').count(), gone);
  assert.match(await page.locator('ol[data-list="messages"] .unavailable').first().textContent(), /Content unavailable/);
  assert.equal(await page.locator('#content-gone').isVisible(), true);
  assert.equal(digits(await figure(page, 'totalTokens')), d.session.totalTokens);
  await shot(page, 'laptop-session-unavailable', false);
});

// ---- dark mode -------------------------------------------------------------
await step('dark colour scheme renders', async () => {
  const dark = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: TZ, colorScheme: 'dark' });
  const p = await dark.newPage();
  watch(p, 'dark', problems);
  await p.goto(`${BASE}/#/overview`);
  await ready(p, 'overview');
  const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(bg, 'rgb(255, 255, 255)');
  await shot(p, 'laptop-overview-dark');
  await dark.close();
});

// ---- phone -----------------------------------------------------------------
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: TZ });
const ph = await phone.newPage();
watch(ph, 'phone', problems);
const noSideScroll = () => ph.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

await step('phone: overview fits the screen and equals the API', async () => {
  await ph.goto(`${BASE}/#/overview`);
  await ready(ph, 'overview');
  const ov = await A('/api/analytics/overview');
  assert.equal(digits(await figure(ph, 'totalTokens')), ov.totalTokens);
  sameMoney(await figure(ph, 'totalCost'), ov.totalCost, 'phone total cost');
  assert.ok(await noSideScroll(), 'no horizontal page scroll (tables scroll inside their box)');
  assert.equal(await ph.locator('#nav').isVisible(), false, 'nav collapsed behind the menu button');
  await shot(ph, 'phone-overview');
  await ph.click('#nav-toggle');
  assert.equal(await ph.locator('#nav').isVisible(), true);
  await shot(ph, 'phone-nav-open');
  await ph.click('#nav a[data-page="sessions"]');
  await ready(ph, 'sessions');
  assert.equal(await ph.locator('#nav').isVisible(), false);
});

await step('phone: sessions fit the screen and equal the API', async () => {
  const d = await A('/api/analytics/sessions', { limit: 25 });
  assert.equal(await cell(ph, 'sessions', 0, 'startTime'), localTime(d.sessions[0].startTime));
  sameMoney(await cell(ph, 'sessions', 0, 'cost'), d.sessions[0].cost, 'phone session cost');
  assert.ok(await noSideScroll());
  const wrap = ph.locator('.table-wrap').first();
  assert.ok(await wrap.evaluate((e) => e.scrollWidth > e.clientWidth), 'the wide table scrolls inside its box');
  await shot(ph, 'phone-sessions');
});

await step('phone: session detail and sync pages fit', async () => {
  const d = await A('/api/analytics/sessions', { sort: 'messages', limit: 1 });
  await ph.goto(`${BASE}/#/session/${encodeURIComponent(d.sessions[0].id)}`);
  await ready(ph, 'session');
  assert.ok(await ph.locator('ol[data-list="messages"] > li').count() > 0);
  assert.ok(await noSideScroll());
  await shot(ph, 'phone-session', false);
  await ph.goto(`${BASE}/#/sync`);
  await ready(ph, 'sync');
  assert.ok(await noSideScroll());
  await shot(ph, 'phone-sync');
});
await phone.close();

// ---- login against the server that requires a token ---------------------------
await step('login: 401 shows the token form; a wrong token is refused; logout', async () => {
  const TBASE = process.env.AIU_URL_TOKEN.replace(/\/$/, '');
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: TZ });
  const p = await ctx.newPage();
  const mine = [];
  watch(p, 'login', mine);
  await p.goto(`${TBASE}/#/overview`);
  await p.waitForSelector('#login[open]', { timeout: TIMEOUT });
  await shot(p, 'laptop-login');
  await p.fill('#login-token', 'wrong-token');
  await p.click('#login-form button[type="submit"]');
  await p.waitForFunction(() => /not accepted/.test(document.querySelector('#login-error')?.textContent || ''), null, { timeout: TIMEOUT });
  assert.equal(await p.locator('#login').getAttribute('open'), '');
  await p.fill('#login-token', process.env.AIU_TOKEN);
  await p.click('#login-form button[type="submit"]');
  await ready(p, 'overview');
  const ov = await api(TBASE, '/api/analytics/overview', { tz: TZ }, process.env.AIU_TOKEN);
  assert.equal(digits(await figure(p, 'totalTokens')), ov.totalTokens);
  assert.equal(await p.evaluate(() => sessionStorage.getItem('aiusage.token')), process.env.AIU_TOKEN);
  assert.equal(await p.locator('#logout').isVisible(), true);
  await p.click('#logout');
  await p.waitForSelector('#login[open]', { timeout: TIMEOUT });
  assert.equal(await p.evaluate(() => sessionStorage.getItem('aiusage.token')), null);
  // only 401s are expected here (before login and for the wrong token)
  const unexpected = mine.filter((m) => !/HTTP 401|status of 401/.test(m));
  assert.deepEqual(unexpected, []);
  await ctx.close();
});

await step('no console errors, uncaught exceptions or failed requests', async () => {
  assert.deepEqual(problems, []);
});

await browser.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
