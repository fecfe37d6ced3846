#!/usr/bin/env bash
# Bounded memory at scale (docs/SCALING.md): a sync's peak RSS must not
# grow with the number of rows, sessions or files, an incremental sync of a
# large batch into a non-empty store must give exactly the store a single
# first sync gives, and the session report streams (flat RSS, same rows).
#   - 100,000 and then 200,000 generated requests (bench/gen_scale.py:
#     ~5,400 and ~10,800 session files, streamed and resumed duplicates)
#     synced into fresh stores: exact row counts, every rollup equal to its
#     raw rows, the capped caches were really emptied (AIUSAGE_DEBUG), and
#     doubling the input adds less than 16 MiB of peak RSS (measured: +1
#     MiB; before the bounded caches 74 -> 106 MiB, and a 1M-row slice
#     peaked at 303 MiB);
#   - the same 200,000 as a first sync of 100,000 plus an incremental sync
#     of the next 100,000 (the caches emptied mid-run against a store that
#     already holds rows): identical figures, in WAL mode afterwards;
#   - `session --json` (streamed) against the store's own rows, in order
#     and with the totals; its peak RSS grows < 5 MiB when the sessions
#     double (the in-memory report grew 9 MiB from 5k to 10k sessions:
#     its rows and the whole JSON in one buffer).
# RSS checks are skipped under ASan (its shadow memory is not ours).
# aiu-test: sqlite-only
source "$(dirname "$0")/lib.sh"
GEN="$AIU_SRC/bench/gen_scale.py"
D="$T/claude"
rss() { tail -n 1 "$1"; }   # GNU time %M (KiB)

python3 "$GEN" "$D" 200000 0 2 > "$T/g0.txt"
R0=$(awk '{print $2}' "$T/g0.txt")
rc=0
AIUSAGE_DEBUG=1 /usr/bin/time -f '%M' -o "$T/t1" "$AIU_BIN" sync --db "$T/a.db" --claude-dir "$D" > "$T/s1.out" 2> "$T/s1.err" || rc=$?
check "first sync of slice 0 works" [ "$rc" -eq 0 ]
rc=0
/usr/bin/time -f '%M' -o "$T/t5" "$AIU_BIN" session --json --no-sync --tz UTC --db "$T/a.db" > /dev/null || rc=$?
check "session --json on half the sessions works" [ "$rc" -eq 0 ]
python3 "$GEN" "$D" 200000 1 2 > "$T/g1.txt"
R1=$(awk '{print $2}' "$T/g1.txt")
# one first sync of both slices
rc=0
AIUSAGE_DEBUG=1 /usr/bin/time -f '%M' -o "$T/t2" "$AIU_BIN" sync --db "$T/b.db" --claude-dir "$D" > "$T/s2.out" 2> "$T/s2.err" || rc=$?
check "first sync of both slices works" [ "$rc" -eq 0 ]
# incremental: the second slice into the store holding the first
rc=0
AIUSAGE_DEBUG=1 "$AIU_BIN" sync --db "$T/a.db" --claude-dir "$D" > "$T/s3.out" 2> "$T/s3.err" || rc=$?
check "incremental sync of slice 1 works" [ "$rc" -eq 0 ]

check "slice 0 generated ~100k requests" [ "$R0" -gt 90000 ]
check "first sync holds exactly the generated requests" \
  [ "$(sqlite3 "$T/b.db" 'SELECT count(*) FROM usage')" -eq $((R0 + R1)) ]
check "incremental store holds exactly the generated requests" \
  [ "$(sqlite3 "$T/a.db" 'SELECT count(*) FROM usage')" -eq $((R0 + R1)) ]
for f in s1 s2; do
  check "$f: session cache was written out and emptied" grep -Eq 'caches emptied: sessions [1-9]' "$T/$f.err"
  check "$f: rollup deltas were written out in parts" grep -Eq 'rollups [1-9]' "$T/$f.err"
  check "$f: usage-key cache was emptied" grep -Eq 'usage keys [1-9]' "$T/$f.err"
done
check "the store is in WAL mode after the syncs" \
  [ "$(sqlite3 "$T/a.db" 'PRAGMA journal_mode')" = wal ]

# Every rollup equals its raw rows; prompts counted once per session.
cat > "$T/inv.py" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
q = lambda s: c.execute(s).fetchall()
bad = []
raw = q("SELECT count(*), sum(input), sum(output), sum(cw5m), sum(cw1h), sum(cache_read) FROM usage")
for t in ("rollup_usage", "rollup_session"):
    got = q(f"SELECT sum(n), sum(input), sum(output), sum(cw5m), sum(cw1h), sum(cache_read) FROM {t}")
    if got != raw:
        bad.append(f"{t} {got} != usage {raw}")
