#!/usr/bin/env bash
# Options, filters, formats and error messages of the command line.
source "$(dirname "$0")/lib.sh"
need_corpus
DB="$T/a.db"
aiu sync --db "$DB" --claude-dir "$CC_CORPUS" --quiet
r() { aiu "$@" --db "$DB" --no-sync; }
check "--help lists commands" sh -c "'$AIU_BIN' --help | grep -q blocks"
check "--version" sh -c "'$AIU_BIN' --version | grep -q '^aiusage '"
check "unknown option fails with a message" sh -c "! '$AIU_BIN' daily --bogus 2> '$T/e' && grep -q \"unknown option '--bogus'\" '$T/e'"
check "bad date names the option" sh -c "! '$AIU_BIN' daily --since 2025-13-01 2> '$T/e' && grep -q -- '--since' '$T/e'"
check "bad zone is reported" sh -c "! '$AIU_BIN' daily --db '$(db "$DB")' --no-sync --tz Mars/Base 2> '$T/e' && grep -q 'Mars/Base' '$T/e'"
check "--json and --csv conflict" sh -c "! '$AIU_BIN' daily --json --csv 2>/dev/null"
check "unknown command" sh -c "! '$AIU_BIN' frobnicate 2>/dev/null"
r daily --json --tz UTC --since 20250901 --until 2025-09-30 > "$T/sep.json"
check "--since/--until filter days inclusively" [ "$(jget "$T/sep.json" "sorted({x['date'][:7] for x in d['daily']})")" = "['2025-09']" ]
r daily --json --tz UTC --order desc > "$T/desc.json"
check "--order desc" [ "$(jget "$T/desc.json" "[x['date'] for x in d['daily']] == sorted([x['date'] for x in d['daily']], reverse=True)")" = True ]
r daily --json --tz UTC --project JSSoundRecorder > "$T/p1.json"
r daily --json --tz UTC --project /Users/dain/workspace/JSSoundRecorder > "$T/p2.json"
r daily --json --tz UTC --project -Users-dain-workspace-JSSoundRecorder > "$T/p3.json"
check "--project by basename" [ "$(jget "$T/p1.json" "d['totals']['requests'] > 0")" = True ]
check "--project by path and by encoded name agree" [ "$(jget "$T/p2.json" "d['totals']['totalCost']")" = "$(jget "$T/p3.json" "d['totals']['totalCost']")" ]
check "--project filters" [ "$(jget "$T/p2.json" "d['totals']['requests'] < 931")" = True ]
r daily --json --project no-such-project > "$T/none.json"
check "unknown project gives an empty report" [ "$(jget "$T/none.json" "len(d['daily'])")" = 0 ]
r daily --breakdown --tz UTC > "$T/bd.txt"
check "--breakdown shows model rows" grep -q -- "- sonnet-4" "$T/bd.txt"
COLUMNS=60 r daily --tz UTC > "$T/narrow.txt"
check "tables fit a narrow terminal" [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$T/narrow.txt")" -le 200 ]
check "no colour escapes when not a TTY" sh -c "! grep -q $'\033' '$T/narrow.txt'"
r weekly --json --tz UTC --start-of-week monday > "$T/w.json"
check "weeks start on monday" [ "$(jget "$T/w.json" "all(__import__('datetime').date.fromisoformat(x['week']).weekday() == 0 for x in d['weekly'])")" = True ]
r monthly --csv --tz UTC > "$T/m.csv"
check "monthly csv header" grep -q "^Month,Models,Input,Output" "$T/m.csv"
r session --json > "$T/s.json"
check "session rows have project paths and durations" [ "$(jget "$T/s.json" "all('projectPath' in s and s['durationSeconds'] >= 0 for s in d['sessions'])")" = True ]
r models --json > "$T/models.json"
check "models report lists 8 models" [ "$(jget "$T/models.json" "len(d['models'])")" = 8 ]
r projects --json > "$T/proj.json"
check "projects report counts sessions" [ "$(jget "$T/proj.json" "sum(p['sessions'] for p in d['projects']) > 0")" = True ]
# --pricing overrides a model; unknown models are listed, never a silent $0
cat > "$T/p.json" <<'JSON'
{"format": 1, "models": [{"model": "claude-sonnet-4-5", "input": "0", "output": "0", "cache_write_5m": "0",
  "cache_write_1h": "0", "cache_read": "0", "source": "https://example.invalid/test", "as_of": "2026-01-01"}]}
