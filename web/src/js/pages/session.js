// Session detail: totals and the message timeline (role, time, text,
// tokens, cost, tool calls). Long text is collapsible; `truncated` and a
// missing transcript are shown, never hidden.
import * as api from '../api.js';
import * as f from '../format.js';
import { card, h } from '../ui.js';

export const title = 'Session';

const LIMIT = 500;          // messages per request (API max 5000)
const LONG_CHARS = 700;     // collapse text longer than this...
const LONG_LINES = 12;      // ...or with more lines than this
const expanded = new Set(); // message ids the user expanded (kept across live refreshes)

// ["Glob", "Read", "Glob"] -> [["Glob", 2], ["Read", 1]] (first-use order)
function groupTools(list) {
  const counts = new Map();
  for (const t of list) counts.set(t, (counts.get(t) || 0) + 1);
  return [...counts];
}

function messageItem(m, tz) {
  const text = m.content || '';
  const long = text.length > LONG_CHARS || text.split('\n').length > LONG_LINES;
  const isOpen = expanded.has(m.id);
  const tokens = [];
  if (m.inputTokens) tokens.push(`in ${f.int(m.inputTokens)}`);
  if (m.outputTokens) tokens.push(`out ${f.int(m.outputTokens)}`);
  if (m.cacheCreationTokens) tokens.push(`cache write ${f.int(m.cacheCreationTokens)}`);
  if (m.cacheReadTokens) tokens.push(`cache read ${f.int(m.cacheReadTokens)}`);

  let body;
  if (m.contentAvailable === false) {
    body = h('p', { class: 'unavailable' }, 'Content unavailable');
  } else if (!text) {
    body = m.toolCalls && m.toolCalls.length ? null : h('p', { class: 'muted' }, '(no text)');
  } else {
    const pre = h('pre', { class: 'content' + (long && !isOpen ? ' clamped' : ''), id: `c-${m.id}` }, text);
    body = [pre];
    if (long) {
      const btn = h('button', { type: 'button', class: 'linkish more', 'aria-controls': `c-${m.id}`, 'aria-expanded': String(isOpen) }, isOpen ? 'Show less' : 'Show more');
      btn.addEventListener('click', () => {
        const open = pre.classList.toggle('clamped') === false;
        if (open) expanded.add(m.id); else expanded.delete(m.id);
        btn.textContent = open ? 'Show less' : 'Show more';
        btn.setAttribute('aria-expanded', String(open));
      });
      body.push(btn);
    }
    if (m.truncated) body.push(h('p', { class: 'muted small' }, 'Text cut at 64 KiB; the rest is only in the transcript.'));
  }
  return h('li', { class: `msg ${m.role}`, dataset: { role: m.role, id: m.id } },
    h('div', { class: 'msg-head' },
      h('span', { class: `role ${m.role}` }, m.role),
      h('time', { datetime: m.timestamp }, f.dateTime(m.timestamp, tz)),
      m.model ? h('span', { class: 'model' }, m.model) : null,
      m.truncated ? h('span', { class: 'badge warn', title: 'The text was longer than 64 KiB and was cut' }, 'truncated') : null,
      h('span', { class: 'spacer' }),
      tokens.length ? h('span', { class: 'tokens' }, tokens.join(' · ')) : null,
      m.role === 'assistant' ? h('span', { class: 'cost', title: 'estimate' }, f.money(m.cost)) : null),
    body,
    m.toolCalls && m.toolCalls.length
      ? h('ul', { class: 'tools', 'aria-label': 'Tool calls' }, groupTools(m.toolCalls).map(([t, n]) => h('li', { class: 'chip', dataset: { tool: t, count: n } }, n > 1 ? `${t} ×${n}` : t)))
      : null);
}

export async function render(ctx) {
  const id = ctx.route.arg;
  const shown = Math.max(LIMIT, Number.parseInt(ctx.route.query.get('show') || '0', 10) || 0);
  const data = await api.get(`/api/analytics/sessions/${encodeURIComponent(id)}`, { limit: Math.min(shown, 5000), tz: ctx.tz });
  const s = data.session;
  const total = data.messagesTotal !== undefined ? data.messagesTotal : data.messages.length;
  const more = total > data.messages.length && shown < 5000
    ? h('button', { type: 'button', id: 'more-messages', onclick: () => ctx.navigate({ show: shown + LIMIT }) },
      `Show more messages (${f.int(data.messages.length)} of ${f.int(total)} shown)`)
    : null;
  return h('div', { class: 'page' },
    h('div', { class: 'page-head' },
      h('p', { class: 'crumbs' }, h('a', { href: ctx.link('sessions') }, '← Sessions')),
      h('h1', {}, s.projectName || f.baseName(s.projectPath) || 'Session'),
      h('p', { class: 'muted mono' }, s.id),
      h('p', { class: 'muted' }, `${s.projectPath || ''} · ${f.dateTime(s.startTime, ctx.tz)} – ${f.dateTime(s.endTime, ctx.tz)} (${ctx.tz})`)),
    h('div', { class: 'cards' },
      card('Duration', f.duration(s.duration), { test: 'duration' }),
      card('Messages', f.int(s.messages), { test: 'messages' }),
      card('Tokens', f.int(s.totalTokens), { test: 'totalTokens', sub: `in ${f.int(s.inputTokens)} · out ${f.int(s.outputTokens)} · cache ${f.int((s.cacheCreationTokens || 0) + (s.cacheReadTokens || 0))}` }),
      card('Cost', f.money(s.cost), { test: 'cost', estimate: true, sub: (s.models && s.models.length ? s.models : [s.model]).filter(Boolean).join(', ') })),
    h('section', { class: 'panel' },
      h('h2', {}, `Messages (${f.int(total)})`),
      data.messages.some((m) => m.contentAvailable === false)
        ? h('p', { class: 'note running', id: 'content-gone' }, 'The transcript of some messages is gone (Claude Code deletes old transcripts), so their text is unavailable. Their tokens and costs come from the store.')
        : null,
      data.messages.length
        ? h('ol', { class: 'timeline', dataset: { list: 'messages' } }, data.messages.map((m) => messageItem(m, ctx.tz)))
        : h('p', { class: 'empty' }, 'No messages stored for this session.'),
      more));
}
