#!/usr/bin/env bash
# The local commands never load the network, PostgreSQL, HTTP-server or
# archive libraries (core/dynlib.h): those load on first use only, so a
# report starts in milliseconds with a small footprint. Checked with the
# dynamic loader's own trace (LD_DEBUG=libs).
# aiu-test: sqlite-only (it is about what a SQLite store does not load)
source "$(dirname "$0")/lib.sh"
need_corpus
HEAVY='libcurl|libpq|libmicrohttpd|libarchive|libssl|libcrypto|libgnutls'
DB="$T/a.db"
# loaded CMD...: the libraries one run of the binary looked up
loaded() {
  rm -f "$T"/ld.*
  LD_DEBUG=libs LD_DEBUG_OUTPUT="$T/ld" "$AIU_BIN" "$@" > "$T/out" 2> "$T/err" || true
  cat "$T"/ld.* | sed -n 's/.*find library=\([^ ]*\).*/\1/p' | sort -u
}
for cmd in "version" "--help" \
  "sync --db $DB --claude-dir $CC_CORPUS --quiet" \
  "daily --db $DB --claude-dir $CC_CORPUS --json" \
  "session --db $DB --no-sync --json" "blocks --db $DB --no-sync" \
  "projects --db $DB --no-sync" "models --db $DB --no-sync --csv" \
  "tools --db $DB --no-sync" "retention --db $DB" "sync --db $DB --claude-dir $CC_CORPUS --errors"; do
  # shellcheck disable=SC2086 # the words of cmd are its arguments
  libs=$(loaded $cmd)
  check "aiusage $cmd: looked up libraries" [ -n "$libs" ]
  check "aiusage $cmd: none of the heavy ones ($(echo "$libs" | grep -E "$HEAVY" | tr '\n' ' '))" \
    bash -c "! grep -qE '$HEAVY' <<< '$libs'"
done
check "the sync worked" grep -q "requests" <(aiu daily --db "$DB" --no-sync --json)

# ... and each loads when used: a postgres:// store loads libpq (and fails
# cleanly when no server listens), a ZIP import loads libarchive
libs=$(loaded daily --db "postgresql://aiu@127.0.0.1:1/none?connect_timeout=2" --no-sync)
check "postgres:// loads libpq" grep -q '^libpq' <<< "$libs"
check "postgres:// does not load libcurl" bash -c "! grep -q '^libcurl' <<< '$libs'"
check "postgres:// failure is a clear error" grep -qi "127.0.0.1" "$T/err"
python3 -c "
import zipfile; z = zipfile.ZipFile('$T/x.zip', 'w'); z.writestr('conversations.json', '[]'); z.close()"
libs=$(loaded import claude-ai "$T/x.zip" --db "$T/b.db")
check "a ZIP import loads libarchive" grep -q '^libarchive' <<< "$libs"
check "a ZIP import does not load libpq or libmicrohttpd" bash -c "! grep -qE '^(libpq|libmicrohttpd)' <<< '$libs'"
finish
