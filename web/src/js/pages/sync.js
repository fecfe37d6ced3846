// Sync: status (with live progress), pending files, run / dry run / reset,
// database stats. The status panel updates in place from every status poll.
import * as api from '../api.js';
import * as f from '../format.js';
import { clear, h, section, table } from '../ui.js';

export const title = 'Sync';

const FAST_MS = 1000;  // status poll while a sync runs (the app polls every 3 s)
const PREVIEW_ROWS = 50;
let note = null;       // {kind, text}: the outcome of the last action (kept across refreshes)
let fastTimer = null;
let statusEl = null;   // the live status panel of the mounted page
let tz = 'UTC';
let confirmOpen = false; // the reset confirmation survives live refreshes

function statusBody(st) {
  const s = st.lastSyncStats || {};
  const rows = [
    ['State', st.isRunning ? 'running' : 'idle', 'state'],
    [st.isRunning ? 'Previous sync' : 'Last sync', st.lastSync ? f.dateTime(st.lastSync, tz) : 'never', 'lastSync'],
    ['Duration', st.lastSyncDuration !== null && st.lastSyncDuration !== undefined ? `${f.int(st.lastSyncDuration)} ms` : '–', 'lastSyncDuration'],
    ['Files processed', f.int(s.filesProcessed), 'filesProcessed'],
    ['Sessions added', f.int(s.sessionsAdded), 'sessionsAdded'],
    ['Messages added', f.int(s.messagesAdded), 'messagesAdded'],
    ['Errors', f.int(s.errors), 'errors'],
    ['Watching', st.watch || 'off', 'watch'],
  ];
  const dl = h('dl', { class: 'kv' }, rows.map(([k, v, key]) => [h('dt', {}, k), h('dd', { dataset: { field: key } }, v)]));
  const parts = [dl];
  if (st.isRunning) {
    const p = st.progress || {};
    const max = p.bytesTotal || p.filesTotal || 0;
    const val = p.bytesTotal ? p.bytesDone : p.filesDone;
    // no totals yet: the sync is still planning (an indeterminate bar)
    const prog = max
      ? h('progress', { id: 'sync-progress', max: String(max), value: String(val || 0), 'aria-label': 'Sync progress' })
      : h('progress', { id: 'sync-progress', 'aria-label': 'Sync progress' });
    parts.push(h('div', { class: 'progress' }, prog,
      h('span', { dataset: { field: 'progress' } }, max
        ? `${f.int(p.filesDone || 0)} / ${f.int(p.filesTotal || 0)} files · ${f.bytes(p.bytesDone || 0)} of ${f.bytes(p.bytesTotal || 0)}`
        : 'finding changed files…')));
  }
  if (st.lastError) parts.push(h('p', { class: 'error-box' }, `Last error: ${st.lastError}`));
  return parts;
}

function showNote(el) {
  const n = el.querySelector('#sync-note');
  if (!n) return;
  clear(n);
  if (note) n.appendChild(h('p', { class: `note ${note.kind}`, role: 'status' }, note.text));
}

function armFastPoll(running) {
  if (running && !fastTimer) {
    fastTimer = setInterval(async () => {
      try { onStatus(await api.get('/api/sync/status')); } catch { /* the app's poll shows the state */ }
    }, FAST_MS);
  } else if (!running && fastTimer) {
    clearInterval(fastTimer);
    fastTimer = null;
  }
}

// called by the app on every status poll (and by the fast poll)
export function onStatus(st) {
  if (!statusEl || !statusEl.isConnected) { armFastPoll(false); return; }
  clear(statusEl).append(...statusBody(st));
  statusEl.dataset.running = String(!!st.isRunning);
  const page = statusEl.closest('.page');
  for (const b of page.querySelectorAll('button[data-needs-idle]')) b.disabled = !!st.isRunning;
  if (!st.isRunning && note && note.kind === 'running') {
    const s = st.lastSyncStats || {};
    note = st.lastError
      ? { kind: 'bad', text: `Sync failed: ${st.lastError}` }
      : { kind: 'good', text: `Sync complete: ${f.int(s.filesProcessed)} files, ${f.int(s.sessionsAdded)} sessions and ${f.int(s.messagesAdded)} messages added, ${f.int(s.errors)} errors.` };
    showNote(page);
  }
  armFastPoll(!!st.isRunning);
}

async function act(page, fn) {
  for (const b of page.querySelectorAll('.actions button')) b.disabled = true;
  note = { kind: 'pending', text: 'Working…' };
  showNote(page);
  try {
    await fn();
  } catch (e) {
    note = { kind: 'bad', text: `${e.message}${e.code ? ` (${e.code})` : ''}` };
  }
  showNote(page);
  for (const b of page.querySelectorAll('.actions button')) b.disabled = false;
  try { onStatus(await api.get('/api/sync/status')); } catch { /* shown by the app's poll */ }
}

// "/home/u/.claude/projects/-home-u-app/abc.jsonl" -> "-home-u-app/abc.jsonl"
function shortPath(p) {
  const parts = String(p || '').split('/');
  const i = parts.lastIndexOf('projects');
  return i >= 0 && i < parts.length - 1 ? parts.slice(i + 1).join('/') : parts.slice(-2).join('/');
}

