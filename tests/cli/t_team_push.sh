#!/usr/bin/env bash
# Team server push (issue 5, item 3): two "machines" (stores built from
# overlapping slices of the corpus) push to one server; the server's totals
# equal a store that synced the union directly, with no double counting; a
# re-push sends nothing; a record pushed twice (a second checkpoint) or by
# two machines counts once; each session's prompt count (a number, no text)
# reaches the server and equals the union's, a re-push or a second machine
# with the same session never adds to it, a grown count is sent again and
# a lower one never lowers it; a push without a valid ingest token is
# refused and changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"
need_corpus

# HTTP helper: status and body of a request (Python stdlib).
http() { # http METHOD URL TOKEN [BODYFILE]
  python3 - "$@" <<'PY'
import sys, urllib.request, urllib.error
m, url, tok = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(sys.argv[4], 'rb').read() if len(sys.argv) > 4 else None
r = urllib.request.Request(url, method=m, data=data)
if tok: r.add_header("Authorization", "Bearer " + tok)
if data is not None: r.add_header("Content-Type", "application/json")
try:
    with urllib.request.urlopen(r, timeout=30) as x: st, b = x.status, x.read()
except urllib.error.HTTPError as e: st, b = e.code, e.read()
print(st); sys.stdout.write(b.decode())
PY
}

