#!/usr/bin/env bash
# Cursor spend is a running total for the billing cycle: consecutive
# snapshots (one per day; AIUSAGE_TODAY pins the day) become labelled
# per-day deltas; a same-day re-pull replaces its snapshot; a cycle reset
# starts again from zero (never negative spend). Also identity: Cursor
# members and claude.ai actors meet in one person per case-folded email.
source "$(dirname "$0")/lib.sh"
KEY="key_$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
FAKE="$AIU_SRC/tests/fake/fake_cursor.py"
NOW_MS=$(( $(date +%s) * 1000 - 300000 ))
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; cleanup' EXIT
start_fake() { # start_fake NAME [args...]: sets PORT
  local name=$1; shift
  python3 "$FAKE" --key "$KEY" --dump "$T/$name.json" --rate-window 3 --idle 60 --now-ms "$NOW_MS" "$@" > "$T/$name.port" &
  PIDS+=($!)
  for _ in $(seq 300); do [ -s "$T/$name.port" ] && break; sleep 0.1; done
  read -r PORT _ < "$T/$name.port"
}
DB=$(db "$T/a.db")   # SQLite path or PostgreSQL URL
pull_on() { # pull_on DAY PORT
  AIUSAGE_TODAY="$1" CURSOR_API_KEY="$KEY" CURSOR_BASE_URL="http://127.0.0.1:$2" \
    aiu pull cursor --db "$DB" --backfill-days 2 > "$T/out.txt" 2>&1
}
deltas() { python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
for r in c.execute("select label, count(*), sum(cents), min(to_day - from_day) from cursor_spend_daily group by label order by label"):
    print(*r)
PY
}
D0=$(date -u +%F)
D1=$(date -u -d '+1 day' +%F)
D4=$(date -u -d '+4 days' +%F)
D5=$(date -u -d '+5 days' +%F)

start_fake base
check "day 0 pull" pull_on "$D0" "$PORT"
TOTAL0=$(python3 -c "import json; print(sum(json.load(open('$T/base.json'))['spend'].values()))")
check "first snapshot: whole cycle to date, one row per person" [ "$(deltas)" = "cycle_to_date 6 $TOTAL0 10" ]

start_fake bump --spend-bump 250
check "day 1 pull" pull_on "$D1" "$PORT"
check "next day: a daily delta of 250 cents per person" [ "$(deltas | grep daily)" = "daily 6 1500 0" ]
check "same-day re-pull succeeds" pull_on "$D1" "$PORT"
check "same-day re-pull adds no delta" [ "$(deltas | grep -c .)" = 2 ] 
check "same-day re-pull keeps the sum" [ "$(deltas | grep daily)" = "daily 6 1500 0" ]

start_fake later --spend-bump 900
check "day 4 pull" pull_on "$D4" "$PORT"
check "a three-day gap is one multi_day delta of 650 per person" [ "$(deltas | grep multi_day)" = "multi_day 6 3900 2" ]

start_fake credit --spend-bump 800
check "day 5 pull (a credit)" pull_on "$D5" "$PORT"
check "a lower total within the cycle is an adjustment" [ "$(deltas | grep adjustment)" = "adjustment 6 -600 0" ]

start_fake reset --cycle-days-ago 0 --spend-bump 40
check "pull after a cycle reset" pull_on "$D5" "$PORT"
check "a new cycle starts from zero: no negative spend from the reset" python3 - "$DB" "$T/reset.json" <<'PY'
import json, storeq, sys
c = storeq.connect(sys.argv[1]); d = json.load(open(sys.argv[2]))
rows = c.execute("select cents, label from cursor_spend_daily where cycle_start = ?", (d["cycle"],)).fetchall()
assert len(rows) == 6 and all(l == "cycle_to_date" and cents >= 40 for cents, l in rows), rows
assert sum(r[0] for r in rows) == sum(d["spend"].values())
assert c.execute("select count(*) from cursor_spend_daily where cents < 0 and label != 'adjustment'").fetchone()[0] == 0
PY
check "spend deltas sum to the latest total of each cycle" python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
for cyc, email, s in c.execute("select cycle_start, email, sum(cents) from cursor_spend_daily group by 1, 2"):
    last = c.execute("select spend_cents from cursor_spend_snapshots where cycle_start=? and email=? order by day desc limit 1", (cyc, email)).fetchone()[0]
    assert s == last, (cyc, email, s, last)
PY

# identity: one person per case-folded email across Cursor and claude.ai
python3 - "$T/cai.csv" <<'PY'
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["created_at", "event", "actor_info"])
w.writerow(["2025-10-01T10:00:00Z", "conversation_created", "{'name': 'Ana', 'metadata': {'email_address': 'ANA@corp.EXAMPLE'}}"])
w.writerow(["2025-10-01T11:00:00Z", "conversation_created", "{'name': 'Zoe', 'metadata': {'email_address': 'Zoe@Corp.Example'}}"])
PY
check "claude.ai import into the same store" aiu import claude-ai "$T/cai.csv" --db "$DB"
check "mixed-case emails from both sources are one person each" python3 - "$DB" <<'PY'
import storeq, sys
c = storeq.connect(sys.argv[1])
people = dict(c.execute("select email, source from org_people"))
assert len(people) == 7, people               # 6 Cursor members + Zoe; Ana is the same person
assert all(e == e.lower() for e in people), people
assert "ana@corp.example" in people and "zoe@corp.example" in people
PY
finish
