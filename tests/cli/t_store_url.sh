#!/usr/bin/env bash
# Database URLs: a postgres:// store that cannot be reached fails with a
# message naming the place but never the password; on the PostgreSQL run
# (pg_cli_t_store_url) no output of a whole session carries the password,
# a wrong password is refused without echoing it, and a schema newer than
# the binary is refused.
source "$(dirname "$0")/lib.sh"
need_corpus
# port 1 on loopback refuses connections
if aiu daily --no-sync --db "postgres://aiu:Sup3rS3cretPw@127.0.0.1:1/aiu?connect_timeout=3" > "$T/o" 2> "$T/e"; then
  fail "an unreachable server fails"
else
  ok "an unreachable server fails"
fi
check "the error names user, host and port" grep -q "aiu@127.0.0.1:1/aiu" "$T/e"
check "the error never shows the password" sh -c "! grep -q Sup3rS3cretPw '$T/e' '$T/o'"
if [ "$AIU_TEST_BACKEND" = pg ]; then
  URL=$(db "$T/a.db")
  PW=$(printf '%s' "$URL" | sed -E 's|^postgres://[^:]*:([^@]*)@.*|\1|')
  check "the test URL carries a password" [ ${#PW} -ge 16 ]
  mkdir -p "$T/c/projects/p"
  cp -r "$CC_CORPUS/projects/." "$T/c/projects/"
  echo '{"type":"assistant","broken' > "$T/c/projects/p/bad.jsonl"
  {
    aiu sync --db "$URL" --claude-dir "$T/c"
    aiu sync --db "$URL" --claude-dir "$T/c" --errors
    aiu daily --db "$URL" --no-sync --json
    aiu session --db "$URL" --no-sync
    aiu daily --db "$URL" --no-sync --tz Mars/Base || true
    AIUSAGE_DEBUG=1 aiu sync --db "$URL" --claude-dir "$T/c"
  } > "$T/all.txt" 2>&1
  check "a session's output is real" grep -q "bad.jsonl:1" "$T/all.txt"
  check "no output carries the password" sh -c "! grep -qF '$PW' '$T/all.txt'"
  BAD=${URL/:$PW@/:wrong-password-123@}
  if aiu daily --no-sync --db "$BAD" > "$T/o" 2> "$T/e"; then fail "a wrong password is refused"; else ok "a wrong password is refused"; fi
  check "the refusal says why" grep -q "password authentication failed" "$T/e"
  check "the refusal does not echo the password" sh -c "! grep -q wrong-password-123 '$T/e'"
  "$PSQL" "$URL" -XAqc "UPDATE schema_version SET version = 999"
  if aiu daily --no-sync --db "$URL" > "$T/o" 2> "$T/e"; then fail "a newer schema is refused"; else ok "a newer schema is refused"; fi
  check "the refusal names both versions" grep -q "schema version 999 is newer than this aiusage" "$T/e"
fi
finish