# Machines: m1 has the first 7 project folders, m2 the last 6 (overlap: the
# middle ones), u all of them.
mapfile -t P < <(ls "$CC_CORPUS/projects")
N=${#P[@]}
mkdir -p "$T/m1/projects" "$T/m2/projects" "$T/m3/projects" "$T/u/projects"
for ((i = 0; i < N; i++)); do
  [ $i -lt 7 ] && cp -r "$CC_CORPUS/projects/${P[$i]}" "$T/m1/projects/"
  [ $i -ge $((N - 6)) ] && cp -r "$CC_CORPUS/projects/${P[$i]}" "$T/m2/projects/"
  cp -r "$CC_CORPUS/projects/${P[$i]}" "$T/u/projects/"
done
cp -r "$CC_CORPUS/projects/${P[0]}" "$T/m3/projects/"
# Machines are laptops: their stores are SQLite files on every run; the team
# server's store (and so every aiu --db "$SRV") is the backend under test.
local_aiu() { env -u AIU_TEST_REQUIRE_PG "$AIU_BIN" "$@"; }
for m in m1 m2 m3 u; do local_aiu sync --db "$T/$m.db" --claude-dir "$T/$m" -q; done

SRV="$T/srv.db"
ING_A=$(aiu token create --db "$SRV" --role ingest --person Alice@Example.com --name laptop 2>"$T/tc.err")
ING_B=$(aiu token create --db "$SRV" --role ingest --person bob@example.com 2>>"$T/tc.err")
READ=$(aiu token create --db "$SRV" --role read 2>>"$T/tc.err")
ADMIN=$(aiu token create --db "$SRV" --role admin 2>>"$T/tc.err")
check "token create prints one token of 68 characters" bash -c "[ \${#1} -eq 68 ] && [[ \$1 == aiu_* ]]" _ "$ING_A"
check "tokens differ" [ "$ING_A" != "$ING_B" ]
check "an ingest token needs --person" bash -c "! '$AIU_BIN' token create --db '$(db "$SRV")' --role ingest 2>/dev/null"
check "an unknown role is refused" bash -c "! '$AIU_BIN' token create --db '$(db "$SRV")' --role root 2>/dev/null"
aiu token list --db "$SRV" > "$T/list.out"
check "token list shows the prefix and the folded person" grep -q "${ING_A:0:12} .*ingest .*alice@example.com" "$T/list.out"
check "token list never shows a whole token" bash -c "! grep -qe '$ING_A' -e '$READ' '$T/list.out'"

check "server starts" start_server --db "$(db "$SRV")" --listen 127.0.0.1:0 --no-watch --sync-interval 0 --verbose
U=${SRV_URL%/}
push() { local_aiu push --db "$1" --server "$2" --token "$3" --no-sync --json; }

push "$T/m1.db" "$U" "$ING_A" > "$T/p1.json" 2> "$T/p1.err"
check "machine 1 pushes everything it has" [ "$(jget "$T/p1.json" "d['sent'] == d['scanned'] > 0 and d['new'] == d['sent']")" = True ]
check "pushes go in capped batches" [ "$(jget "$T/p1.json" "d['batches'] == (d['sent'] + 499) // 500")" = True ]
push "$T/m2.db" "$U" "$ING_B" > "$T/p2.json" 2> "$T/p2.err"
check "machine 2's overlap is recognised as duplicate" [ "$(jget "$T/p2.json" "d['duplicate'] > 0 and d['new'] + d['duplicate'] + d['replaced'] == d['sent']")" = True ]

totals() { if [ "$2" = "$SRV" ]; then aiu "$1" --db "$2" --no-sync --json; else local_aiu "$1" --db "$2" --no-sync --json; fi | python3 -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(d.get('totals', d), sort_keys=True))"; }
for r in daily models tools; do
  check "server $r totals equal the union's" [ "$(totals $r "$SRV")" = "$(totals $r "$T/u.db")" ]
done
check "server request count equals the union's" [ "$(aiu daily --db "$SRV" --no-sync --json | python3 -c "import json,sys; print(json.load(sys.stdin)['totals']['requests'])")" = "$(local_aiu daily --db "$T/u.db" --no-sync --json | python3 -c "import json,sys; print(json.load(sys.stdin)['totals']['requests'])")" ]
http GET "$U/api/analytics/overview" "$READ" > "$T/ov.srv"
check "the API serves pushed data" [ "$(sed -n 1p "$T/ov.srv")" = 200 ]
BEFORE=$(totals daily "$SRV")

# sessions: prompt counts, bounds and projects on the server = the union's
prompts() { # prompts DB -> {sessionId: [userMessages, first, last, project]} of the session report
  if [ "$1" = "$SRV" ]; then aiu session --db "$1" --no-sync --json; else local_aiu session --db "$1" --no-sync --json; fi |
    python3 -c "import json,sys; print(json.dumps({s['sessionId']: [s['userMessages'], s['firstActivity'], s['lastActivity'], s['projectPath']] for s in json.load(sys.stdin)['sessions']}, sort_keys=True))"
}
prompts "$SRV" > "$T/pr.srv"; prompts "$T/u.db" > "$T/pr.u"
same_prompts() { python3 - "$1" "$2" "${3:-}" <<'PY'
import json, sys
srv, u = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bump = json.loads(sys.argv[3]) if sys.argv[3] else {}
want = {k: [v[0] + bump.get(k, [0])[0]] + (bump[k][1:] if k in bump else v[1:]) for k, v in u.items()}
bad = {k: (srv.get(k), want.get(k)) for k in set(srv) | set(want) if srv.get(k) != want.get(k)}
ok = srv and not bad and sum(v[0] for v in srv.values()) > 100
print("ok" if ok else "sessions %d/%d, prompts %d, differing %s" % (len(srv), len(want), sum(v[0] for v in srv.values()), list(bad.items())[:4]))
PY
}
check "server sessions equal the union's: prompt counts (not 0, not summed over machines), bounds, projects" [ "$(same_prompts "$T/pr.srv" "$T/pr.u")" = ok ]
check "server project prompt totals equal the union's" [ "$(aiu projects --db "$SRV" --no-sync --json | python3 -c "import json,sys; print(sorted((p['project'], p['userMessages']) for p in json.load(sys.stdin)['projects']))")" = "$(local_aiu projects --db "$T/u.db" --no-sync --json | python3 -c "import json,sys; print(sorted((p['project'], p['userMessages']) for p in json.load(sys.stdin)['projects']))")" ]
check "machine 1 sent its sessions, new to the server" [ "$(jget "$T/p1.json" "0 < d['sessionsUpdated'] <= d['sessionsSent'] and d['sessionsUnknown'] == 0")" = True ]
check "machine 2's overlapping sessions raised nothing" [ "$(jget "$T/p2.json" "0 < d['sessionsUpdated'] < d['sessionsSent'] and d['sessionsUnknown'] == 0")" = True ]

push "$T/m1.db" "$U" "$ING_A" > "$T/p3.json" 2>/dev/null
check "a re-push sends nothing" [ "$(jget "$T/p3.json" "d['sent'] == 0 and d['sessionsSent'] == 0")" = True ]
# the same server under another URL is another checkpoint: everything is sent again
push "$T/m2.db" "http://localhost:${U##*:}" "$ING_B" > "$T/p4.json" 2>/dev/null
check "records pushed twice are all duplicates" [ "$(jget "$T/p4.json" "d['sent'] > 0 and d['duplicate'] == d['sent'] and d['new'] == 0")" = True ]
check "session counts pushed twice raise nothing" [ "$(jget "$T/p4.json" "d['sessionsSent'] > 0 and d['sessionsUpdated'] == 0")" = True ]
check "and totals do not move" [ "$(totals daily "$SRV")" = "$BEFORE" ]
prompts "$SRV" > "$T/pr.srv2"
check "and prompt counts do not move" cmp -s "$T/pr.srv" "$T/pr.srv2"

# a session grows on machine 1 (one more prompt): only its count is sent again
GROW=$(python3 - "$T/m1/projects" "$T/m2/projects" "$T/pr.u" <<'PY'
import json, os, sys
m2 = {f for _, _, fs in os.walk(sys.argv[2]) for f in fs}
listed = json.load(open(sys.argv[3]))  # sessions of the session report (with requests)
for root, _, fs in sorted(os.walk(sys.argv[1])):
    for f in sorted(fs):
        if not f.endswith(".jsonl") or f not in m2 or "subagents" in root: continue
        p = os.path.join(root, f)
        for line in open(p, errors="replace"):
            try: d = json.loads(line)
            except ValueError: continue
            if d.get("type") == "user" and d.get("sessionId") in listed and d.get("cwd"):
                print(p + "\t" + d["sessionId"] + "\t" + d["cwd"]); sys.exit(0)
PY
)
IFS=$'\t' read -r GFILE GSID GCWD <<< "$GROW"
check "a transcript shared by both machines to grow" [ -n "$GSID" ]
GLAST=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][2])" "$T/pr.u" "$GSID")
python3 - "$GFILE" "$GSID" "$GCWD" <<'PY'
import json, sys
with open(sys.argv[1], "a") as f:
    f.write(json.dumps({"type": "user", "uuid": "9b0e2b1c-push-test-grow-0001", "sessionId": sys.argv[2],
                        "cwd": sys.argv[3], "timestamp": "2030-01-02T03:04:05.000Z", "isSidechain": False,
                        "message": {"role": "user", "content": "one more prompt"}}) + "\n")