per = q("SELECT session_id, model_id, variant, count(*), sum(input), sum(output) FROM usage GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
rs = q("SELECT session_id, model_id, variant, n, input, output FROM rollup_session WHERE n <> 0 ORDER BY 1, 2, 3")
if per != rs:
    bad.append("rollup_session differs from usage per session")
tools = q("SELECT coalesce(sum(length(tools)), 0) / 8 FROM usage")[0][0]
if q("SELECT sum(n) FROM rollup_tools")[0][0] != tools:
    bad.append("rollup_tools != tool calls in usage")
if q("SELECT sum(user_msgs) FROM sessions") != q("SELECT count(*) FROM messages"):
    bad.append("sessions.user_msgs != messages")
print("\n".join(bad) if bad else "ok")
EOF
check "first-sync store: rollups equal raw rows" [ "$(python3 "$T/inv.py" "$T/b.db")" = ok ]
check "incremental store: rollups equal raw rows" [ "$(python3 "$T/inv.py" "$T/a.db")" = ok ]
same() {
  local s
  for s in "SELECT sum(key % 1000003), sum(input), sum(output), sum(ts % 1000003) FROM usage" \
           "SELECT count(*), sum(n), sum(input), sum(min_ts % 1000003), sum(max_ts % 1000003) FROM rollup_usage" \
           "SELECT count(*), sum(n) FROM rollup_tools" \
           "SELECT count(*), sum(user_msgs), sum(first_ts % 1000003), sum(last_ts % 1000003) FROM sessions" \
           "SELECT count(*), sum(key % 1000003) FROM messages"; do
    [ "$(sqlite3 "$T/a.db" "$s")" = "$(sqlite3 "$T/b.db" "$s")" ] || { echo "# differs: $s"; return 1; }
  done
}
check "incremental and first sync give the same store" same
"$AIU_BIN" sync --db "$T/b.db" --claude-dir "$D" > "$T/s4.out" 2>&1
check "a re-sync changes nothing" grep -q '0 requests (0 new, 0 updated)' "$T/s4.out"

# session --json, streamed: the store's sessions in (last activity, id)
# order with their rollup totals.
rc=0
/usr/bin/time -f '%M' -o "$T/t6" "$AIU_BIN" session --json --no-sync --tz UTC --db "$T/b.db" > "$T/sess.json" || rc=$?
check "session --json works" [ "$rc" -eq 0 ]
"$AIU_BIN" session --json --order desc --no-sync --tz UTC --db "$T/b.db" > "$T/sess_desc.json"
cat > "$T/sess.py" <<'EOF'
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
d = json.load(open(sys.argv[2]))
desc = json.load(open(sys.argv[3]))
want = c.execute("SELECT s.uuid, sum(r.n), sum(r.input), sum(r.output), sum(r.cw5m + r.cw1h),"
                 " sum(r.cache_read), s.user_msgs FROM sessions s JOIN rollup_session r"
                 " ON r.session_id = s.id AND r.n > 0 WHERE s.last_ts <> 0 GROUP BY s.id"
                 " HAVING sum(r.n) > 0 ORDER BY s.last_ts, s.uuid").fetchall()
got = [(x["sessionId"], x["requests"], x["inputTokens"], x["outputTokens"],
        x["cacheCreationTokens"], x["cacheReadTokens"], x["userMessages"]) for x in d["sessions"]]
bad = []
if got != [tuple(w) for w in want]:
    bad.append(f"rows differ ({len(got)} vs {len(want)})")
if [x["sessionId"] for x in desc["sessions"]] != [x[0] for x in reversed(got)]:
    bad.append("--order desc is not the reverse order")
if d["totals"]["requests"] != c.execute("SELECT count(*) FROM usage").fetchone()[0]:
    bad.append("totals.requests != usage rows")
if sum(x["requests"] for x in d["sessions"]) != d["totals"]["requests"]:
    bad.append("rows do not add up to the totals")
print("\n".join(bad) if bad else "ok")
EOF
check "streamed session --json matches the store, in order, with totals" \
  [ "$(python3 "$T/sess.py" "$T/b.db" "$T/sess.json" "$T/sess_desc.json")" = ok ]
NS=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sessions']))" "$T/sess.json")
"$AIU_BIN" session --no-sync --tz UTC --db "$T/b.db" > "$T/sess.txt"
check "session table: one line per session plus frame" [ "$(grep -Ec '^(\||│)' "$T/sess.txt")" -eq $((NS + 2)) ]
"$AIU_BIN" session --csv --no-sync --tz UTC --db "$T/b.db" > "$T/sess.csv"
check "session CSV: header plus one line per session" [ "$(wc -l < "$T/sess.csv")" -eq $((NS + 1)) ]

# (the binary says whether it is a sanitizer build: `make test-asan` sets
# AIU_UNDER_ASAN, a plain `ctest` in build-asan does not)
if [ "${AIU_UNDER_ASAN:-0}" != 1 ] && ! ldd "$AIU_BIN" | grep -q libasan; then
  echo "# sync peak RSS: $(rss "$T/t1") KiB for $R0 requests, $(rss "$T/t2") KiB for $((R0 + R1))"
  check "sync peak RSS grows < 16 MiB when the input doubles" [ $(( $(rss "$T/t2") - $(rss "$T/t1") )) -lt 16384 ]
  check "sync peak RSS of 200k requests < 128 MiB" [ "$(rss "$T/t2")" -lt 131072 ]
  echo "# session --json peak RSS: $(rss "$T/t5") KiB (half the sessions), $(rss "$T/t6") KiB ($NS sessions)"
  check "session --json peak RSS grows < 5 MiB when the sessions double" \
    [ $(( $(rss "$T/t6") - $(rss "$T/t5") )) -lt 5120 ]
fi
finish
