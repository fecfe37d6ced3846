#!/usr/bin/env bash
# `aiusage serve` security: loopback by default, a token is required off
# loopback, bearer auth on every /api/ path (the token never printed),
# CORS only for the configured origin, IPv6 listen, access log only with
# --verbose and without query strings.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"
DB="$T/a.db"
DBU=$(db "$DB")   # what the binary is given directly (start_server maps $DB itself)

# HTTP helper: status code of a request (curl is not assumed: Python stdlib).
http() { # http METHOD URL [Header: value]...
  python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
m, url, hs = sys.argv[1], sys.argv[2], sys.argv[3:]
r = urllib.request.Request(url, method=m)
for h in hs:
    k, v = h.split(": ", 1); r.add_header(k, v)
try:
    with urllib.request.urlopen(r, timeout=10) as x: st, hd = x.status, x.headers
except urllib.error.HTTPError as e: st, hd = e.code, e.headers
print(st)
for k in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "WWW-Authenticate"):
    if hd.get(k): print(k + ": " + hd.get(k))
PY
}

check "non-loopback without a token is refused" bash -c "! '$AIU_BIN' serve --db '$DBU' --listen 0.0.0.0:0 --exit-after-ms 100 >'$T/o1' 2>'$T/e1'"
check "and says why" grep -q "without a token" "$T/e1"
check "a bad listen address is an error" bash -c "! '$AIU_BIN' serve --db '$DBU' --listen 'nohost' --exit-after-ms 100 2>/dev/null"
check "a bad port is an error" bash -c "! '$AIU_BIN' serve --db '$DBU' --listen '127.0.0.1:70000' --exit-after-ms 100 2>/dev/null"

SECRET="s3cr3t-$RANDOM-token"
check "non-loopback with a token starts" start_server --db "$DB" --listen 0.0.0.0:0 --token "$SECRET" --verbose
PORT=${SRV_URL##*:}; PORT=${PORT%/}
U="http://127.0.0.1:$PORT"
check "no token -> 401" [ "$(http GET "$U/api/health" | sed -n 1p)" = 401 ]
check "401 asks for a bearer token" grep -q "WWW-Authenticate: Bearer" <(http GET "$U/api/health")
check "wrong token -> 401" [ "$(http GET "$U/api/analytics/overview" "Authorization: Bearer wrong" | sed -n 1p)" = 401 ]
check "token prefix -> 401" [ "$(http GET "$U/api/analytics/overview" "Authorization: Bearer ${SECRET%?}" | sed -n 1p)" = 401 ]
check "token + extra -> 401" [ "$(http GET "$U/api/analytics/overview" "Authorization: Bearer ${SECRET}x" | sed -n 1p)" = 401 ]
check "right token -> 200" [ "$(http GET "$U/api/analytics/overview" "Authorization: Bearer $SECRET" | sed -n 1p)" = 200 ]
check "unknown /api path with no token -> 401 (nothing leaks)" [ "$(http GET "$U/api/nope" | sed -n 1p)" = 401 ]
check "static dashboard needs no token" [ "$(http GET "$U/" | sed -n 1p)" = 200 ]
http GET "$U/api/analytics/overview?token=$SECRET&dateFrom=2025-01-01" "Authorization: Bearer $SECRET" >/dev/null
check "SIGTERM stops it" stop_server
check "access log has method, path, status, ms" grep -qE '^aiusage: GET /api/analytics/overview 200 [0-9.]+ ms$' "$T/serve.err"
check "the token never appears in output or logs" bash -c "! grep -q '$SECRET' '$T/serve.out' '$T/serve.err'"
check "query strings are not logged" bash -c "! grep -q 'dateFrom' '$T/serve.err'"

export AIUSAGE_TOKEN="$SECRET"
check "AIUSAGE_TOKEN works too" start_server --db "$DB" --listen 127.0.0.1:0
check "env token enforced" [ "$(http GET "${SRV_URL}api/health" | sed -n 1p)" = 401 ]
check "env token accepted" [ "$(http GET "${SRV_URL}api/health" "Authorization: Bearer $SECRET" | sed -n 1p)" = 200 ]
stop_server
unset AIUSAGE_TOKEN

ORIGIN="http://localhost:5173"
check "serve with --cors-origin" start_server --db "$DB" --listen 127.0.0.1:0 --cors-origin "$ORIGIN"
check "no access log without --verbose" [ ! -s "$T/serve.err" ]
check "allowed origin gets Access-Control-Allow-Origin" grep -qx "Access-Control-Allow-Origin: $ORIGIN" <(http GET "${SRV_URL}api/health" "Origin: $ORIGIN")
http GET "${SRV_URL}api/health" "Origin: http://evil.example" > "$T/evil.txt"
check "other origin gets no CORS header" bash -c "[ \"\$(head -1 '$T/evil.txt')\" = 200 ] && ! grep -q Access-Control '$T/evil.txt'"
check "preflight OPTIONS -> 204 with methods" grep -q "Access-Control-Allow-Methods: GET, POST, OPTIONS" <(http OPTIONS "${SRV_URL}api/analytics/overview" "Origin: $ORIGIN" "Access-Control-Request-Method: GET")
check "preflight status 204" [ "$(http OPTIONS "${SRV_URL}api/analytics/overview" "Origin: $ORIGIN" | sed -n 1p)" = 204 ]
stop_server
start_server --db "$DB" --listen 127.0.0.1:0
check "OPTIONS without CORS -> 405" [ "$(http OPTIONS "${SRV_URL}api/analytics/overview" "Origin: $ORIGIN" | sed -n 1p)" = 405 ]
http GET "${SRV_URL}api/health" "Origin: $ORIGIN" > "$T/nocors.txt"
check "no CORS header without --cors-origin" bash -c "[ \"\$(head -1 '$T/nocors.txt')\" = 200 ] && ! grep -q Access-Control '$T/nocors.txt'"
stop_server

if python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1",0))' 2>/dev/null; then
  check "IPv6 loopback listen" start_server --db "$DB" --listen '[::1]:0'
  check "URL has the bracketed address" grep -qE '^aiusage: serving http://\[::1\]:[0-9]+/$' "$T/serve.out"
  check "IPv6 request works" [ "$(http GET "${SRV_URL}api/health" | sed -n 1p)" = 200 ]
  stop_server
else
  ok "IPv6 not available here: skipped # SKIP"
fi
start_server --db "$DB" --listen 127.0.0.1:0
BUSY=${SRV_URL#http://}; BUSY=${BUSY%/}
check "a port in use is a clear error" bash -c "! '$AIU_BIN' serve --db '$DBU' --listen '$BUSY' --exit-after-ms 100 2>'$T/e2' && grep -q 'cannot listen' '$T/e2'"
stop_server
finish