PY
local_aiu sync --db "$T/m1.db" --claude-dir "$T/m1" -q
push "$T/m1.db" "$U" "$ING_A" > "$T/p5.json" 2>/dev/null
check "the grown session's count alone is sent, and raised" [ "$(jget "$T/p5.json" "d['sent'] == 0 and d['sessionsSent'] == 1 and d['sessionsUpdated'] == 1")" = True ]
prompts "$SRV" > "$T/pr.srv3"
check "the server has the grown session (count + 1, later end), every other session unchanged" [ "$(same_prompts "$T/pr.srv3" "$T/pr.u" "{\"$GSID\": [1, \"$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][1])" "$T/pr.u" "$GSID")\", \"2030-01-02T03:04:05.000Z\", \"$GCWD\"]}")" = ok ]
# machine 2 (the older copy, one prompt fewer) pushes again: nothing is lowered
push "$T/m2.db" "http://localhost:${U##*:}/" "$ING_B" > "$T/p6.json" 2>/dev/null
prompts "$SRV" > "$T/pr.srv4"
check "a second machine's lower count never lowers it" cmp -s "$T/pr.srv3" "$T/pr.srv4"
# raw: a lower count, an unknown session, a bad entry, a new session of prompts only
proj_prompts() { aiu projects --db "$SRV" --no-sync --json | python3 -c "import json,sys; print([p['userMessages'] for p in json.load(sys.stdin)['projects'] if p['project'] == sys.argv[1]])" "$GCWD"; }
PP0=$(proj_prompts)
printf '{"version":1,"records":[],"sessions":[{"sessionId":"%s","userMessages":1},{"sessionId":"no-such-session","userMessages":5},{"sessionId":"x","userMessages":-2},{"sessionId":"push-test-prompts-only","userMessages":4,"project":"%s","firstTs":1750000000000,"lastTs":1750000060000}]}' "$GSID" "$GCWD" > "$T/s1.json"
http POST "$U/api/ingest/usage" "$ING_A" "$T/s1.json" > "$T/hs"
sed 1d "$T/hs" > "$T/hs.json"
check "session entries: lower unchanged, unknown counted, bad rejected with its field, one created" [ "$(jget "$T/hs.json" "(d['data']['sessions'], d['data']['rejected'], d['data']['errors'][0]['field'])")" = "({'received': 3, 'created': 1, 'updated': 0, 'unchanged': 1, 'unknown': 1}, 1, 'sessions.userMessages')" ]
prompts "$SRV" > "$T/pr.srv5"
check "and no session moved" cmp -s "$T/pr.srv3" "$T/pr.srv5"
check "the prompts-only session's 4 prompts count in its project's ($PP0 before)" [ "$(proj_prompts)" = "[$(( ${PP0//[^0-9]/} + 4 ))]" ]
BEFORE=$(totals daily "$SRV")