function previewTable(pv) {
  const files = (pv.pendingFiles || []).slice(0, PREVIEW_ROWS);
  const summary = h('p', { dataset: { figure: 'preview' } },
    `${f.int(pv.totalPendingFiles)} pending files · about ${f.int(pv.estimatedNewSessions)} sessions and ${f.int(pv.estimatedNewMessages)} messages to add`,
    pv.pendingBytes !== undefined ? ` · ${f.bytes(pv.pendingBytes)} to read` : '');
  if (!files.length) return [summary, h('p', { class: 'empty' }, 'Nothing pending: the store is up to date.')];
  return [
    summary,
    table([
      { key: 'path', label: 'File', fmt: (r) => h('span', { class: 'mono', title: r.path }, shortPath(r.path)) },
      { key: 'reason', label: 'Why', fmt: (r) => r.reason || '–' },
      { key: 'pendingBytes', label: 'Pending', num: true, fmt: (r) => (r.pendingBytes !== undefined ? f.bytes(r.pendingBytes) : '–') },
      { key: 'estimatedMessages', label: 'Messages (est.)', num: true, fmt: (r) => f.int(r.estimatedMessages) },
      { key: 'lastModified', label: 'Modified', fmt: (r) => f.dateTime(r.lastModified, tz) },
    ], files, { caption: 'Pending files', test: 'pending', empty: 'Nothing pending: the store is up to date.' }),
    pv.totalPendingFiles > files.length ? h('p', { class: 'muted' }, `(first ${files.length} shown)`) : null,
  ];
}

export async function render(ctx) {
  tz = ctx.tz;
  if (!ctx.live) confirmOpen = false;
  const [st, pv, stats] = await Promise.all([
    api.get('/api/sync/status'), api.get('/api/sync/preview'), api.get('/api/sync/stats'),
  ]);
  statusEl = h('div', { id: 'sync-status', dataset: { running: String(!!st.isRunning) } }, statusBody(st));
  const previewEl = h('div', { id: 'sync-preview' }, previewTable(pv));
  const btn = (id, label, cls, handler, needsIdle) => h('button', { type: 'button', id, class: cls, disabled: needsIdle && st.isRunning, dataset: needsIdle ? { needsIdle: '1' } : {}, onclick: handler }, label);
  let page = null;
  const run = (incremental) => act(page, async () => {
    const r = await api.post('/api/sync/run', { incremental, dryRun: false });
    note = { kind: 'running', text: r.message || `Sync ${r.syncId} started…` };
  });
  const dry = () => act(page, async () => {
    const r = await api.post('/api/sync/run', { incremental: true, dryRun: true });
    const p = r.preview || {};
    note = { kind: 'good', text: `Dry run: ${f.int(p.totalPendingFiles)} files would be read (about ${f.int(p.estimatedNewSessions)} sessions, ${f.int(p.estimatedNewMessages)} messages). Nothing was written.` };
    clear(previewEl).append(...previewTable(p).filter(Boolean));
  });
  const confirmBox = h('div', { class: 'confirm', id: 'reset-confirm', hidden: !confirmOpen, role: 'group', 'aria-label': 'Confirm reset' },
    h('p', {}, 'Forget every file\'s read position? The next sync re-reads all transcripts. Stored usage is kept and deduplication keeps the totals unchanged.'),
    btn('reset-yes', 'Reset sync metadata', 'danger', () => {
      confirmOpen = false;
      confirmBox.hidden = true;
      act(page, async () => {
        const r = await api.post('/api/sync/reset');
        note = { kind: 'good', text: r.message || 'Sync metadata reset.' };
      });
    }, true),
    btn('reset-no', 'Cancel', '', () => { confirmOpen = false; confirmBox.hidden = true; }, false));

  page = h('div', { class: 'page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Sync'), h('p', { class: 'muted' }, 'Reads new Claude Code transcript lines into the store.')),
    h('div', { class: 'grid2' },
      section('Status', statusEl,
        h('div', { class: 'actions' },
          btn('sync-run', 'Sync now', 'primary', () => run(true), true),
          btn('sync-dry', 'Dry run', '', dry, true),
          btn('sync-full', 'Re-read all files', '', () => run(false), true),
          btn('sync-reset', 'Reset…', 'danger', () => { confirmOpen = true; confirmBox.hidden = false; confirmBox.querySelector('#reset-yes').focus(); }, true)),
        confirmBox,
        h('div', { id: 'sync-note', 'aria-live': 'polite' })),
      section('Database',
        h('dl', { class: 'kv' },
          h('dt', {}, 'Sessions'), h('dd', { dataset: { field: 'totalSessions' } }, f.int(stats.totalSessions)),
          h('dt', {}, 'Messages'), h('dd', { dataset: { field: 'totalMessages' } }, f.int(stats.totalMessages)),
          h('dt', {}, 'Oldest session'), h('dd', {}, stats.oldestSession ? f.dateTime(stats.oldestSession, tz) : '–'),
          h('dt', {}, 'Newest session'), h('dd', {}, stats.newestSession ? f.dateTime(stats.newestSession, tz) : '–'),
          h('dt', {}, 'Database size'), h('dd', { dataset: { field: 'databaseSize' } }, stats.databaseSize),
          h('dt', {}, 'Retention'), h('dd', { dataset: { field: 'retention' } },
            stats.retentionDays === null || stats.retentionDays === undefined ? 'forever (history is kept after Claude Code deletes transcripts)' : `${f.int(stats.retentionDays)} days`)))),
    section('Pending files', previewEl));
  showNote(page);
  return page;
}

export function mounted(node, ctx) {
  const running = node.querySelector('#sync-status').dataset.running === 'true';
  armFastPoll(running || (note && note.kind === 'running'));
}
