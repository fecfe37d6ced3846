#!/usr/bin/env bash
# `aiusage serve` on a store built from the corpus: every endpoint answers as
# docs/API.md and data/openapi.json say, the figures equal the terminal
# reports, every error case has its code, ETag/304 works, and a sync made by
# another process is visible at once (the cache never serves stale data).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/serve_lib.sh"
need_corpus
python3 -c 'import jsonschema' 2>/dev/null || { echo "not ok - python3-jsonschema missing (scripts/deps.sh test)"; exit 1; }
DB="$T/a.db"
DBU=$(db "$DB")   # the store the API checker's own reports read
export API_CHECK_STATE="$T/etag.json"
# Hold one project back so a later sync changes the data while serving.
mkdir -p "$T/cc/projects" "$T/later"
cp -r "$CC_CORPUS/projects/." "$T/cc/projects/"
held=$(ls "$T/cc/projects" | sort | tail -n 1)
mv "$T/cc/projects/$held" "$T/later/"
aiu sync --db "$DB" --claude-dir "$T/cc" -q
check "serve starts on a free port and prints its URL" start_server --db "$DB" --claude-dir "$T/cc" --listen 127.0.0.1:0 --tz UTC
check "the URL line is exactly one line" [ "$(wc -l < "$T/serve.out")" = 1 ]
if python3 "$AIU_SRC/tests/cli/api_check.py" contract "$SRV_URL" "$AIU_BIN" "$DBU" "$AIU_SRC/data/openapi.json" > "$T/c.txt"; then
  ok "contract: $(grep -c '^ok' "$T/c.txt") checks"
else
  grep '^not ok' "$T/c.txt"; fail "contract checks"
fi
check "before the sync" python3 "$AIU_SRC/tests/cli/api_check.py" refresh "$SRV_URL" "$AIU_BIN" "$DBU" "$AIU_SRC/data/openapi.json" before
mv "$T/later/$held" "$T/cc/projects/"
aiu sync --db "$DB" --claude-dir "$T/cc" -q
python3 "$AIU_SRC/tests/cli/api_check.py" refresh "$SRV_URL" "$AIU_BIN" "$DBU" "$AIU_SRC/data/openapi.json" after > "$T/r.txt" \
  && ok "after a sync by another process the API shows the new data" || { cat "$T/r.txt"; fail "refresh after sync"; }
check "nothing on stderr without --verbose" [ ! -s "$T/serve.err" ]
check "SIGTERM stops the server cleanly (exit 0)" stop_server
finish