# refused pushes: no token, wrong token, read-only, admin without a person
check "push without a token is refused" bash -c "! env -u AIU_TEST_REQUIRE_PG '$AIU_BIN' push --db '$T/m3.db' --server '$U' --no-sync 2>'$T/r0.err'"
check "push with a wrong token is refused" bash -c "! env -u AIU_TEST_REQUIRE_PG '$AIU_BIN' push --db '$T/m3.db' --server '$U' --token 'aiu_${ING_A:4:8}0000000000000000000000000000000000000000000000000000000' --no-sync 2>'$T/r1.err'"
check "push with a read token is refused" bash -c "! env -u AIU_TEST_REQUIRE_PG '$AIU_BIN' push --db '$T/m3.db' --server '$U' --token '$READ' --no-sync 2>'$T/r2.err'"
check "push with an admin token (no person) is refused" bash -c "! env -u AIU_TEST_REQUIRE_PG '$AIU_BIN' push --db '$T/m3.db' --server '$U' --token '$ADMIN' --no-sync 2>'$T/r3.err'"
check "the refusal says why" grep -q "refused the token (HTTP 401)" "$T/r1.err"
check "a read token gets 403" grep -q "HTTP 403" "$T/r2.err"
check "refused pushes change nothing" [ "$(totals daily "$SRV")" = "$BEFORE" ]

# raw endpoint: validation, one bad record does not stop the batch
cat > "$T/b1.json" <<'J'
{"version":1,"records":[
 {"messageId":"msg_push_t1","requestId":"req_t1","timestamp":1750000000000,"sessionId":"push-test-session","project":"/tmp/pt","model":"claude-sonnet-4-5","usage":{"input":10,"output":20,"cacheWrite5m":0,"cacheWrite1h":0,"cacheRead":0,"webSearch":0},"tools":[]},
 {"messageId":"msg_push_t2","requestId":"req_t2","timestamp":"yesterday","sessionId":"s","project":"/tmp/pt","model":"m","usage":{}}
]}
J
http POST "$U/api/ingest/usage" "" "$T/b1.json" > "$T/h0"
check "anonymous POST /api/ingest/usage -> 401" [ "$(sed -n 1p "$T/h0")" = 401 ]
http POST "$U/api/ingest/usage" "$READ" "$T/b1.json" > "$T/h1"
check "read token POST /api/ingest/usage -> 403" [ "$(sed -n 1p "$T/h1")" = 403 ]
http POST "$U/api/ingest/usage" "$ING_A" "$T/b1.json" > "$T/h2"
sed 1d "$T/h2" > "$T/h2.json"
check "a mixed batch is accepted" [ "$(sed -n 1p "$T/h2")" = 200 ]
check "the good record is new, the bad one rejected with its field" [ "$(jget "$T/h2.json" "(d['data']['new'], d['data']['rejected'], d['data']['errors'][0]['index'], d['data']['errors'][0]['field'])")" = "(1, 1, 1, 'timestamp')" ]
check "the person is the token's" [ "$(jget "$T/h2.json" "d['data']['person']")" = alice@example.com ]
echo '{"version":1,"records":[' > "$T/bad.json"
http POST "$U/api/ingest/usage" "$ING_A" "$T/bad.json" > "$T/h3"
check "malformed JSON -> 400" [ "$(sed -n 1p "$T/h3")" = 400 ]
python3 -c "import sys; sys.stdout.write('{\"version\":1,\"records\":[' + ','.join(['{}']*5001) + ']}')" > "$T/many.json"
http POST "$U/api/ingest/usage" "$ING_A" "$T/many.json" > "$T/h4"
check "more than 5000 records -> 413" [ "$(sed -n 1p "$T/h4")" = 413 ]
python3 -c "import sys; sys.stdout.write('x' * (5 << 20))" > "$T/huge.json"
http POST "$U/api/ingest/usage" "$ING_A" "$T/huge.json" > "$T/h5" 2>/dev/null || echo 413 > "$T/h5"
check "a body over 4 MiB -> 413" [ "$(sed -n 1p "$T/h5")" = 413 ]