JSON
r models --json --pricing "$T/p.json" > "$T/free.json"
check "--pricing overrides a model" [ "$(jget "$T/free.json" "[m['totalCost'] for m in d['models'] if m['model'].startswith('claude-sonnet-4-5')][0]")" = 0 ]
mkdir -p "$T/u/projects/p"
echo '{"type":"assistant","sessionId":"s","timestamp":"2026-03-01T00:00:00Z","requestId":"r","message":{"id":"m","model":"claude-mystery-9","usage":{"input_tokens":5,"output_tokens":5}}}' > "$T/u/projects/p/s.jsonl"
aiu daily --db "$T/u.db" --claude-dir "$T/u" --json > "$T/u.json" 2> "$T/u.err"
check "unknown model listed in unpricedModels" [ "$(jget "$T/u.json" "d['unpricedModels']")" = "['claude-mystery-9']" ]
check "unknown model warned about" grep -q "claude-mystery-9" "$T/u.err"
aiu daily --db "$T/u.db" --no-sync > "$T/u.txt"
check "table marks unpriced cost" grep -q "no price for model 'claude-mystery-9'" "$T/u.txt"
check "AIUSAGE_DB selects the database" sh -c "AIUSAGE_DB='$(db "$DB")' '$AIU_BIN' daily --no-sync --json | grep -q '\"requests\": 931'"
# A streamed response (one line per content block, repeated ids and usage)
# and a resumed copy of it in another file: one request, its final usage,
# each tool call once, and the session spans all of its lines.
mkdir -p "$T/st/projects/p"
L='"type":"assistant","sessionId":"s1","cwd":"/w","requestId":"r1","message":{"id":"m1","model":"claude-sonnet-4-5-20250929"'
{
  echo "{$L,\"content\":[{\"type\":\"thinking\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}},\"timestamp\":\"2026-02-01T10:00:00.100Z\"}"
  echo "{$L,\"content\":[{\"type\":\"text\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":9}},\"timestamp\":\"2026-02-01T10:00:00.200Z\"}"
  echo "{$L,\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"Read\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":9}},\"timestamp\":\"2026-02-01T10:00:00.300Z\"}"
} > "$T/st/projects/p/s1.jsonl"
cp "$T/st/projects/p/s1.jsonl" "$T/st/projects/p/s2-resumed.jsonl"
aiu daily --db "$T/st.db" --claude-dir "$T/st" --json --tz UTC > "$T/st.json"
check "streamed lines are one request" [ "$(jget "$T/st.json" "(d['totals']['requests'], d['totals']['outputTokens'])")" = "(1, 9)" ]
aiu tools --db "$T/st.db" --no-sync --json > "$T/stt.json"
check "a streamed and resumed tool call counts once" [ "$(jget "$T/stt.json" "[(t['tool'], t['count']) for t in d['tools']]")" = "[('Read', 1)]" ]
aiu session --db "$T/st.db" --no-sync --json > "$T/sts.json"
check "the session spans all streamed lines" [ "$(jget "$T/sts.json" "(d['sessions'][0]['firstActivity'], d['sessions'][0]['lastActivity'])")" = "('2026-02-01T10:00:00.100Z', '2026-02-01T10:00:00.300Z')" ]
CLAUDE_CONFIG_DIR="/nonexistent,$CC_CORPUS" aiu sync --db "$T/env.db" > "$T/env.txt"
check "CLAUDE_CONFIG_DIR comma list" grep -q "from 1 dir" "$T/env.txt"
finish
