#!/usr/bin/env bash
# aiu-test: sqlite-only (a browser test of the dashboard's Organisation
# pages; the org API's backends are tested by the org API's own tests)
#
# Browser tests of the Organisation pages (docs/ORG_API.md): a store filled
# by real pulls from the repo's fake vendor servers (tests/fake/), people
# and teams from a people.csv, then `aiusage serve` WITH a token (the CSV
# downloads must carry it) on a free loopback port, and
# tests/e2e/org.mjs drives Debian's chromium through playwright-core: every
# org page, figures equal to the API's, CSV downloads equal to the
# endpoints', two pages at phone size, the empty state on a store
# without org data, and every page on `aiusage demo --org` (served --demo). Screenshots go to $AIU_BUILD_DIR/e2e-screenshots/org-*.
source "$(dirname "$0")/lib.sh"
CHROMIUM=${AIU_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
  echo "not ok - $CHROMIUM missing: run scripts/deps.sh test (installs Debian's chromium)"; exit 1
fi
"$AIU_SRC/tests/e2e/setup.sh" # npm ci of playwright-core when missing or stale

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT

# ---- the store: real pulls from the fake Anthropic and Cursor APIs ----------
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-E2EORG-$RANDOM$RANDOM"
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY"
python3 "$FAKE" --key "$KEY" --idle 120 > "$T/port" &
PIDS+=("$!")
for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r FPORT _ < "$T/port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$FPORT"
DB="$T/org.db"
FROM=2026-03-01 TO=2026-04-12
check "pull anthropic $FROM..$TO from the fake server" "$AIU_BIN" pull anthropic --db "$DB" --since "$FROM" --until "$TO"
# Cursor: members, daily usage, usage events, AI code tracking (fake_cursor.py)
CKEY="key_e2eorg$RANDOM$RANDOM"
NOW_MS=$(python3 -c "import datetime; print(int(datetime.datetime(2026,4,12,12,tzinfo=datetime.timezone.utc).timestamp()*1000))")
python3 "$AIU_SRC/tests/fake/fake_cursor.py" --key "$CKEY" --idle 120 --days 60 --now-ms "$NOW_MS" --rate-window 1 > "$T/c.port" &
PIDS+=("$!")
for _ in $(seq 300); do [ -s "$T/c.port" ] && break; sleep 0.1; done
read -r CPORT _ < "$T/c.port"
AIUSAGE_TODAY=$TO CURSOR_API_KEY="$CKEY" CURSOR_BASE_URL="http://127.0.0.1:$CPORT" \
  "$AIU_BIN" pull cursor --db "$DB" --since "$FROM" --until "$TO" > "$T/cursor.txt" 2>&1 && rc=0 || rc=$?
check "pull cursor $FROM..$TO from the fake server (exit $rc)" [ "$rc" = 0 ]
# claude.ai: an audit-log CSV export (Python-literal dict columns)
python3 - "$T/cai.csv" <<'PY'
import csv, sys
w = csv.writer(open(sys.argv[1], "w", newline=""))
w.writerow(["created_at", "actor_info", "event", "event_info", "entity_info", "ip_address",
            "device_id", "user_agent", "client_platform"])
people = [("Ana O'Neil", "Ana.Lopez@Corp.Example"), ("Zed", "zed@corp.example"), ("Yan", "YAN@corp.example")]
for i in range(60):
    name, email = people[i % 3]
    day = 1 + (i * 7) % 28
    actor = "{'name': %r, 'uuid': 'u-%d', 'metadata': {'email_address': '%s'}}" % (name, i % 3, email)
    w.writerow(["2026-03-%02dT10:%02d:00Z" % (day, i % 60), actor, "conversation_created", "{}",
                "{'type': 'chat_conversation', 'uuid': 'c-%d'}" % i, "10.0.0.1", "d", "None", "web"])
PY
rc=0; "$AIU_BIN" import claude-ai "$T/cai.csv" --db "$DB" > "$T/cai.txt" 2>&1 || rc=$?
check "claude.ai export imported (exit $rc)" [ "$rc" = 0 ]
# seat prices (cents per seat per month), read by `serve` too
mkdir -p "$XDG_CONFIG_HOME/aiusage"
printf '[seats]\ncursor = 4000\nclaude_ai = 3000\n[budget]\nmonthly = 50000\n' > "$XDG_CONFIG_HOME/aiusage/config.ini"
# people.csv: teams (two in Platform, one name with a comma), mixed-case
# emails merged with the fixture's users, API keys mapped by name
cat > "$T/people.csv" <<'CSV'
email,name,team,key names
Dee@Corp.Example,"Dee, the CI owner",Platform,dee-laptop;ci-pipeline
ANA.LOPEZ@CORP.EXAMPLE,,Core,
cy@corp.example,Cy Park,Platform,cy-agent
CSV
rc=0; "$AIU_BIN" org --db "$DB" --people "$T/people.csv" --since "$FROM" --until "$TO" > "$T/org.txt" || rc=$?
check "people.csv imported (exit $rc)" [ "$rc" = 0 ]
check "people.csv: 3 people, 0 bad rows" grep -q "^people: 3 people and 3 key names from .*(0 bad rows)" "$T/org.txt"
unset ANTHROPIC_ADMIN_KEY ANTHROPIC_BASE_URL

# ---- servers -------------------------------------------------------------
start_server() {
  local var=$1 log=$2 pid i url
  shift 2
  "$AIU_BIN" serve --listen 127.0.0.1:0 "$@" > "$log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for i in $(seq 1 300); do
    if url=$(grep -oE 'serving http://127\.0\.0\.1:[0-9]+/' "$log" 2>/dev/null | head -1); then
      printf -v "$var" '%s' "${url#serving }"; return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start:" >&2; cat "$log" >&2; return 1
}
mkdir -p "$T/claude/projects"
TOKEN=e2e-org-$RANDOM-$RANDOM-secret
export AIUSAGE_TOKEN=$TOKEN # in the environment, not on the command line
URL=""
start_server URL "$T/serve.log" --db "$DB" --claude-dir "$T/claude" --no-watch --sync-interval 0
unset AIUSAGE_TOKEN
EMPTY_URL=""
start_server EMPTY_URL "$T/serve-empty.log" --db "$T/empty.db" --claude-dir "$T/claude" --no-watch --sync-interval 0
# the newcomer's path: `aiusage demo --org`, then `aiusage serve --demo`
"$AIU_BIN" demo --org > "$T/demo.txt" 2>&1 && rc=0 || rc=$?
check "demo --org (exit $rc)" [ "$rc" = 0 ]
DEMO_URL=""
start_server DEMO_URL "$T/serve-demo.log" --demo --no-watch --sync-interval 0
check "the demo server prints its URL" [ -n "$DEMO_URL" ]
check "the org server prints its URL" [ -n "$URL" ]
check "the empty server prints its URL" [ -n "$EMPTY_URL" ]
code=$(curl -s -o /dev/null -w '%{http_code}' "${URL}api/org/overview")
check "the org API wants the token (got HTTP $code)" [ "$code" = 401 ]

SHOTS="${AIU_BUILD_DIR:-$T}/e2e-screenshots"
mkdir -p "$SHOTS"
if AIU_URL=$URL AIU_TOKEN=$TOKEN AIU_EMPTY_URL=$EMPTY_URL AIU_DEMO_URL=$DEMO_URL AIU_SHOTS=$SHOTS \
   AIU_FROM=$FROM AIU_TO=$TO AIU_DL="$T/downloads" AIU_CHROMIUM=$CHROMIUM \
   node "$AIU_SRC/tests/e2e/org.mjs"; then
  ok "org browser tests (screenshots in $SHOTS/org-*)"
else
  fail "org browser tests (screenshots in $SHOTS/org-*; server log follows)"
  tail -50 "$T/serve.log"
fi
check "the token is never logged" bash -c "! grep -q '$TOKEN' '$T/serve.log'"
check "the admin keys are never logged" bash -c "! grep -q -e '$KEY' -e '$CKEY' '$T/serve.log' '$T/serve-empty.log'"
for p in "${PIDS[@]:2}"; do # the servers (0 and 1 are the fakes)
  kill -TERM "$p"
  if wait "$p"; then ok "server $p exits 0 on SIGTERM"; else fail "server $p exit status $? on SIGTERM"; fi
done
for p in "${PIDS[@]:0:2}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
PIDS=()
finish
