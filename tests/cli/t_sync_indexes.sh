#!/usr/bin/env bash
# A first sync into an empty SQLite store builds the usage/messages indexes
# once at its end instead of on every insert (store_sqlite.c bulk mode).
# They exist once a sync has completed, and a store that lost them (a first
# sync killed half-way) gets them back from the next sync or retention
# prune, with the same figures.
# aiu-test: sqlite-only (PostgreSQL keeps its indexes during a first sync)
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$T/a.db"
IDX="'usage_session_ts', 'messages_session_ts'"
nidx() { sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ($IDX)"; }
totals() { aiu daily --db "$DB" --no-sync --json --tz UTC | python3 -c "import json,sys; t=json.load(sys.stdin)['totals']; print(t['requests'], t['totalCost'])"; }

aiu sync --db "$DB" --claude-dir "$CC_CORPUS" --quiet
check "a first sync leaves both indexes" [ "$(nidx)" = 2 ]
check "and not the time indexes migration 7 dropped" [ "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name IN ('usage_ts', 'messages_ts')")" = 0 ]
check "and WAL mode restored" [ "$(sqlite3 "$DB" 'PRAGMA journal_mode')" = wal ]
REF=$(totals)
plan=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT * FROM usage WHERE session_id = 1 ORDER BY ts")
check "a session's rows are read through an index ($plan)" grep -q "usage_session_ts" <<< "$plan"

# as a killed first sync leaves it
sqlite3 "$DB" "DROP INDEX usage_session_ts; DROP INDEX messages_session_ts"
check "both indexes gone" [ "$(nidx)" = 0 ]
check "figures are the same without them" [ "$(totals)" = "$REF" ]
aiu sync --db "$DB" --claude-dir "$CC_CORPUS" --quiet
check "the next sync (nothing new to read) restores them" [ "$(nidx)" = 2 ]
check "figures unchanged" [ "$(totals)" = "$REF" ]

# the prune reads through the session indexes (INDEXED BY): it restores them
# first; and it must not scan the whole usage table
# Two copies of the store, one without the indexes, prune the same days.
N=$(sqlite3 "$DB" "SELECT CAST(julianday('now') - julianday((min(ts) + max(ts)) / 2000, 'unixepoch') AS INTEGER) FROM usage")
cp "$DB" "$T/b.db"
sqlite3 "$T/b.db" "DROP INDEX usage_session_ts"
aiu retention "$N" --db "$DB" > "$T/ret_a.txt" 2>&1
aiu retention "$N" --db "$T/b.db" > "$T/ret_b.txt" 2>&1
check "retention $N days prunes part of the history" grep -Eq "pruned [1-9][0-9]* request" "$T/ret_a.txt"
check "the same on the store without the indexes" diff "$T/ret_a.txt" "$T/ret_b.txt"
DB="$T/b.db"
check "which has them again" [ "$(nidx)" = 2 ]
B=$(totals)
DB="$T/a.db"
check "and the same figures after the prune ($B)" [ "$(totals)" = "$B" ]
check "which are fewer than before" [ "$B" != "$REF" ]
plan=$(sqlite3 "$DB" "EXPLAIN QUERY PLAN DELETE FROM usage WHERE session_id IN (SELECT id FROM sessions WHERE first_ts < 1) AND ts < 1")
check "the prune's delete searches usage by session ($plan)" grep -q "SEARCH usage USING INDEX usage_session_ts" <<< "$plan"
finish
