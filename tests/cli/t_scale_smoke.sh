#!/usr/bin/env bash
# bench/scale.sh in its smoke mode (SCALE_ROWS=20000, two slices), so the
# scale benchmark behind docs/SCALING.md cannot rot: both backends ingest
# exactly the generated rows through `aiusage sync`, every report runs and
# agrees across backends, every analytics endpoint answers 200 first and
# cached. The script starts its own throw-away PostgreSQL (scripts/pg-test.sh),
# so this test runs once.
# aiu-test: sqlite-only
source "$(dirname "$0")/lib.sh"
OUT="$T/scale.txt"
rc=0
SCALE_ROWS=20000 SCALE_SLICES=2 SCALE_WRK_SECONDS=0 SCALE_DIR="$T/scale" BIN="$AIU_BIN" \
  "$AIU_SRC/bench/scale.sh" > "$OUT" 2>&1 || rc=$?
check "scale.sh smoke exits 0" [ "$rc" -eq 0 ]
check "scale.sh reports no failure" grep -q '^== scale: 0 failure(s)' "$OUT"
for b in sqlite pg; do
  check "$b ingested 20000 rows with a rate" grep -Eq "^   $b ingest total: 20000 rows in [0-9.]+ s = [1-9][0-9]* rows/s" "$OUT"
  check "$b holds exactly the generated rows" grep -q "^   $b rows: usage=20000 " "$OUT"
  check "$b: 9 terminal reports timed" [ "$(grep -Ec "^   $b [a-z]+ --(json|breakdown): [0-9.]+ s, peak RSS" "$OUT")" -eq 9 ]
  check "$b: 18 analytics requests answered 200" [ "$(grep -Ec "^   $b /api/analytics/[^ ]+ (first|cached): [0-9.]+ ms, HTTP 200," "$OUT")" -eq 18 ]
  check "$b: serve peak RSS measured" grep -Eq "^   $b serve peak RSS \(VmHWM\) [1-9][0-9]* MiB" "$OUT"
done
check "reports identical on both backends" grep -q 'identical on both backends' "$OUT"
check "no password printed" bash -c "! grep -Eq 'postgres://aiu:[^*@]+@' '$OUT'"
check "every figure carries the load average" bash -c "! grep -E 'rows/s|ms, HTTP' '$OUT' | grep -vq 'load [0-9]'"
# the generator's slices are disjoint and deterministic
python3 "$AIU_SRC/bench/gen_scale.py" "$T/g1" 3000 1 3 > "$T/g1.txt"
python3 "$AIU_SRC/bench/gen_scale.py" "$T/g2" 3000 1 3 > "$T/g2.txt"
check "generator is deterministic" diff -r "$T/g1" "$T/g2"
check "generator writes rows/3 per slice" grep -q '^rows 1000 ' "$T/g1.txt"
if [ "$FAIL" -ne 0 ]; then sed 's/^/# /' "$OUT" | tail -n 40; fi
finish
