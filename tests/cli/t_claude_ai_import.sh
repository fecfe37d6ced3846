#!/usr/bin/env bash
# `aiusage import claude-ai`: a CSV export with Python-literal dict columns
# (apostrophes in names, escapes, quotes/commas/newlines in cells), the ZIP
# the admin downloads and a JSON export; emails case-folded; re-importing an
# overlapping export adds nothing; a malformed row, literal or ZIP entry is
# named by file and line and the rest is imported.
source "$(dirname "$0")/lib.sh"
DB=$(db "$T/a.db")   # SQLite path or PostgreSQL URL
# gen OUT FIRST LAST [BROKEN]: rows FIRST..LAST of one synthetic export
gen() { python3 - "$@" <<'PY'
import csv, datetime, sys
out, first, last = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
broken = len(sys.argv) > 4
people = [("Ana O'Neil", "Ana.ONeil@Corp.Example"), ('Bob "B" Smith', "bob@corp.example"),
          ("Chen, Li", "CHEN@corp.example"), ("Dana\\Back", "dana@corp.example")]
w = csv.writer(open(out, "w", newline=""))
w.writerow(["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address",
            "device_id", "user_agent", "client_platform"])
for i in range(first, last + 1):
    name, email = people[i % 4]
    lit_name = repr(name) if i % 3 else "'" + name + "'"   # unescaped apostrophes too, as exported
    actor = "{'name': %s, 'uuid': 'user-%d', 'metadata': {'email_address': '%s'}}" % (lit_name, i % 4, email)
    ev = ["conversation_created", "file_uploaded", "project_created"][i % 3]
    info = "{'filename': 'notes, v%d.txt', 'size': %d, 'shared': %s, 'tags': ['a', \"b'c\"], 'ratio': 1.5, 'x': None}" % (i, i * 10, "True" if i % 2 else "False")
    entity = "{'type': 'chat_conversation', 'uuid': 'conv-%d', 'name': None, 'metadata': None}" % i
    ua = 'Mozilla/5.0 (X11; "quoted"), with comma\nand newline' if i % 5 == 0 else "None"
    ts = (datetime.datetime(2025, 10, 1) + datetime.timedelta(minutes=7 * i)).strftime("%Y-%m-%dT%H:%M:%S")
    w.writerow([ts + ".%06dZ" % (i % 1000000), actor, ev, info,
                entity, "10.0.0.%d" % (i % 250), "dev-%d" % (i % 7), ua, ["web", "desktop_app", "", "ios"][i % 4]])
    if i == first and broken:
        w.writerow(["2025-10-01T00:00:00Z", "{'name': 'Unclosed, 'uuid': ", "conversation_created", "{}", "{}", "", "", "", ""])
        w.writerow(["yesterday", "{}", "conversation_created", "{}", "{}", "", "", "", ""])
        w.writerow(["2025-10-01T00:00:00Z", "{}", "too few"])
        w.writerow(["2025-10-01T00:00:00Z", "{'a': __import__('os').system('true')}", "conversation_created", "{}", "{}", "", "", "", ""])
PY
}
rows() { python3 -c "import storeq,sys; print(storeq.connect(sys.argv[1]).execute('select count(*) from claude_ai_events').fetchone()[0])" "$DB"; }

gen "$T/a.csv" 1 120
check "import a CSV export" aiu import claude-ai "$T/a.csv" --db "$DB"
check "the summary counts rows, new and people" grep -q '120 rows, 120 new, 0 already stored, 0 bad, 4 people' <(aiu import claude-ai "$T/a.csv" --db "$T/x.db")
check "all 120 events stored" [ "$(rows)" = 120 ]
check "apostrophes, quotes and escapes in names survive" python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
names = {r[0] for r in c.execute("select distinct actor_name from claude_ai_events")}
assert names == {"Ana O'Neil", 'Bob "B" Smith', "Chen, Li", "Dana\\Back"}, names
PY
check "emails are case-folded (one person per email)" python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
assert {r[0] for r in c.execute("select distinct email from claude_ai_events")} == {"ana.oneil@corp.example", "bob@corp.example", "chen@corp.example", "dana@corp.example"}
PY
check "event_info is stored as JSON (True/None/floats converted, no evaluation)" python3 - "$DB" <<'PY'
import json, storeq, sys
c = storeq.connect(sys.argv[1])
info = json.loads(c.execute("select event_info from claude_ai_events where key like 'h:%' order by ts limit 1").fetchone()[0])
assert info["shared"] in (True, False) and info["x"] is None and info["tags"] == ["a", "b'c"] and info["ratio"] == "1.5", info
PY
check "a user agent with quotes, comma and newline survives" python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
assert c.execute("select count(*) from claude_ai_events where user_agent like ?",
                 ('%"quoted"), with comma\nand newline',)).fetchone()[0] == 24
