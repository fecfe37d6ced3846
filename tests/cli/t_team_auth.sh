#!/usr/bin/env bash
# Team server security (issue 5, "Security tests"): once a token exists,
# every /api/ route of the route table (so every /api/org/* and
# /api/analytics/* endpoint) refuses an anonymous request; a read-only
# token cannot write (sync run/reset, push: 403); an ingest token can only
# push; a --privacy team read token gets no per-person figures; the server
# may listen off loopback with store tokens; and no secret (tokens, admin
# API keys, database passwords) appears in anything the server or the CLI
# printed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"
DB="$T/team.db"

# status code of a request (Python stdlib)
http() { # http METHOD URL [TOKEN]
  python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
m, url = sys.argv[1], sys.argv[2]
r = urllib.request.Request(url, method=m, data=b'{}' if m == 'POST' else None)
if len(sys.argv) > 3 and sys.argv[3]: r.add_header("Authorization", "Bearer " + sys.argv[3])
try:
    with urllib.request.urlopen(r, timeout=30) as x: print(x.status)
except urllib.error.HTTPError as e: print(e.code)
PY
}

# statuses TOKEN: "METHOD PATH FLAGS STATUS" for every route in $T/routes
# (one Python process for all requests: the machine may be loaded)
statuses() {
  python3 - "$U" "$1" "$T/routes" <<'PY'
import sys, urllib.request, urllib.error
base, tok = sys.argv[1], sys.argv[2]
for line in open(sys.argv[3]):
    m, path, flags = line.split()
    r = urllib.request.Request(base + path, method=m, data=b'{}' if m == 'POST' else None)
    if tok: r.add_header("Authorization", "Bearer " + tok)
    try:
        with urllib.request.urlopen(r, timeout=30) as x: st = x.status
    except urllib.error.HTTPError as e: st = e.code
    print(m, path, flags, st)
PY
}
# every /api/ route of the table: METHOD PATTERN FLAGS (":id" filled in)
(python3 - "$AIU_SRC/src/http/http_routes.c" <<'PY'
import re, sys
for m in re.finditer(r'\{\s*([A-Z_| ]+),\s*"(/api/[^"]*)",\s*\w+,\s*([^}]*)\}', open(sys.argv[1]).read()):
    meth = m.group(1).split('|')[0].strip().replace('HTTP_', '')
    path = re.sub(r':\w+', 'x', m.group(2))
    print(meth, path, m.group(3).replace(' ', ''))
PY
) > "$T/routes"
check "the route table lists /api/ routes" [ "$(wc -l < "$T/routes")" -ge 10 ]

OUT="$T/cli.out"
: > "$OUT"
ADMIN=$(aiu token create --db "$DB" --role admin 2>>"$OUT")
READ=$(aiu token create --db "$DB" --role read --name dash 2>>"$OUT")
TEAM=$(aiu token create --db "$DB" --role read --privacy team 2>>"$OUT")
ING=$(aiu token create --db "$DB" --role ingest --person carol@example.com 2>>"$OUT")
check "--privacy team is for read tokens only" bash -c "! '$AIU_BIN' token create --db '$(db "$DB")' --role admin --privacy team 2>>'$OUT'"
aiu token list --db "$DB" >> "$OUT" 2>&1

