#!/usr/bin/env bash
# bench/run.sh - aiusage vs ccusage 20.0.24 on the reference 1 GiB corpus.
# See bench/README.md. Run from anywhere (`make bench` or `bench/run.sh`).
#
# Environment:
#   BENCH_RUNS=5            timed runs of each command (median is reported)
#   BENCH_CORPUS_BYTES=...  generator arguments (defaults = the reference
#   BENCH_CORPUS_FILES=...  corpus of ../shared/reference/perf-notes.md:
#   BENCH_CORPUS_SEED=...   1073741824 bytes, 500 files, seed 20250814)
#   BENCH_NO_BUILD=1        use ./build/aiusage as it is (skip `make build`)
#   BENCH_SKIP_HUGE=1       skip the single-huge-file test
#   BENCH_AIUSAGE=PATH      aiusage binary to measure (default ./build/aiusage)
#
# Exit status: 0 if every target and check passes, 1 if any fails (everything
# is still measured and printed), 2 on a setup error.
set -euo pipefail
export LC_ALL=C # '.' as the decimal point in $EPOCHREALTIME and printf

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

RUNS=${BENCH_RUNS:-5}
GEN_BYTES=${BENCH_CORPUS_BYTES:-1073741824}
GEN_FILES=${BENCH_CORPUS_FILES:-500}
GEN_SEED=${BENCH_CORPUS_SEED:-20250814}
GEN=../shared/bench/gen_claude_corpus.py
CCU_VERSION=20.0.24

W=$ROOT/bench/work        # absolute, so every printed command works from anywhere
CORPUS=$W/corpus            # CLAUDE_CONFIG_DIR / --claude-dir: holds projects/
HUGE=$W/huge                # holds projects/p/huge.jsonl
DB=$W/aiusage.db
HUGE_DB=$W/huge.db
OUT=$W/out                  # every command's stdout/stderr of the last run
AIU=${BENCH_AIUSAGE:-./build/aiusage} # BENCH_AIUSAGE: benchmark another binary (with BENCH_NO_BUILD=1)
CCU=$W/node_modules/.bin/ccusage
TIMEF='%e %M %U %S'         # GNU time: wall s, peak RSS KiB, user s, sys s
RSS_LIMIT_KIB=$((64 * 1024))
COLD_TARGET=0.5
WARM_TARGET=0.02

case $RUNS in '' | *[!0-9]* | 0) echo "BENCH_RUNS must be a positive integer" >&2; exit 2 ;; esac

FAILS=0
fail_note() { FAILS=$((FAILS + 1)); }
say() { printf '%s\n' "$*"; }
hdr() { printf '\n== %s ==\n' "$*"; }
show() { printf '  $ %s\n' "$*"; } # an exact invocation, as run from the repo root

hdr "setup"
say "repo: $ROOT"
show "scripts/deps.sh bench"
scripts/deps.sh bench
for c in python3 node npm /usr/bin/time gcc make; do
	command -v "$c" >/dev/null || { echo "bench: missing $c after scripts/deps.sh bench" >&2; exit 2; }
done
mkdir -p "$W" "$OUT"

# -------- aiusage binary
if [ "${BENCH_NO_BUILD:-0}" != 1 ]; then
	show "make build"
	if ! make build; then
		echo "bench: 'make build' failed; the benchmark needs $AIU" >&2
		exit 2
	fi
fi
[ -x "$AIU" ] || { echo "bench: $AIU not found (run make build)" >&2; exit 2; }

# -------- ccusage
ccu_version() { node -p "require('$W/node_modules/ccusage/package.json').version" 2>/dev/null || true; }
if [ ! -x "$CCU" ] || [ "$(ccu_version)" != "$CCU_VERSION" ]; then
	show "npm install --prefix $W --no-audit --no-fund --save-exact ccusage@$CCU_VERSION"
	npm install --prefix "$W" --no-audit --no-fund --save-exact "ccusage@$CCU_VERSION"
fi
[ -x "$CCU" ] && [ "$(ccu_version)" = "$CCU_VERSION" ] ||
	{ echo "bench: ccusage $CCU_VERSION is not installed at $CCU" >&2; exit 2; }