# revoked tokens stop working
ID_B=$(aiu token list --db "$SRV" | awk -v p="${ING_B:0:12}" '$2 == p { print $1 }')
aiu token revoke --db "$SRV" "$ID_B" > /dev/null
check "a revoked token is refused" bash -c "! env -u AIU_TEST_REQUIRE_PG '$AIU_BIN' push --db '$T/m3.db' --server '$U' --token '$ING_B' --no-sync 2>/dev/null"
check "revoking twice is an error" bash -c "! '$AIU_BIN' token revoke --db '$(db "$SRV")' '$ID_B' 2>/dev/null"

# a laptop's `serve` with a [push] section pushes on its interval
BEFORE2=$(totals daily "$SRV")
printf '[push]\nserver = %s\ntoken = %s\ninterval = 1\n' "$U" "$ING_A" > "$T/laptop.ini"
chmod 600 "$T/laptop.ini"
env -u AIU_TEST_REQUIRE_PG "$AIU_BIN" serve --db "$T/m3.db" --config "$T/laptop.ini" --listen 127.0.0.1:0 \
  --no-watch --sync-interval 0 > "$T/laptop.out" 2> "$T/laptop.err" & LAPTOP=$!
WANT=$(env -u AIU_TEST_REQUIRE_PG sqlite3 "$T/m3.db" "SELECT count(*) FROM usage")
for _ in $(seq 1 200); do
  [ "$(env -u AIU_TEST_REQUIRE_PG sqlite3 "$T/m3.db" "SELECT count(*) FROM push_sent WHERE server = '$U'" 2>/dev/null)" = "$WANT" ] && break
  sleep 0.1
done
check "serve with [push] pushed everything on its own" [ "$(env -u AIU_TEST_REQUIRE_PG sqlite3 "$T/m3.db" "SELECT count(*) FROM push_sent WHERE server = '$U'")" = "$WANT" ]
kill -TERM "$LAPTOP" 2>/dev/null; wait "$LAPTOP" || true
check "the laptop says what it pushed" grep -q "pushed $WANT records to $U" "$T/laptop.err"
check "the team server logged the pushes" grep -q "POST /api/ingest/usage 200" "$T/serve.err"
check "and (all duplicates) totals do not move" [ "$(totals daily "$SRV")" = "$BEFORE2" ]
check "the laptop never prints the token" bash -c "! grep -q '$ING_A' '$T/laptop.out' '$T/laptop.err'"

check "SIGTERM stops the server" stop_server
# what is sent: numbers and identifiers only (no message text), paths only on request
# a capture server records what push sends
cat > "$T/cap.py" <<'PY'
import http.server, sys, json
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length', 0)); b = self.rfile.read(n)
        open(sys.argv[1], 'ab').write(b + b'\n')
        recs = json.loads(b)['records']
        # answers like a server that predates session counts (no "sessions")
        body = json.dumps({"success": True, "data": {"new": len(recs), "replaced": 0, "duplicate": 0, "rejected": 0, "errors": []}}).encode()
        self.send_response(200); self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 "$T/cap.py" "$T/cap.body" > "$T/cap.port" & CAP=$!