check "with store tokens the server may listen off loopback" start_server --db "$(db "$DB")" --listen 0.0.0.0:0 --no-watch --sync-interval 0 --verbose
PORT=${SRV_URL##*:}; PORT=${PORT%/}
U="http://127.0.0.1:$PORT"

statuses "" > "$T/anon"
bad=$(awk '$4 != 401 { printf " %s %s=%s", $1, $2, $4 }' "$T/anon")
check "every /api/ route refuses an anonymous request (401)${bad:+:$bad}" [ -z "$bad" ]
check "the analytics routes were among them" grep -q "/api/analytics/" "$T/anon"
statuses "aiu_0000000000000000000000000000000000000000000000000000000000000000" > "$T/wrong"
bad=$(awk '$4 != 401 { printf " %s %s=%s", $1, $2, $4 }' "$T/wrong")
check "every /api/ route refuses a wrong token${bad:+:$bad}" [ -z "$bad" ]
statuses "$READ" > "$T/read"
bad=$(awk '($1 == "GET" && ($4 == 401 || $4 == 403)) || ($1 != "GET" && $4 != 403) { printf " %s %s=%s", $1, $2, $4 }' "$T/read")
check "a read token may GET everything and write nothing (403)${bad:+:$bad}" [ -z "$bad" ]
check "read token: sync run -> 403" [ "$(http POST "$U/api/sync/run" "$READ")" = 403 ]
check "read token: sync reset -> 403" [ "$(http POST "$U/api/sync/reset" "$READ")" = 403 ]
check "read token: push -> 403" [ "$(http POST "$U/api/ingest/usage" "$READ")" = 403 ]
check "ingest token: analytics -> 403" [ "$(http GET "$U/api/analytics/overview" "$ING")" = 403 ]
check "ingest token: sync run -> 403" [ "$(http POST "$U/api/sync/run" "$ING")" = 403 ]
check "admin token: analytics -> 200" [ "$(http GET "$U/api/analytics/overview" "$ADMIN")" = 200 ]
st=$(http POST "$U/api/sync/run" "$ADMIN")
check "admin token: sync run is not refused ($st)" bash -c "[ '$st' != 401 ] && [ '$st' != 403 ]"

statuses "$TEAM" > "$T/team"
bad=$(awk '$1 == "GET" && (($3 ~ /ROUTE_PERSON/ && $4 != 403) || ($3 !~ /ROUTE_PERSON/ && ($4 == 401 || $4 == 403))) { printf " %s=%s", $2, $4 }' "$T/team")
check "a --privacy team token gets 403 on every per-person route and only there${bad:+:$bad}" [ -z "$bad" ]
check "privacy team: sessions (per person) -> 403" [ "$(http GET "$U/api/analytics/sessions" "$TEAM")" = 403 ]
check "privacy team: overview (team level) -> 200" [ "$(http GET "$U/api/analytics/overview" "$TEAM")" = 200 ]
check "SIGTERM stops the server" stop_server

# an admin API key used by a failing pull must not leak either
ADMIN_KEY="sk-ant-admin01-secret$RANDOM$RANDOM"
# a hostile vendor that echoes the key back in its 401 error body
cat > "$T/vendor.py" <<'PY2'
import http.server, json
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        key = self.headers.get('x-api-key', '')
        b = json.dumps({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key " + key}}).encode()
        self.send_response(401); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY2
python3 "$T/vendor.py" > "$T/vendor.port" & VEND=$!
for _ in $(seq 1 100); do [ -s "$T/vendor.port" ] && break; sleep 0.05; done
ANTHROPIC_ADMIN_KEY="$ADMIN_KEY" ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$T/vendor.port")" aiu pull anthropic --db "$DB" >> "$OUT" 2>&1 || true
kill "$VEND" 2>/dev/null; wait "$VEND" 2>/dev/null || true
check "the pull reached the vendor and failed on the key" grep -q "authentication_error\|401" "$OUT"
aiu token revoke --db "$DB" 2 >> "$OUT" 2>&1
SECRETS=("$ADMIN" "$READ" "$TEAM" "$ING" "$ADMIN_KEY")
if [ "$AIU_TEST_BACKEND" = pg ]; then
  PW=$(python3 -c "import sys, urllib.parse as u; print(u.urlparse(sys.argv[1]).password or '')" "$(db "$DB")")
  [ -n "$PW" ] && SECRETS+=("$PW")
fi
leaks=""
for s in "${SECRETS[@]}"; do
  for f in "$T/serve.out" "$T/serve.err" "$OUT"; do
    grep -qF -- "$s" "$f" && leaks="$leaks ${s:0:6}...@$(basename "$f")"
  done
done
check "no secret appears in anything the server or the CLI printed${leaks:+:$leaks}" [ -z "$leaks" ]
check "the access log was written (the grep saw real output)" grep -q "GET /api/analytics/overview 200" "$T/serve.err"
check "the CLI output was captured" grep -q "created; it is shown only this once" "$OUT"
finish
