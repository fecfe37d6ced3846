# Shared helpers for the black-box CLI tests (sourced by t_*.sh).
# Each test gets a private temp dir and HOME, so nothing touches the user's data.
set -euo pipefail
AIU_BIN=${AIU_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/aiusage}
AIU_SRC=${AIU_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
AIU_CORPUS=${AIU_CORPUS:-$AIU_SRC/../shared/corpus}
CC_CORPUS="$AIU_CORPUS/claude-code"
T=$(mktemp -d)
# Backend under test. ctest registers every CLI test twice: cli_* on SQLite
# and pg_cli_* with AIU_TEST_BACKEND=pg and AIU_PG_STATE naming the test
# server (scripts/pg-test.sh, started by a ctest fixture). Tests name their
# stores as SQLite paths; `aiu --db PATH` and `$(db PATH)` turn each PATH
# into its own fresh PostgreSQL database, dropped when the test ends.
AIU_TEST_BACKEND=${AIU_TEST_BACKEND:-sqlite}
PGTEST="$AIU_SRC/scripts/pg-test.sh"
PSQL=${PSQL:-/usr/lib/postgresql/15/bin/psql}
cleanup() {
  local f guard=0
  sqlite_guard_ok || guard=1
  if [ -d "$T/.pgdb" ]; then
    for f in "$T"/.pgdb/*; do
      [ -f "$f" ] && "$PGTEST" dropdb "$AIU_PG_STATE" "aiu_t_$(basename "$f")" > /dev/null 2>&1 || true
    done
  fi
  rm -rf "$T"
  if [ "$guard" = 1 ]; then exit 1; fi   # else the script's own status stands
}
trap cleanup EXIT
export HOME="$T/home" XDG_DATA_HOME="$T/home/.local/share" XDG_CONFIG_HOME="$T/home/.config"
unset CLAUDE_CONFIG_DIR AIUSAGE_DB
mkdir -p "$HOME"
# db PATH: the store a test means by the SQLite file PATH: PATH itself, or on
# PostgreSQL the URL of a fresh database (the same one for the same PATH).
db() {
  case "$1" in postgres://*|postgresql://*) echo "$1"; return 0 ;; esac
  if [ "$AIU_TEST_BACKEND" != pg ]; then echo "$1"; return 0; fi
  local h
  h=$(printf '%s' "$1" | md5sum | cut -c1-16)   # $T is unique, so is the path
  mkdir -p "$T/.pgdb"
  if [ ! -s "$T/.pgdb/$h" ]; then
    "$PGTEST" createdb "$AIU_PG_STATE" "aiu_t_$h" > "$T/.pgdb/$h.tmp" || { echo "cannot create a test database" >&2; return 1; }
    mv "$T/.pgdb/$h.tmp" "$T/.pgdb/$h"
  fi
  cat "$T/.pgdb/$h"
}
# In pg mode the binary refuses every SQLite store (and notes its path in
# this marker): a test that passes a file path without db() fails loudly
# instead of testing SQLite twice. A test that wants SQLite on purpose runs
# the binary with `env -u AIU_TEST_REQUIRE_PG`.
SQLITE_MARKER="$T/.sqlite-opened"
sqlite_guard_ok() {
  if [ -s "$SQLITE_MARKER" ]; then
    echo "not ok - PostgreSQL run opened SQLite store(s) (route --db through db/aiu): $(sort -u "$SQLITE_MARKER" | tr '\n' ' ')"
    return 1
  fi
}
if [ "$AIU_TEST_BACKEND" = pg ]; then
  AIU_TEST_REQUIRE_PG="$SQLITE_MARKER"
  export AIU_TEST_REQUIRE_PG
  [ -f "${AIU_PG_STATE:-/nonexistent}/url" ] || { echo "not ok - no PostgreSQL test server (AIU_PG_STATE=${AIU_PG_STATE:-unset}; ctest starts one)"; exit 1; }
  # commands without --db use the default store: make that PostgreSQL too
  AIUSAGE_DB=$(db "$T/default.db")
  export AIUSAGE_DB
fi
# dbq STORE SQL: runs one query on a store (a SQLite path, or a PostgreSQL
# URL from db) and prints the rows as sqlite3 does (columns joined by |).
dbq() {
  case "$1" in
    postgres://*|postgresql://*) "$PSQL" "$1" -XAtq -F '|' -v ON_ERROR_STOP=1 -c "$2" ;;
    *) env -u AIU_TEST_REQUIRE_PG sqlite3 "$1" "$2" ;;
  esac
}
# default_store_exists: has the default store been created (its schema)?
default_store_exists() {
  if [ "$AIU_TEST_BACKEND" = pg ]; then
    [ "$("$PSQL" "$AIUSAGE_DB" -XAtc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" != 0 ]
  else
    [ -e "$XDG_DATA_HOME/aiusage/aiusage.db" ]
  fi
}
export NO_COLOR=1 TZ=UTC
# Python helpers of the tests (storeq: read a store on either backend)
export PYTHONPATH="$AIU_SRC/tests/cli${PYTHONPATH:+:$PYTHONPATH}" PSQL
PASS=0
FAIL=0

ok()   { PASS=$((PASS+1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL+1)); echo "not ok - $*"; }
check() { # check "description" command...
  local d=$1; shift
  if "$@"; then ok "$d"; else fail "$d"; fi
}
# db_args ARGS: sets the array AIU_ARGS to ARGS with every --db PATH mapped
# through db() (for callers that need $! to be the binary itself).
db_args() {
  local prev="" x
  AIU_ARGS=()
  for x in "$@"; do
    if [ "$prev" = --db ]; then x=$(db "$x"); fi
    case "$x" in --db=*) x="--db=$(db "${x#--db=}")" ;; esac
    AIU_ARGS+=("$x")
    prev=$x
  done
}
# aiu ARGS: the binary, with every --db PATH mapped through db().
aiu() {
  db_args "$@"
  "$AIU_BIN" "${AIU_ARGS[@]}"
}
need_corpus() {
  if [ ! -d "$CC_CORPUS/projects" ]; then echo "1..0 # SKIP no corpus at $CC_CORPUS"; exit 0; fi
}
# jget FILE EXPR: evaluate a Python expression on the parsed JSON `d`.
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
finish() {
  sqlite_guard_ok || FAIL=$((FAIL+1))
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
