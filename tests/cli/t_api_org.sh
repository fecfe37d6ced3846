#!/usr/bin/env bash
# /api/org/... contract (docs/ORG_API.md): a store filled by the real
# `aiusage pull anthropic` from the fake Admin API (tests/fake/) and a
# people.csv, served with a token; every endpoint's figures are checked to
# the cent against independent Python computations from the fake's fixture
# (tests/cli/org_check.py), every JSON answer against data/openapi.json, CSV
# variants, validation errors, 404 and 401.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-ORGAPI-$RANDOM$RANDOM"
TOKEN="tok-$RANDOM$RANDOM"
FPID=""
trap 'if [ -n "$SRV_PID" ]; then kill -TERM "$SRV_PID" 2>/dev/null || true; fi; [ -n "$FPID" ] && kill $FPID 2>/dev/null; cleanup' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY" AIUSAGE_TODAY=2026-04-10
DB=$(db "$T/org.db")   # SQLite path or PostgreSQL URL
python3 "$FAKE" --key "$KEY" --idle 120 --report-page-max 9 > "$T/port" &
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT FPID < "$T/port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT"

check "pull of Jan..Apr succeeds" "$AIU_BIN" pull anthropic --db "$DB" --since 2026-01-01 --until 2026-04-10
printf '%s\n' 'email,name,team,key names' \
  'ana.lopez@corp.example,,Core,' \
  'BOB@corp.example,"=HYPERLINK(""http://x"",""Bob, Jr"")",Core,' \
  'cy@corp.example,,Platform,' \
  'dee@corp.example,Dee,Platform,dee-laptop' > "$T/people.csv"
import_people() { "$AIU_BIN" org --db "$DB" --people "$T/people.csv" --json > /dev/null; }
check "people.csv imported" import_people
mkdir -p "$XDG_CONFIG_HOME/aiusage"
printf '[budget]\nmonthly = 500000\n' > "$XDG_CONFIG_HOME/aiusage/config.ini"
check "server starts" start_server --db "$DB" --listen 127.0.0.1:0 --no-watch --pull-interval off --token "$TOKEN"
if python3 "$AIU_SRC/tests/cli/org_check.py" "$SRV_URL" "$AIU_SRC/data/openapi.json" "$AIU_SRC/tests/fake" \
     2026-02-20 2026-04-10 2026-04-10 "$TOKEN" > "$T/c.txt" 2>&1; then rc=0; else rc=1; fi
sed 's/^/  /' "$T/c.txt"
check "every org endpoint check passes (window across a month boundary)" test $rc = 0
if python3 "$AIU_SRC/tests/cli/org_check.py" "$SRV_URL" "$AIU_SRC/data/openapi.json" "$AIU_SRC/tests/fake" \
     2026-01-01 2026-01-31 2026-04-10 "$TOKEN" > "$T/c2.txt" 2>&1; then rc=0; else rc=1; fi
grep '^not ok' "$T/c2.txt" | sed 's/^/  /' || true
check "every org endpoint check passes (January alone)" test $rc = 0
check "no request without the token gets data" bash -c "curl -s '${SRV_URL}api/org/people?dateFrom=2026-01-01' | grep -q UNAUTHORIZED"
check "the server stops cleanly" stop_server
check "the admin key never appears in the server's output" bash -c "! grep -q -- '$KEY' '$T/serve.out' '$T/serve.err'"
finish
