#!/usr/bin/env bash
# Runs every built libFuzzer target for a bounded time, seeded from
# tests/fuzz/corpus/<name>/ when present. Fails on the first crash.
set -euo pipefail
dir=${1:-build-fuzz}; secs=${2:-30}
shopt -s nullglob
n=0
for bin in "$dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  seeds="tests/fuzz/corpus/$name"
  work=$(mktemp -d)
  [ -d "$seeds" ] && cp -r "$seeds"/. "$work"/
  echo "fuzz: $name for ${secs}s"
  "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
         -print_final_stats=1 "$work" 2>"$work.log" || { tail -50 "$work.log"; exit 1; }
  grep -E 'stat::number_of_executed_units' "$work.log" || true
  rm -rf "$work" "$work.log"
  n=$((n+1))
done
echo "fuzz: $n targets ran clean"
echo "fuzz: $n passed, 0 failed"