# -------- corpus (reused when the marker matches the generator and its arguments)
gen_sum=$(sha256sum "$GEN" | cut -d' ' -f1)
marker="gen_claude_corpus.py sha256=$gen_sum bytes=$GEN_BYTES files=$GEN_FILES seed=$GEN_SEED"
if [ -d "$CORPUS/projects" ] && [ "$(cat "$CORPUS/.generated" 2>/dev/null)" = "$marker" ]; then
	say "corpus: reusing $CORPUS/projects ($marker)"
else
	rm -rf "$CORPUS" "$HUGE"
	mkdir -p "$CORPUS"
	show "python3 $GEN $CORPUS/projects $GEN_BYTES $GEN_FILES $GEN_SEED"
	t0=$EPOCHREALTIME
	python3 "$GEN" "$CORPUS/projects.tmp" "$GEN_BYTES" "$GEN_FILES" "$GEN_SEED"
	mv "$CORPUS/projects.tmp" "$CORPUS/projects"
	printf '%s\n' "$marker" >"$CORPUS/.generated"
	say "corpus generated in $(python3 -c "print('%.1f' % ($EPOCHREALTIME - $t0))") s"
fi
corpus_files=$(find "$CORPUS/projects" -name '*.jsonl' | wc -l)
corpus_bytes=$(find "$CORPUS/projects" -name '*.jsonl' -printf '%s\n' | awk '{s += $1} END {print s}')

hdr "environment"
say "host:     $(uname -srm), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
say "memory:   $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average now: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
say "aiusage:  $($AIU --version 2>&1 | head -n1) ($AIU; git HEAD $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), plus any uncommitted changes)"
say "ccusage:  $CCU_VERSION ($CCU -> node launcher for the native @ccusage/ccusage-linux-x64 binary; node $(node --version))"
say "corpus:   $CORPUS/projects: $corpus_files files, $corpus_bytes bytes ($marker)"
say "runs:     $RUNS of each command (BENCH_RUNS), after one untimed warm-up of each"
say "timing:   wall = bash \$EPOCHREALTIME around '/usr/bin/time -f \"$TIMEF\" -o FILE CMD' (so ms resolution; includes"
say "          the ~1 ms fork/exec of GNU time); peak RSS = GNU time %M (max RSS of the process and its waited-for children)"

# -------- measurement helpers
TF=$W/time.out
# timed OUTPREFIX CMD... : runs CMD under GNU time; stdout/stderr to OUTPREFIX.{out,err}.
# Sets T_WALL_US, T_RSS (KiB), T_CPU (user+sys s), T_RC.
timed() {
	local pfx=$1 t0 t1
	shift
	t0=$EPOCHREALTIME
	if /usr/bin/time -f "$TIMEF" -o "$TF" "$@" >"$pfx.out" 2>"$pfx.err"; then T_RC=0; else T_RC=$?; fi
	t1=$EPOCHREALTIME
	T_WALL_US=$((${t1/./} - ${t0/./}))
	local last
	last=$(tail -n1 "$TF")
	T_RSS=$(awk '{print $2}' <<<"$last")
	T_CPU=$(awk '{printf "%.2f", $3 + $4}' <<<"$last")
	[[ $T_RSS =~ ^[0-9]+$ ]] || T_RSS=0
}
RES=$W/results.tsv # name  run  wall_us  rss_kib  cpu_s  rc
: >"$RES"
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RES"; }
fmt_run() { # name run wall_us rss cpu rc
	printf '  %-13s run %s: wall %8.3f s  peak RSS %7.1f MiB  cpu %6.2f s%s\n' "$1" "$2" \
		"$(awk -v u="$3" 'BEGIN {print u / 1e6}')" "$(awk -v k="$4" 'BEGIN {print k / 1024}')" "$5" \
		"$([ "$6" = 0 ] || echo "  EXIT STATUS $6")"
}
die_run() { # label prefix: a command failed; show its output
	say "  !! $1 failed (exit $T_RC). stderr ($2.err):"
	sed 's/^/     | /' "$2.err" | tail -n 30
	say "     stdout ($2.out), first lines:"
	head -c 2000 "$2.out" | sed 's/^/     | /'
}