PY

# overlapping export (rows 61..200) adds only 80 new rows
gen "$T/b.csv" 61 200
aiu import claude-ai "$T/b.csv" --db "$DB" > "$T/out.txt"
check "overlapping re-import reports what was already stored" grep -q '140 rows, 80 new, 60 already stored' "$T/out.txt"
check "overlapping re-import adds nothing twice" [ "$(rows)" = 200 ]
aiu import claude-ai "$T/a.csv" --db "$DB" > "$T/out.txt"
check "re-importing the same file adds nothing" grep -q '120 rows, 0 new, 120 already stored' "$T/out.txt"

# the ZIP the admin downloads, with a path-traversal entry and a bad entry
gen "$T/c.csv" 150 260 broken
python3 - "$T" <<'PY'
import sys, zipfile
t = sys.argv[1]
with zipfile.ZipFile(t + "/export.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.write(t + "/c.csv", "audit_logs/audit_log_export.csv")
    z.writestr("../../evil.csv", "created_at,event\n2025-10-01T00:00:00Z,conversation_created\n")
    z.writestr("/abs.csv", "created_at,event\n2025-10-01T00:00:00Z,conversation_created\n")
    z.writestr("readme.txt", "not data")
    z.writestr("other.csv", "a,b\n1,2\n")
PY
if aiu import claude-ai "$T/export.zip" --db "$DB" > "$T/out.txt" 2> "$T/err.txt"; then
  fail "bad rows make the exit status 1"; else ok "bad rows make the exit status 1"; fi
check "ZIP import keeps the good rows (150..260 -> 60 new)" grep -q '111 rows, 60 new, 51 already stored, ' "$T/out.txt"
check "store holds 260 events" [ "$(rows)" = 260 ]
# record 2 spans lines 2-3 (a newline inside a quoted cell), so lines run one ahead of records
check "broken literal named by file, line and field" grep -q "export.zip:audit_logs/audit_log_export.csv: line 4 (record 3): field actor_info: python literal: " "$T/err.txt"
check "bad timestamp named by line" grep -q "audit_log_export.csv: line 5 (record 4): field created_at" "$T/err.txt"
check "short row named by line" grep -q "audit_log_export.csv: line 6 (record 5): expected 9 fields, found 3" "$T/err.txt"
check "code in a literal is rejected, not run" grep -q "line 7 (record 6): field actor_info: python literal: unexpected character" "$T/err.txt"
check "path traversal entry rejected" grep -q "entry '../../evil.csv': unsafe path" "$T/err.txt"
check "absolute entry rejected" grep -q "entry '/abs.csv': unsafe path" "$T/err.txt"
check "a CSV that is not an audit export is named" grep -q "other.csv: line 1: header has no created_at and event columns" "$T/err.txt"

# a ZIP whose second entry is corrupt (deflate data damaged): named, the first kept
python3 - "$T/corrupt.zip" <<'PY'
import io, sys, zipfile
rows = "created_at,event,actor_info\n" + "".join(
    "2025-12-01T%02d:%02d:00Z,conversation_created,\"{'name': 'x%d', 'metadata': {'email_address': 'u%d@x.io'}}\"\n"
    % (i // 60 % 24, i % 60, i, i % 5) for i in range(2000))
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("good.csv", rows)
    z.writestr("bad.csv", rows.replace("x", "y"))
data = bytearray(b.getvalue())
info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("bad.csv")
mid = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
for k in range(mid, mid + 40):
    data[k] ^= 0x5A
open(sys.argv[1], "wb").write(data)
PY
if aiu import claude-ai "$T/corrupt.zip" --db "$T/z.db" > "$T/out.txt" 2> "$T/err.txt"; then
  fail "a corrupt entry makes the exit status 1"; else ok "a corrupt entry makes the exit status 1"; fi
check "the corrupt entry is named" grep -q "corrupt.zip:bad.csv: " "$T/err.txt"
check "the intact entry is imported" grep -q "2000 rows, 2000 new" "$T/out.txt"

# JSON export: array of objects, dicts as objects or literal strings, with ids
python3 - "$T/d.json" <<'PY'
import json, sys
items = [{"id": "activity_%d" % i, "created_at": "2025-11-0%dT10:00:00Z" % (1 + i % 9), "event": "conversation_created",
          "actor_info": {"name": "Eve", "metadata": {"email_address": "EVE@corp.example"}} if i % 2 else
                        "{'name': 'Eve', 'metadata': {'email_address': 'eve@CORP.example'}}",
          "event_info": "{'k': %d}" % i, "entity_info": {"type": "chat", "uuid": "c%d" % i}} for i in range(30)]
items.append({"id": "activity_bad", "created_at": "2025-11-01T10:00:00Z", "event": "x", "actor_info": "{'name': }"})
json.dump({"data": items}, open(sys.argv[1], "w"))
PY
aiu import claude-ai "$T/d.json" --db "$DB" > "$T/out.txt" 2> "$T/err.txt" || true
check "JSON export imported" grep -q '30 rows, 30 new, 0 already stored, 1 bad, 1 people' "$T/out.txt"
check "bad JSON item named" grep -q 'd.json: item 31: field actor_info' "$T/err.txt"
aiu import claude-ai "$T/d.json" --db "$DB" > "$T/out.txt" 2>/dev/null || true
check "JSON re-import adds nothing (event ids)" grep -q '30 rows, 0 new, 30 already stored' "$T/out.txt"

# an import killed mid-way (SIGKILL) and re-run converges to the one-shot result
gen "$T/big.csv" 1 40000
REFDB=$(db "$T/ref.db") KDB=$(db "$T/k.db")
aiu import claude-ai "$T/big.csv" --db "$REFDB" > /dev/null
# the store exists (schema migrated) before the import that gets killed, so
# the kill lands in the import and not in the first open (slow on a busy
# machine with PostgreSQL)
aiu daily --db "$KDB" --no-sync > /dev/null
"$AIU_BIN" import claude-ai "$T/big.csv" --db "$KDB" > /dev/null 2>&1 &
VICTIM=$!
# kill it once its first batch is committed (not after a fixed delay: on a
# busy machine the import may not have committed anything yet); the import
# commits every 1000 rows, so most of the 40000 are still to come. At most 60 s.
for _ in $(seq 1200); do
  n=$(dbq "$KDB" "select count(*) from claude_ai_events" 2>/dev/null || true)
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.05
done
if kill -9 "$VICTIM" 2>/dev/null; then ok "the import was killed mid-way"; else fail "the import was killed mid-way"; fi
wait "$VICTIM" 2>/dev/null || true
check "the kill left a partial import" python3 -c "
import storeq, sys
n = storeq.connect('$KDB').execute('select count(*) from claude_ai_events').fetchone()[0]
assert 0 < n < 40000, n"
check "re-run after SIGKILL succeeds" aiu import claude-ai "$T/big.csv" --db "$KDB"
check "killed + re-run import equals a one-shot import" python3 - "$REFDB" "$KDB" <<'PY'
import storeq, sys
q = "select count(*), count(distinct key), sum(ts), count(distinct email), min(email), max(email) from claude_ai_events"
a, b = (storeq.connect(p).execute(q).fetchone() for p in sys.argv[1:3])
assert a == b and a[0] == 40000, (a, b)
PY

# input that is no export at all
printf 'PK\003\004garbage' > "$T/bad.zip"
if aiu import claude-ai "$T/bad.zip" --db "$DB" 2> "$T/err.txt"; then fail "corrupt ZIP fails"; else ok "corrupt ZIP fails"; fi
check "corrupt ZIP is named" grep -q "bad.zip" "$T/err.txt"
if aiu import claude-ai "$T/missing.csv" --db "$DB" 2> "$T/err.txt"; then fail "missing file fails"; else ok "missing file fails"; fi
check "store unchanged by failures" [ "$(rows)" = 290 ]
finish