for _ in $(seq 1 100); do [ -s "$T/cap.port" ] && break; sleep 0.05; done
CU="http://127.0.0.1:$(cat "$T/cap.port")"
local_aiu push --db "$T/m3.db" --server "$CU" --token "$ING_A" --no-sync -q
check "without --include-paths no path is sent" bash -c "! grep -q '\"path\"' '$T/cap.body' && ! grep -q '.jsonl' '$T/cap.body'"
# every key and value sent, against the transcripts' text blocks
cat > "$T/what.py" <<'PY2'
import json, os, sys
texts = set()
for root, _, fs in os.walk(sys.argv[2]):
    for f in fs:
        if not f.endswith('.jsonl'): continue
        for line in open(os.path.join(root, f), errors='replace'):
            try: d = json.loads(line)
            except Exception: continue
            c = (d.get('message') or {}).get('content')
            if isinstance(c, str) and len(c) > 20: texts.add(c)
            for b in c if isinstance(c, list) else []:
                if isinstance(b, dict):
                    for k in ('text', 'thinking', 'content'):
                        if isinstance(b.get(k), str) and len(b[k]) > 20: texts.add(b[k])
allowed = {'messageId', 'requestId', 'timestamp', 'sessionId', 'project', 'model', 'sidechain',
           'fast', 'serviceTier', 'usage', 'tools'} | ({'path'} if sys.argv[3] == 'paths' else set())
n = ns = 0
for line in open(sys.argv[1]):
    if not line.strip(): continue
    body = json.loads(line)
    assert set(body) <= {'version', 'records', 'sessions'}, set(body)
    for s in body.get('sessions', []):
        ns += 1
        assert {'sessionId', 'userMessages'} <= set(s) <= {'sessionId', 'userMessages', 'project', 'firstTs', 'lastTs'}, s
        assert all(isinstance(s[k], int) for k in ('userMessages', 'firstTs', 'lastTs') if k in s), s
        assert s['sessionId'] not in texts and s.get('project') not in texts and len(s['sessionId']) < 300, s
    for r in body['records']:
        n += 1
        assert set(r) <= allowed, set(r) - allowed
        assert all(isinstance(v, int) for v in r['usage'].values())
        for v in [r['messageId'], r['requestId'], r['sessionId'], r['project'], r['model']] + [t['name'] for t in r['tools']]:
            assert v not in texts and len(v) < 300, v
assert n > 0 and ns > 0, (n, ns)
print(n, ns)
PY2
check "only numbers and identifiers are sent (no message text)" python3 "$T/what.py" "$T/cap.body" "$T/m3" nopaths
local_aiu push --db "$T/m3.db" --server "$CU" --token "$ING_A" --no-sync --json > "$T/p7.json" 2>/dev/null
check "a server that does not answer session counts: they are not checkpointed (sent again), records are" [ "$(jget "$T/p7.json" "d['sent'] == 0 and d['sessionsSent'] > 0 and d['sessionsUpdated'] == 0")" = True ]
: > "$T/cap.body"
local_aiu push --db "$T/m3.db" --server "http://localhost:$(cat "$T/cap.port")/" --token "$ING_A" --no-sync --include-paths -q
check "with --include-paths transcript paths are sent" grep -q '"path":"[^"]*\.jsonl"' "$T/cap.body"
check "and still no text" python3 "$T/what.py" "$T/cap.body" "$T/m3" paths
kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null || true

check "no token appears in the server's output or log" bash -c "! grep -qe '$ING_A' -e '$ING_B' -e '$READ' -e '$ADMIN' '$T/serve.out' '$T/serve.err'"
check "no token appears in the push output" bash -c "! grep -qe '$ING_A' -e '$ING_B' -e '$READ' -e '$ADMIN' '$T'/p*.json '$T'/p*.err '$T'/r*.err '$T/tc.err' '$T/list.out'"
finish