run_ccusage() { # run label
	local p=$OUT/ccusage.$1
	CLAUDE_CONFIG_DIR=$CORPUS timed "$p" "$CCU" claude daily --json --offline -z UTC
	record ccusage "$1" "$T_WALL_US" "$T_RSS" "$T_CPU" "$T_RC"
	fmt_run ccusage "$1" "$T_WALL_US" "$T_RSS" "$T_CPU" "$T_RC"
	[ "$T_RC" = 0 ] || die_run ccusage "$p"
}
run_cold() { # run label: sync + daily --no-sync on a fresh database, timed together
	local p=$OUT/aiusage-cold.$1 w1 w2 r1 r2 c1 c2 rc=0
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"
	timed "$p.sync" env -u CLAUDE_CONFIG_DIR "$AIU" sync --db "$DB" --claude-dir "$CORPUS" --quiet
	w1=$T_WALL_US r1=$T_RSS c1=$T_CPU
	[ "$T_RC" = 0 ] || { rc=$T_RC; die_run "aiusage sync" "$p.sync"; }
	timed "$p.daily" env -u CLAUDE_CONFIG_DIR "$AIU" daily --json --tz UTC --db "$DB" --claude-dir "$CORPUS" --no-sync
	w2=$T_WALL_US r2=$T_RSS c2=$T_CPU
	[ "$T_RC" = 0 ] || { rc=$T_RC; die_run "aiusage daily --no-sync" "$p.daily"; }
	local rss=$((r1 > r2 ? r1 : r2)) cpu
	cpu=$(awk -v a="$c1" -v b="$c2" 'BEGIN {printf "%.2f", a + b}')
	record aiusage-cold "$1" $((w1 + w2)) "$rss" "$cpu" "$rc"
	fmt_run aiusage-cold "$1" $((w1 + w2)) "$rss" "$cpu" "$rc"
	printf '  %13s        sync %.3f s / %.1f MiB, daily %.3f s / %.1f MiB\n' "" \
		"$(awk -v u="$w1" 'BEGIN {print u / 1e6}')" "$(awk -v k="$r1" 'BEGIN {print k / 1024}')" \
		"$(awk -v u="$w2" 'BEGIN {print u / 1e6}')" "$(awk -v k="$r2" 'BEGIN {print k / 1024}')"
}
run_warm() { # run label: daily with its incremental sync (finds nothing new)
	local p=$OUT/aiusage-warm.$1
	timed "$p" env -u CLAUDE_CONFIG_DIR "$AIU" daily --json --tz UTC --db "$DB" --claude-dir "$CORPUS"
	record aiusage-warm "$1" "$T_WALL_US" "$T_RSS" "$T_CPU" "$T_RC"
	fmt_run aiusage-warm "$1" "$T_WALL_US" "$T_RSS" "$T_CPU" "$T_RC"
	[ "$T_RC" = 0 ] || die_run "aiusage daily (warm)" "$p"
}

hdr "commands (each run under /usr/bin/time -f '$TIMEF'; run from $ROOT)"
say "ccusage:"
show "CLAUDE_CONFIG_DIR=$CORPUS $CCU claude daily --json --offline -z UTC"
say "aiusage cold (one figure: wall = sum of both, peak RSS = max of both):"
show "rm -f $DB $DB-wal $DB-shm $DB-journal"
show "$AIU sync --db $DB --claude-dir $CORPUS --quiet"
show "$AIU daily --json --tz UTC --db $DB --claude-dir $CORPUS --no-sync"
say "aiusage warm (on the database left by the cold run; includes the incremental sync check):"
show "$AIU daily --json --tz UTC --db $DB --claude-dir $CORPUS"
say "(aiusage runs with CLAUDE_CONFIG_DIR unset; --claude-dir overrides it anyway)"

hdr "page cache"
show "find $CORPUS/projects -name '*.jsonl' -print0 | xargs -0 cat > /dev/null"
t0=$EPOCHREALTIME
find "$CORPUS/projects" -name '*.jsonl' -print0 | xargs -0 cat >/dev/null
say "  read $corpus_bytes bytes in $(python3 -c "print('%.2f' % ($EPOCHREALTIME - $t0))") s"

hdr "warm-up (untimed for the statistics)"
run_ccusage warmup
run_cold warmup
run_warm warmup

hdr "timed runs"
for i in $(seq 1 "$RUNS"); do
	run_ccusage "$i"
	run_cold "$i"
	run_warm "$i"
