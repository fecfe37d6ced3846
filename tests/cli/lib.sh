# Shared helpers for the black-box CLI tests (sourced by t_*.sh).
# Each test gets a private temp dir and HOME, so nothing touches the user's data.
set -euo pipefail
AIU_BIN=${AIU_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/aiusage}
AIU_SRC=${AIU_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
AIU_CORPUS=${AIU_CORPUS:-$AIU_SRC/../shared/corpus}
CC_CORPUS="$AIU_CORPUS/claude-code"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" XDG_DATA_HOME="$T/home/.local/share" XDG_CONFIG_HOME="$T/home/.config"
unset CLAUDE_CONFIG_DIR AIUSAGE_DB
mkdir -p "$HOME"
export NO_COLOR=1 TZ=UTC
PASS=0
FAIL=0

ok()   { PASS=$((PASS+1)); echo "ok - $*"; }
fail() { FAIL=$((FAIL+1)); echo "not ok - $*"; }
check() { # check "description" command...
  local d=$1; shift
  if "$@"; then ok "$d"; else fail "$d"; fi
}
aiu() { "$AIU_BIN" "$@"; }
need_corpus() {
  if [ ! -d "$CC_CORPUS/projects" ]; then echo "1..0 # SKIP no corpus at $CC_CORPUS"; exit 0; fi
}
# jget FILE EXPR: evaluate a Python expression on the parsed JSON `d`.
jget() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
finish() {
  echo "$PASS passed, $FAIL failed"
  [ "$FAIL" -eq 0 ]
}
