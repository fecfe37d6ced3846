// Pure formatting helpers (no DOM): also imported by the browser tests.
// Costs arrive as US dollars rounded to 6 decimals; they are estimates.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pctFmt = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

// 1234567 -> "1,234,567" (exact: token counts stay below 2^53)
export function int(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  return intFmt.format(Number(n));
}

// dollars -> "$12.35"; below one cent "$0.0042" so small sessions are not "$0.00"
export function money(d) {
  if (d === null || d === undefined || Number.isNaN(Number(d))) return '–';
  const v = Number(d);
  if (v !== 0 && Math.abs(v) < 0.01) return '$' + v.toFixed(4);
  return '$' + v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

// 0..100 -> "69.4%"
export function pct(p) {
  if (p === null || p === undefined || Number.isNaN(Number(p))) return '–';
  return pctFmt.format(Number(p)) + '%';
}

// 0..1 ratio -> "93.2%"
export function ratio(r) {
  if (r === null || r === undefined || Number.isNaN(Number(r))) return '–';
  return pct(Number(r) * 100);
}

// seconds -> "1h 05m", "12m 03s", "45s"
export function duration(s) {
  if (s === null || s === undefined || Number.isNaN(Number(s))) return '–';
  let t = Math.max(0, Math.round(Number(s)));
  const h = Math.floor(t / 3600); t -= h * 3600;
  const m = Math.floor(t / 60); const sec = t - m * 60;
  const two = (x) => String(x).padStart(2, '0');
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

// compact axis label: 1234567 -> "1.2M"
export function compact(n) {
  const v = Number(n);
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(1).replace(/\.0$/, '') + 'B';
  if (a >= 1e6) return (v / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (a >= 1e3) return (v / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  return String(v);
}

// "2025-11-23T10:00:00.000Z" -> "2025-11-23 11:00" in time zone tz
export function dateTime(iso, tz) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-CA', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(d)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

// the calendar date (YYYY-MM-DD) of a Date in time zone tz
export function ymd(d, tz) {
  const parts = {};
  for (const p of new Intl.DateTimeFormat('en-CA', {
    timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit',
  }).formatToParts(d)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

// YYYY-MM-DD minus n days (calendar arithmetic, no time zone involved)
export function addDays(ymdStr, n) {
  const [y, m, d] = ymdStr.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + n));
  return t.toISOString().slice(0, 10);
}

// bytes -> "45.6 MB"
export function bytes(n) {
  const v = Number(n);
  if (!Number.isFinite(v)) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0; let x = v;
  while (x >= 1000 && i < units.length - 1) { x /= 1000; i++; }
  return i === 0 ? `${v} B` : `${x.toFixed(1)} ${units[i]}`;
}

// the last path component of a project path
export function baseName(p) {
  if (!p) return '';
  const s = String(p).replace(/[/\\]+$/, '');
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i >= 0 ? s.slice(i + 1) : s;
}

// ---- exact money from integer minor units (the org pages) ----------------
// The org API sends money as integers of minor units (cents, micro- or
// nano-dollars), as JSON numbers or digit strings. These helpers work on
// BigInt only: no floating point touches an amount.

// 1234567 or "1234567" or "-5" -> BigInt; anything else -> null
export function toBig(v) {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,30}$/.test(v)) return BigInt(v);
  return null;
}

// exact sum of minor-unit values (BigInt); null entries are skipped
export function sumMinor(values) {
  let s = 0n;
  for (const v of values) { const b = toBig(v); if (b !== null) s += b; }
  return s;
}

// minor units -> "$1,234.57": `digits` is the unit's decimal places (2 for
// cents, 6 for micro-dollars, 9 for nano-dollars). Rounded half away from
// zero to the cent; below a cent (and not zero) 4 decimals, as money().
export function moneyMinor(v, digits) {
  const b = toBig(v);
  if (b === null || !Number.isInteger(digits) || digits < 0 || digits > 18) return '–';
  const neg = b < 0n;
  const a = neg ? -b : b;
  const scale = 10n ** BigInt(digits);
  let shown = 2;
  if (a !== 0n && a * 100n < scale) shown = 4; // under one cent
  let q; // the amount in units of 10^-shown dollars, rounded
  if (digits >= shown) {
    const div = 10n ** BigInt(digits - shown);
    q = (a + div / 2n) / div;
  } else {
    q = a * 10n ** BigInt(shown - digits);
  }
  if (q === 0n && a !== 0n) return neg ? '-<$0.0001' : '<$0.0001';
  const s = q.toString().padStart(shown + 1, '0');
  const whole = s.slice(0, s.length - shown).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg && q !== 0n ? '-' : ''}$${whole}.${s.slice(s.length - shown)}`;
}

// the exact dollars of minor units as a decimal string ("1234.567") for
// charts and CSV comparisons; never used for sums
export function minorToDecimal(v, digits) {
  const b = toBig(v);
  if (b === null) return null;
  const neg = b < 0n;
  const s = (neg ? -b : b).toString().padStart(digits + 1, '0');
  const frac = digits ? '.' + s.slice(s.length - digits) : '';
  return `${neg ? '-' : ''}${s.slice(0, s.length - digits)}${frac}`.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

// The org API's money: exact decimal strings of US cents ("83391.52823" is
// $833.9152823), up to 7 decimals of a cent. -> BigInt nano-dollars, or null.
export function centsToNano(s) {
  if (typeof s === 'number' && Number.isSafeInteger(s)) s = String(s);
  if (typeof s !== 'string') return null;
  const m = /^(-?)(\d{1,20})(?:\.(\d{1,7}))?$/.exec(s);
  if (!m) return null;
  const nano = BigInt(m[2]) * 10000000n + BigInt((m[3] || '').padEnd(7, '0') || '0');
  return m[1] ? -nano : nano;
}

// "83391.52823" (cents) -> "$833.92"; '–' for null or a malformed string
export function moneyCents(s) {
  const n = centsToNano(s);
  return n === null ? '–' : moneyMinor(n, 9);
}

// exact dollars of a cents string as a Number for a chart's bar length only
export function centsToChartDollars(s) {
  const n = centsToNano(s);
  return n === null ? 0 : Number(minorToDecimal(n, 9));
}