done

# -------- statistics, targets and the totals check
hdr "results ($RUNS runs; warm-up excluded)"
python3 - "$RES" "$RSS_LIMIT_KIB" "$COLD_TARGET" "$WARM_TARGET" \
	"$OUT/ccusage.$RUNS.out" "$OUT/aiusage-cold.$RUNS.daily.out" "$OUT/aiusage-warm.$RUNS.out" <<'PY' || fail_note
import json, statistics, sys
res, rss_limit, cold_t, warm_t, ccu_json, cold_json, warm_json = sys.argv[1:]
rss_limit = int(rss_limit); cold_t = float(cold_t); warm_t = float(warm_t)
rows = {}
for line in open(res):
    name, run, wall, rss, cpu, rc = line.rstrip("\n").split("\t")
    if run == "warmup":
        continue
    rows.setdefault(name, []).append((int(wall) / 1e6, int(rss) / 1024, float(cpu), int(rc)))
fails = 0
print("%-13s %9s %9s %9s   %11s %11s   %9s  %s" % ("command", "min s", "median s", "max s",
      "RSS med MiB", "RSS max MiB", "cpu med s", "errors"))
med = {}
for name in ("ccusage", "aiusage-cold", "aiusage-warm"):
    r = rows.get(name, [])
    if not r:
        print("%-13s (no runs)" % name); fails += 1; continue
    walls = [x[0] for x in r]; rss = [x[1] for x in r]; cpu = [x[2] for x in r]
    errs = sum(1 for x in r if x[3] != 0)
    med[name] = (statistics.median(walls), max(rss))
    print("%-13s %9.3f %9.3f %9.3f   %11.1f %11.1f   %9.2f  %s" % (name, min(walls),
          statistics.median(walls), max(walls), statistics.median(rss), max(rss),
          statistics.median(cpu), errs or "-"))
    if errs:
        fails += 1
print()
def verdict(ok):
    global fails
    if not ok:
        fails += 1
    return "PASS" if ok else "FAIL"
