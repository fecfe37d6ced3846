// The REST client (docs/API.md): unwraps {success, data} envelopes, throws
// ApiError with the server's message and code, and sends the login token
// (kept in sessionStorage) as a Bearer header.

const TOKEN_KEY = 'aiusage.token';

export class ApiError extends Error {
  constructor(message, code, status, details) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function getToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}

export function setToken(t) {
  try {
    if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: the token lives for this page only */ }
}

// Build "/api/...?.." from a params object, skipping empty values.
export function apiUrl(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

let onUnauthorized = null;
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(method, path, params, body) {
  const headers = { Accept: 'application/json' };
  const tok = getToken();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  const init = { method, headers, cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(apiUrl(path, params), init);
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 'NETWORK_ERROR', 0);
  }
  let json = null;
  try { json = await res.json(); } catch { /* not JSON: handled below */ }
  if (res.status === 401) {
    if (onUnauthorized) onUnauthorized();
    const msg = json && json.error ? json.error.message : 'a token is required';
    throw new ApiError(msg, 'UNAUTHORIZED', 401);
  }
  if (!json || typeof json !== 'object') {
    throw new ApiError(`${method} ${path}: HTTP ${res.status}, not a JSON response`, 'INTERNAL_ERROR', res.status);
  }
  if (!res.ok || json.success !== true) {
    const e = json.error || {};
    throw new ApiError(e.message || `HTTP ${res.status}`, e.code || 'INTERNAL_ERROR', res.status, e.details);
  }
  return json.data;
}

export const get = (path, params) => request('GET', path, params);
export const post = (path, body) => request('POST', path, undefined, body === undefined ? {} : body);

// Downloads `path?params&format=csv` with the same Bearer token and saves it
// as `filename` (a Blob URL on a temporary <a download>, revoked after).
// Resolves with the CSV text (the browser tests compare it with the API).
export async function downloadCsv(path, params, filename) {
  const headers = { Accept: 'text/csv' };
  const tok = getToken();
  if (tok) headers.Authorization = `Bearer ${tok}`;
  let res;
  try {
    res = await fetch(apiUrl(path, { ...(params || {}), format: 'csv' }), { headers, cache: 'no-store' });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 'NETWORK_ERROR', 0);
  }
  if (res.status === 401) {
    if (onUnauthorized) onUnauthorized();
    throw new ApiError('a token is required', 'UNAUTHORIZED', 401);
  }
  const text = await res.text();
  if (!res.ok) {
    let msg = `HTTP ${res.status}`;
    let code = 'INTERNAL_ERROR';
    try { const j = JSON.parse(text); if (j.error) { msg = j.error.message || msg; code = j.error.code || code; } } catch { /* not JSON */ }
    throw new ApiError(msg, code, res.status);
  }
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return text;
}
