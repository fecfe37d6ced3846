#!/usr/bin/env bash
# The AI Code Tracking API allows 5 requests per minute per endpoint. A
# backfill that needs 6 CSV windows per endpoint must pace itself with the
# client's limiter (the 6th request waits for the window) instead of running
# into the fake's 429s. The fake's window and ours are shortened from 60 s
# to 4 s (AIUSAGE_CURSOR_RATE_MS) so the test takes seconds; the fake's
# window is fixed (resets), like Cursor's.
source "$(dirname "$0")/lib.sh"
KEY="key_$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
trap 'kill "$FPID" 2>/dev/null || true; cleanup' EXIT
python3 "$AIU_SRC/tests/fake/fake_cursor.py" --key "$KEY" --log "$T/req.log" --rate-window 4 --idle 90 > "$T/port" &
FPID=$!
for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT _ < "$T/port"
rc=0
AIUSAGE_CURSOR_RATE_MS=4000 CURSOR_API_KEY="$KEY" CURSOR_BASE_URL="http://127.0.0.1:$PORT" aiu pull cursor --db "$T/a.db" --backfill-days 175 > "$T/out.txt" 2>&1 || rc=$?
check "the pull succeeds" [ "$rc" -eq 0 ]
check "no request was refused (0 retries)" grep -q ' 0 retries' "$T/out.txt"
check "six CSV windows per endpoint, at most 5 in any window" python3 - "$T/req.log" <<'PY'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
for ep in ("/analytics/ai-code/commits.csv", "/analytics/ai-code/changes.csv"):
    t = sorted(r["t"] for r in reqs if r["path"] == ep)
    assert len(t) == 6, (ep, len(t))
    for i in range(len(t) - 5):
        assert t[i + 5] - t[i] >= 4.0, (ep, t)
PY
finish
