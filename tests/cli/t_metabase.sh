#!/usr/bin/env bash
# `aiusage metabase provision` against the fake Metabase
# (tests/fake/fake_metabase.py, which enforces the 0.47+ contract: PUT
# dashcards as the full set, negative ids for new dashcards, mappings that
# name a dashboard parameter and one of the card's template tags, the
# 24-column grid). Checks: full provisioning, mappings, a second run
# changes nothing (the fake's whole state compared), a changed card and a
# deleted dashcard are repaired in place, --dry-run writes nothing,
# unsupported versions, missing rights and a wrong password give clear
# errors, and neither the password, the API key nor the session id ever
# appears in the output.
source "$(dirname "$0")/lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_metabase.py"
PW="pw-$(python3 -c 'import secrets; print(secrets.token_hex(12))')"
KEY="mb_$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; cleanup' EXIT
ALL="$T/all-output.txt"
DB="$T/a.db"
start() { # start [fake args...]: sets URL
  rm -f "$T/port"
  python3 "$FAKE" --password "$PW" --api-key "$KEY" --idle 60 "$@" > "$T/port" &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
  if ! read -r PORT _ < "$T/port"; then # say so, instead of a silent set -e exit
    fail "the fake Metabase ($*) wrote no port within 30 s"
    finish
  fi
  URL="http://127.0.0.1:$PORT"
}
prov() { # prov ARGS...: output in $T/out (stdout) and $T/err, all appended to $ALL
  local rc=0
  aiu metabase provision --db "$DB" --metabase-url "$URL" "$@" > "$T/out" 2> "$T/err" || rc=$?
  cat "$T/out" "$T/err" >> "$ALL"
  return $rc
}
state() { python3 -c "import sys,urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())" "$URL/__state" > "$1"; }
writes() { python3 -c "import json,sys,urllib.request; print(sum(1 for l in json.load(urllib.request.urlopen(sys.argv[1])) if not l.startswith('GET ') and l != 'POST /api/session'))" "$URL/__log"; }
status() { # status METHOD PATH [API key]: the HTTP status the fake answers
  python3 - "$URL" "$@" <<'PY'
import sys, urllib.request, urllib.error
url, m, p = sys.argv[1:4]
h = {"x-api-key": sys.argv[4]} if len(sys.argv) > 4 else {}
try:
    print(urllib.request.urlopen(urllib.request.Request(url + p, method=m, headers=h, data=b"" if m != "GET" else None)).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}

# --- the fake is faithful: the semantics provisioning relies on can fail
start
check "fake: POST /api/dashboard/:id/cards is gone (404)" test "$(status POST /api/dashboard/1/cards "$KEY")" = 404
check "fake: unauthenticated request is 401" test "$(status GET /api/database)" = 401
python3 - "$URL" "$KEY" > "$T/contract.txt" <<'PY'
import json, sys, urllib.request
url, key = sys.argv[1], sys.argv[2]
def call(m, p, b=None):
    r = urllib.request.Request(url + p, method=m, data=json.dumps(b).encode() if b is not None else None,
                               headers={"x-api-key": key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(r) as f:
            return f.status, json.load(f)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)
_, db = call("POST", "/api/database", {"name": "x", "engine": "sqlite", "details": {"db": "/x"}})
q = {"database": db["id"], "type": "native", "native": {"query": "SELECT 1 WHERE {{a}}", "template-tags": {"a": {"id": "t1", "name": "a", "display-name": "A", "type": "text"}}}}
s, card = call("POST", "/api/card", {"name": "c", "display": "table", "visualization_settings": {}, "dataset_query": q})
print("ok" if s == 200 else "FAIL", "card with matching tags is accepted")
q2 = json.loads(json.dumps(q)); q2["native"]["query"] = "SELECT 1 WHERE {{b}}"
print("ok" if call("POST", "/api/card", {"name": "c", "display": "table", "visualization_settings": {}, "dataset_query": q2})[0] == 400 else "FAIL", "card whose tags do not match its SQL is refused")
_, d = call("POST", "/api/dashboard", {"name": "d", "parameters": [{"id": "p", "name": "P", "slug": "p", "type": "string/="}]})
m = [{"parameter_id": "p", "card_id": card["id"], "target": ["variable", ["template-tag", "a"]]}]
s, d1 = call("PUT", "/api/dashboard/%d" % d["id"], {"dashcards": [
    {"id": -1, "card_id": card["id"], "row": 0, "col": 0, "size_x": 12, "size_y": 6, "parameter_mappings": m},
    {"id": -2, "card_id": card["id"], "row": 0, "col": 12, "size_x": 12, "size_y": 6}]})
ids = [x["id"] for x in d1["dashcards"]]
print("ok" if s == 200 and all(i > 0 for i in ids) and len(set(ids)) == 2 else "FAIL", "negative dashcard ids get real ids")
s, d2 = call("PUT", "/api/dashboard/%d" % d["id"], {"dashcards": [{"id": ids[0], "card_id": card["id"], "row": 1, "col": 0, "size_x": 12, "size_y": 6, "parameter_mappings": m}]})
print("ok" if s == 200 and [x["id"] for x in d2["dashcards"]] == [ids[0]] and d2["dashcards"][0]["row"] == 1 else "FAIL", "an omitted dashcard is deleted, a kept id is updated")
bad = [("unknown parameter", [{"parameter_id": "zz", "card_id": card["id"], "target": ["variable", ["template-tag", "a"]]}], 0, 12),
       ("unknown template tag", [{"parameter_id": "p", "card_id": card["id"], "target": ["variable", ["template-tag", "nope"]]}], 0, 12),
       ("off the 24-column grid", [], 13, 12)]
for name, mm, col, sx in bad:
    s, _ = call("PUT", "/api/dashboard/%d" % d["id"], {"dashcards": [{"id": -1, "card_id": card["id"], "row": 0, "col": col, "size_x": sx, "size_y": 4, "parameter_mappings": mm}]})
    print("ok" if s == 400 else "FAIL", "dashcards with a mapping to an %s are refused" % name if mm else "a dashcard %s is refused" % name)
print("ok" if call("PUT", "/api/dashboard/%d" % d["id"], {"dashcards": [{"id": 99999, "card_id": card["id"], "row": 0, "col": 0, "size_x": 4, "size_y": 4}]})[0] == 404 else "FAIL", "a dashcard id of another dashboard is refused")
PY
while read -r s rest; do if [ "$s" = ok ]; then ok "fake: $rest"; else fail "fake: $rest"; fi; done < "$T/contract.txt"
check "fake: contract checks ran" test "$(wc -l < "$T/contract.txt")" -eq 8

# --- a fresh instance: dry run first, then the real thing (API key)
start
check "dry run on a fresh instance succeeds" prov --metabase-api-key "$KEY" --dry-run
check "dry run plans 27 creations" grep -q '^plan: 27 created, 0 updated, 0 unchanged' "$T/out"
check "dry run sends no write" test "$(writes)" = 0
state "$T/s0.json"
check "dry run leaves the instance empty" python3 -c "import json,sys; s=json.load(open(sys.argv[1])); sys.exit(any(s[k] for k in ('databases','collections','cards','dashboards')))" "$T/s0.json"
check "provision with an API key succeeds" prov --metabase-api-key "$KEY"
check "it reports 27 objects created" grep -q '^done: 27 created, 0 updated, 0 unchanged' "$T/out"
state "$T/s1.json"
python3 - "$T/s1.json" "$AIU_TEST_BACKEND" "$DB" > "$T/state.txt" <<'PY'
import json, re, sys
s, backend, dbpath = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
def out(cond, msg): print(("ok " if cond else "FAIL ") + msg)
dbs = list(s["databases"].values())
out(len(dbs) == 1 and dbs[0]["name"] == "aiusage", "one database 'aiusage'")
d = dbs[0]
if backend == "pg":
    out(d["engine"] == "postgres" and d["details"]["host"] and d["details"]["dbname"].startswith("aiu_t_") and "port" in d["details"], "registered as postgres with host, port and dbname")
else:
    out(d["engine"] == "sqlite" and d["details"]["db"] == dbpath, "registered as sqlite with the absolute path")
out(len(s["collections"]) == 1 and list(s["collections"].values())[0]["name"] == "aiusage", "one collection 'aiusage'")
cards = s["cards"]
out(len(cards) == 21, "21 cards (%d)" % len(cards))
views = {"v_daily_cost", "v_claude_code_daily", "v_claude_code_sessions", "v_claude_code_org_daily", "v_cursor_daily_activity", "v_ai_share_of_commits", "v_claude_ai_activity"}
out(all(set(re.findall(r"FROM (\w+)", c["dataset_query"]["native"]["query"])) - {""} <= views for c in cards.values()), "cards read only the reporting views")
out(len({c["display"] for c in cards.values()}) >= 5, "sensible displays: %s" % sorted({c["display"] for c in cards.values()}))
out(all(c["dataset_query"]["database"] == d["id"] and c["collection_id"] in map(int, s["collections"]) for c in cards.values()), "cards on the aiusage database, in the collection")
dash = {x["name"]: x for x in s["dashboards"].values()}
out(sorted(dash) == sorted(["AI spend", "Engineering productivity", "Claude Code usage", "claude.ai activity"]), "four dashboards")
for name, x in dash.items():
    params = {p["id"]: p for p in x["parameters"]}
    out(all(dc["col"] + dc["size_x"] <= 24 for dc in x["dashcards"]), name + ": inside the 24-column grid")
    cells = set()
    overlap = False
    for dc in x["dashcards"]:
        for r in range(dc["row"], dc["row"] + dc["size_y"]):
            for c in range(dc["col"], dc["col"] + dc["size_x"]):
                overlap |= (r, c) in cells
                cells.add((r, c))
    out(not overlap, name + ": no overlapping dashcards")
    good = True
    for dc in x["dashcards"]:
        tags = set(cards[str(dc["card_id"])]["dataset_query"]["native"]["template-tags"])
        mapped = {m["target"][1][1] for m in dc["parameter_mappings"]}
        good &= mapped == tags   # every filter of the card is wired to the dashboard
        good &= all(m["parameter_id"] in params and m["card_id"] == dc["card_id"] for m in dc["parameter_mappings"])
    out(good, name + ": every template tag of every card is mapped to a dashboard parameter")
sp = {p["slug"] for p in dash["AI spend"]["parameters"]}
out({"start_date", "end_date", "person", "team"} <= sp, "AI spend filters on date range, person and team")
PY
while read -r s rest; do if [ "$s" = ok ]; then ok "$rest"; else fail "$rest"; fi; done < "$T/state.txt"
check "state checks ran" test "$(wc -l < "$T/state.txt")" -ge 20

# --- second run (session login this time): nothing changes
check "second run with user and password succeeds" prov --metabase-user admin@example.com --metabase-password "$PW"
check "second run reports everything unchanged" grep -q '^done: 0 created, 0 updated, 27 unchanged' "$T/out"
state "$T/s2.json"
check "second run leaves the fake's state byte-identical" cmp -s "$T/s1.json" "$T/s2.json"

# --- drift is repaired in place (no duplicates)
python3 - "$URL" "$KEY" "$T/s1.json" <<'PY'
import json, sys, urllib.request
url, key, st = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
def call(m, p, b=None):
    r = urllib.request.Request(url + p, method=m, data=json.dumps(b).encode() if b is not None else None,
                               headers={"x-api-key": key, "Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(r))
card = sorted(st["cards"].values(), key=lambda c: c["id"])[0]
call("PUT", "/api/card/%d" % card["id"], {"name": "renamed by hand", "display": "table"})
d = [x for x in st["dashboards"].values() if x["name"] == "AI spend"][0]
call("PUT", "/api/dashboard/%d" % d["id"], {"dashcards": [dict(dc) for dc in d["dashcards"][1:]]})
PY
check "dry run after drift succeeds" prov --metabase-api-key "$KEY" --dry-run
check "dry run plans the two repairs" grep -q '^plan: 0 created, 2 updated, 25 unchanged' "$T/out"
check "repair run succeeds" prov --metabase-api-key "$KEY"
check "repair run updates the card and the dashboard" grep -q '^done: 0 created, 2 updated, 25 unchanged' "$T/out"
state "$T/s3.json"
check "after repair: same cards, dashboards and layout, no duplicates" python3 - "$T/s1.json" "$T/s3.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
strip = lambda c: {k: v for k, v in c.items() if k != "updated_at"}
assert {k: strip(v) for k, v in a["cards"].items()} == {k: strip(v) for k, v in b["cards"].items()}
for k in a["dashboards"]:
    x, y = a["dashboards"][k], b["dashboards"][k]
    lay = lambda d: sorted((c["card_id"], c["row"], c["col"], c["size_x"], c["size_y"], json.dumps(c["parameter_mappings"])) for c in d["dashcards"])
    assert lay(x) == lay(y), k
assert len(a["dashboards"]) == len(b["dashboards"]) and len(a["collections"]) == len(b["collections"])
PY

# --- errors
start --version v0.46.1
if prov --metabase-api-key "$KEY"; then fail "an old Metabase is refused"; else ok "an old Metabase is refused"; fi
check "the error names the version and the minimum" grep -q 'v0.46.1 .*is not supported: aiusage needs 0.47 or later' "$T/err"
start --version v0.48.2
if prov --metabase-api-key "$KEY"; then fail "an API key on 0.48 is refused"; else ok "an API key on 0.48 is refused"; fi
check "the error says to use a user and password" grep -q 'has no API keys' "$T/err"
check "0.48 with user and password works" prov --metabase-user admin@example.com --metabase-password "$PW"
start --non-admin
if prov --metabase-user admin@example.com --metabase-password "$PW"; then fail "a non-admin is refused"; else ok "a non-admin is refused"; fi
check "the error says admin rights are needed" grep -q 'is not an administrator' "$T/err"
check "a non-admin run writes nothing" test "$(writes)" = 0
start
if prov --metabase-user admin@example.com --metabase-password "wrong-$PW"; then fail "a wrong password fails"; else ok "a wrong password fails"; fi
check "the error names the login" grep -q 'Metabase login as admin@example.com failed' "$T/err"
if prov --metabase-api-key "mb_wrong$KEY"; then fail "a wrong API key fails"; else ok "a wrong API key fails"; fi
check "the error says the credentials were rejected" grep -q 'Metabase rejected the credentials (HTTP 401) for GET /api/user/current' "$T/err"
if aiu metabase provision --db "$DB" > "$T/out" 2> "$T/err"; then fail "no --metabase-url fails"; else ok "no --metabase-url fails"; fi
check "missing URL is named" grep -q -- '--metabase-url is required' "$T/err"
check "METABASE_API_KEY from the environment works" env METABASE_API_KEY="$KEY" "$AIU_BIN" metabase provision --db "$(db "$DB")" --metabase-url "$URL" > "$T/out"
cat "$T/out" >> "$ALL"

# --- secrets
check "outputs were captured" test -s "$ALL"
check "the password never appears in any output" bash -c '! grep -qF -- "$1" "$2"' _ "$PW" "$ALL"
check "the API key never appears in any output" bash -c '! grep -qF -- "$1" "$2"' _ "$KEY" "$ALL"
if [ "$AIU_TEST_BACKEND" = pg ]; then
  PGPW=$(python3 -c "import sys,urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).password or '')" "$(db "$DB")")
  if [ -n "$PGPW" ]; then check "the database password never appears" bash -c '! grep -qF -- "$1" "$2"' _ "$PGPW" "$ALL"; fi
fi
finish