if all(k in med for k in ("ccusage", "aiusage-cold", "aiusage-warm")):
    c = med["ccusage"][0]
    cold = med["aiusage-cold"][0] / c
    warm = med["aiusage-warm"][0] / c
    peak = max(med["aiusage-cold"][1], med["aiusage-warm"][1])
    def x(r):
        return "%.1fx" % (1 / r) if r else "inf"
    print("%-38s %-24s %-16s %s" % ("target", "value", "target", "verdict"))
    print("%-38s %-24s %-16s %s" % ("cold/ccusage (median wall)", "%.4f (%s faster)" % (cold, x(cold)), "<= %g" % cold_t, verdict(cold <= cold_t)))
    print("%-38s %-24s %-16s %s" % ("warm/ccusage (median wall)", "%.4f (%s faster)" % (warm, x(warm)), "<= %g (1/%g)" % (warm_t, 1 / warm_t), verdict(warm <= warm_t)))
    print("%-38s %-24s %-16s %s" % ("aiusage peak RSS (max, cold and warm)", "%.1f MiB" % peak, "<= %d MiB" % (rss_limit // 1024), verdict(peak * 1024 <= rss_limit)))
else:
    print("targets: not evaluated, a command has no successful runs"); fails += 1

print()
print("totals check (last timed run; .totals of each JSON output):")
def load(p):
    try:
        return json.load(open(p))["totals"]
    except Exception as e:
        print("  cannot read totals from %s: %s" % (p, e)); return None
ccu = load(ccu_json); cold = load(cold_json); warm = load(warm_json)
if ccu is None or cold is None or warm is None:
    fails += 1
else:
    for key in ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens"):
        a, b, w = ccu.get(key), cold.get(key), warm.get(key)
        ok = a is not None and a == b == w
        print("  %-20s ccusage %15s  aiusage %15s  (warm %15s)  %s" % (key, "{:,}".format(a) if isinstance(a, int) else a,
              "{:,}".format(b) if isinstance(b, int) else b, "{:,}".format(w) if isinstance(w, int) else w, verdict(ok)))
    a, b, w = ccu.get("totalCost"), cold.get("totalCost"), warm.get("totalCost")
    try:
        rel = abs(b - a) / abs(a); relw = abs(w - a) / abs(a)
        ok = rel <= 0.01 and relw <= 0.01
        print("  %-20s ccusage %15.4f  aiusage %15.4f  (warm %15.4f)  diff %.4f%% (<= 1%%)  %s" % ("totalCost", a, b, w, rel * 100, verdict(ok)))
    except Exception as e:
        print("  totalCost: cannot compare (%r, %r, %r): %s  FAIL" % (a, b, w, e)); fails += 1
    if "requests" in cold:
        print("  (aiusage requests: {:,}; the generator's README expects 116,565 deduplicated usage records)".format(cold["requests"]))
sys.exit(1 if fails else 0)
PY

# -------- store size
hdr "store size"
# the store must stay well under the transcripts it indexes: at most 20%
db_bytes=0
for f in "$DB" "$DB-wal"; do [ -f "$f" ] && db_bytes=$((db_bytes + $(stat -c %s "$f"))); done
show "stat -c %s $DB $DB-wal"
ratio=$(python3 -c "print('%.4f' % ($db_bytes / $corpus_bytes))")
verdict=$(python3 -c "print('PASS' if $db_bytes <= 0.2 * $corpus_bytes else 'FAIL')")
[ "$verdict" = PASS ] || fail_note
printf '  store %s bytes for %s transcript bytes: %s of the transcripts (target <= 0.20)  %s\n' \
	"$db_bytes" "$corpus_bytes" "$ratio" "$verdict"

# -------- single huge file
if [ "${BENCH_SKIP_HUGE:-0}" != 1 ]; then
	hdr "single huge transcript (>= 1 GiB in one file)"
	HF=$HUGE/projects/p/huge.jsonl
	hmarker="concat of $CORPUS/projects/*/*.jsonl (sorted, newline-terminated, repeated to >= 1 GiB); corpus: $marker"
	if [ -f "$HF" ] && [ "$(cat "$HUGE/.built" 2>/dev/null)" = "$hmarker" ]; then
		say "reusing $HF"
	else
		rm -rf "$HUGE"
		mkdir -p "$HUGE/projects/p"
		show "for f in \$(find $CORPUS/projects -name '*.jsonl' | sort); do cat \"\$f\"; [ -z \"\$(tail -c1 \"\$f\")\" ] || echo; done > $HF   # repeated until >= 1 GiB"
		mapfile -t files < <(find "$CORPUS/projects" -name '*.jsonl' | sort)
		: >"$HF.tmp"
		size=0
		while [ "$size" -lt $((1 << 30)) ]; do
			for f in "${files[@]}"; do
				cat "$f"
				# the generator leaves some files without a final newline (a crash
				# mid-write); do not glue their last line to the next file's first
				[ -z "$(tail -c1 "$f")" ] || echo
			done >>"$HF.tmp"
			size=$(stat -c %s "$HF.tmp")
		done
		mv "$HF.tmp" "$HF"
		printf '%s\n' "$hmarker" >"$HUGE/.built"
	fi
	say "file: $HF, $(stat -c %s "$HF") bytes, $(wc -l <"$HF") lines"
	show "cat $HF > /dev/null"
	cat "$HF" >/dev/null
	show "rm -f $HUGE_DB $HUGE_DB-wal $HUGE_DB-shm $HUGE_DB-journal"
	show "$AIU sync --db $HUGE_DB --claude-dir $HUGE --quiet"
	show "$AIU daily --json --tz UTC --db $HUGE_DB --claude-dir $HUGE --no-sync"
	rm -f "$HUGE_DB" "$HUGE_DB-wal" "$HUGE_DB-shm" "$HUGE_DB-journal"
	p=$OUT/huge
	timed "$p.sync" env -u CLAUDE_CONFIG_DIR "$AIU" sync --db "$HUGE_DB" --claude-dir "$HUGE" --quiet
	hw1=$T_WALL_US hr1=$T_RSS hc1=$T_RC
	[ "$hc1" = 0 ] || die_run "aiusage sync (huge)" "$p.sync"
	timed "$p.daily" env -u CLAUDE_CONFIG_DIR "$AIU" daily --json --tz UTC --db "$HUGE_DB" --claude-dir "$HUGE" --no-sync
	hw2=$T_WALL_US hr2=$T_RSS hc2=$T_RC
	[ "$hc2" = 0 ] || die_run "aiusage daily (huge)" "$p.daily"
	hrss=$((hr1 > hr2 ? hr1 : hr2))
	printf '  sync  %8.3f s  peak RSS %7.1f MiB  exit %s\n' "$(awk -v u="$hw1" 'BEGIN {print u / 1e6}')" "$(awk -v k="$hr1" 'BEGIN {print k / 1024}')" "$hc1"
	printf '  daily %8.3f s  peak RSS %7.1f MiB  exit %s\n' "$(awk -v u="$hw2" 'BEGIN {print u / 1e6}')" "$(awk -v k="$hr2" 'BEGIN {print k / 1024}')" "$hc2"
	printf '  cold total %.3f s, peak RSS %.1f MiB\n' "$(awk -v u=$((hw1 + hw2)) 'BEGIN {print u / 1e6}')" "$(awk -v k="$hrss" 'BEGIN {print k / 1024}')"
	if [ "$hc1" = 0 ] && [ "$hc2" = 0 ]; then v=PASS; else v=FAIL; fail_note; fi
	say "  runs without error                                      $v"
	if [ "$hrss" -le "$RSS_LIMIT_KIB" ]; then v=PASS; else v=FAIL; fail_note; fi
	say "  peak RSS $(awk -v k="$hrss" 'BEGIN {printf "%.1f", k / 1024}') MiB <= 64 MiB                            $v"
	# Informational: one copy of the corpus in one file must give the corpus totals.
	python3 - "$p.daily.out" "$OUT/aiusage-cold.$RUNS.daily.out" <<'PY' || true
import json, sys
try:
    h = json.load(open(sys.argv[1]))["totals"]; c = json.load(open(sys.argv[2]))["totals"]
except Exception as e:
    print("  (info) totals not comparable: %s" % e); sys.exit(0)
keys = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")
same = all(h.get(k) == c.get(k) for k in keys)
print("  (info) token totals %s the 500-file corpus totals: %s" % ("equal" if same else "DIFFER FROM",
      ", ".join("%s %s" % (k, "{:,}".format(h.get(k)) if isinstance(h.get(k), int) else h.get(k)) for k in keys)))
PY
fi

# -------- scanner micro-benchmark
if [ -f bench/scan_bench.c ]; then
	hdr "scanner micro-benchmark (bench/scan_bench.c)"
	SB=$W/scan_bench
	try_cc() {
		show "$*"
		if "$@" 2>"$W/scan_bench.cc.err"; then return 0; fi
		say "  (did not compile:)"
		sed 's/^/     | /' "$W/scan_bench.cc.err" | head -n 15
		return 1
	}
	built=0
	if try_cc gcc -O2 -D_GNU_SOURCE -Isrc bench/scan_bench.c src/ingest/cc_scan.c src/ingest/cc_json.c \
		src/core/err.c src/core/timeutil.c src/core/strutil.c src/ingest/cc_record.c -ljansson -o "$SB"; then
		built=1
	else
		# fallback: link against the library `make build` just built (all of src/ but main.c)
		libs=$(pkg-config --libs sqlite3 jansson libxxhash 2>/dev/null || echo "-lsqlite3 -ljansson -lxxhash")
		# shellcheck disable=SC2086
		try_cc gcc -O2 -D_GNU_SOURCE -Isrc bench/scan_bench.c build/libaiucore.a $libs -lm -o "$SB" && built=1
	fi
	if [ "$built" = 1 ]; then
		show "$SB $CORPUS/projects"
		if ! "$SB" "$CORPUS/projects"; then
			say "  !! scan_bench exited with an error"
		fi
	else
		say "  !! scan_bench could not be compiled (not a target; reported only)"
	fi
fi

hdr "summary"
say "reference (../shared/reference/perf-notes.md): ccusage $CCU_VERSION on this corpus and machine ~2.23 s wall, ~173 MiB RSS"
say "raw per-run figures: $RES; command outputs: $OUT/"
say "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$FAILS" -eq 0 ]; then
	say "ALL TARGETS AND CHECKS PASS"
else
	say "$FAILS target/check group(s) FAILED"
	exit 1
fi
