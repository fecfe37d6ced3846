#!/usr/bin/env bash
# Incremental sync: re-runs add nothing, appended lines are read alone,
# truncated or rewritten transcripts converge, partial lines wait,
# malformed lines are reported with file and line and the rest is kept.
source "$(dirname "$0")/lib.sh"
need_corpus
W="$T/claude/projects"
mkdir -p "$W"
cp -r "$CC_CORPUS/projects/." "$W/"
DB="$T/a.db"
totals() { aiu daily --db "$DB" --claude-dir "$T/claude" --json --tz UTC --quiet \
  | python3 -c "import json,sys; t=json.load(sys.stdin)['totals']; print(t['requests'], t['inputTokens'], t['outputTokens'], t['cacheCreationTokens'], t['cacheReadTokens'], t['totalCost'])"; }

aiu sync --db "$DB" --claude-dir "$T/claude" > /dev/null
REF=$(totals)
check "reference totals" [ "$REF" != "" ]
aiu sync --db "$DB" --claude-dir "$T/claude" > "$T/s2.txt"
check "second sync reads no new lines" grep -q ' 0 new lines, 0 requests' "$T/s2.txt"
check "second sync keeps totals" [ "$(totals)" = "$REF" ]

# Split a transcript: first half now, the rest appended later.
F="$W/-Users-dain-workspace-JSSoundRecorder/7acd37a8-2745-4b58-a8a9-46164b22ad9e.jsonl"
cp "$F" "$T/full.jsonl"
N=$(wc -l < "$T/full.jsonl")
DB2="$T/b.db"
head -n $((N/2)) "$T/full.jsonl" > "$F"
aiu sync --db "$DB2" --claude-dir "$T/claude" > /dev/null
tail -n +$((N/2+1)) "$T/full.jsonl" > "$T/rest.jsonl"
# a partial last line must wait for its newline
head -c 100 "$T/rest.jsonl" >> "$F"
aiu sync --db "$DB2" --claude-dir "$T/claude" > "$T/s3.txt"
check "a partial line is not read" grep -q ' 0 new lines' "$T/s3.txt"
tail -c +101 "$T/rest.jsonl" >> "$F"
aiu sync --db "$DB2" --claude-dir "$T/claude" > "$T/s4.txt"
check "appending reads only the new lines" grep -q " $((N - N/2)) new lines" "$T/s4.txt"
DB="$DB2"
check "split ingest equals one-shot ingest" [ "$(totals)" = "$REF" ]

# Truncate a transcript (Claude Code rewrote it) and then restore it.
head -n 10 "$T/full.jsonl" > "$F"
aiu sync --db "$DB" --claude-dir "$T/claude" > /dev/null
check "truncation keeps stored history" [ "$(totals)" = "$REF" ]
cp "$T/full.jsonl" "$F"
aiu sync --db "$DB" --claude-dir "$T/claude" > /dev/null
check "re-grown file converges" [ "$(totals)" = "$REF" ]
# Rewrite in place with a different head (same size class).
python3 - "$F" <<'PY'
import sys
p = sys.argv[1]; lines = open(p, "rb").read().split(b"\n")
open(p, "wb").write(b"\n".join([lines[1], lines[0]] + lines[2:]))
PY
aiu sync --db "$DB" --claude-dir "$T/claude" > /dev/null
check "rewritten file converges" [ "$(totals)" = "$REF" ]

# Transcripts deleted by Claude Code's cleanup: history stays.
rm -rf "$W/-Users-chip-dev-ai-music"
check "deleted transcripts keep their history" [ "$(totals)" = "$REF" ]

# Malformed lines: reported with file and line; everything else ingested.
B="$W/bad-project/11111111-2222-3333-4444-555555555555.jsonl"
mkdir -p "$(dirname "$B")"
cat > "$B" <<'JL'
{"type":"assistant","sessionId":"s-bad","timestamp":"2026-01-02T10:00:00.000Z","cwd":"/bad","requestId":"req_b1","message":{"id":"msg_b1","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":10,"output_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}
{"type":"assistant","sessionId":"s-bad","timestamp":"2026-01-02T10:01:00.000Z","cwd":"/bad","requestId":"req_b2","message":{"id":"msg_b2","model":"claude-sonnet-4-5-2025
{"type":"assistant"}{"type":"user"}
{"type":"assistant","sessionId":"s-bad","timestamp":"2026-01-02T10:02:00.000Z","cwd":"/bad","requestId":"req_b3","message":{"id":"msg_b3","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":99999999999999999999999,"output_tokens":1}}}
{"type":"assistant","sessionId":"s-bad","timestamp":"2026-01-02T10:03:00.000Z","cwd":"/bad","requestId":"req_b4","message":{"id":"msg_b4","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1,"output_tokens":2,"cache_creation_input_tokens":0,"cache_read_input_tokens":0}}}
JL
aiu sync --db "$DB" --claude-dir "$T/claude" > "$T/s5.txt"
check "summary counts 3 malformed lines" grep -q '3 malformed lines skipped' "$T/s5.txt"
aiu sync --db "$DB" --claude-dir "$T/claude" --errors > "$T/errs.txt"
check "--errors names file and line 2" grep -q "11111111-2222-3333-4444-555555555555.jsonl:2: " "$T/errs.txt"
check "--errors names line 3 (glued objects)" grep -q "555555555555.jsonl:3: " "$T/errs.txt"
check "--errors names the usage field of line 4" grep -q "555555555555.jsonl:4: .*input_tokens" "$T/errs.txt"
aiu daily --db "$DB" --claude-dir "$T/claude" --json --tz UTC --since 2026-01-02 --until 2026-01-02 --quiet > "$T/bad.json"
check "good lines around bad ones are kept" [ "$(jget "$T/bad.json" "d['totals']['requests']")" = 2 ]
finish
