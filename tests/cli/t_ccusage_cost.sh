#!/usr/bin/env bash
# Costs agree with ccusage 20.0.24 within 1% for every model both price.
# ccusage drops a few records that aiusage keeps (null fields, old versions),
# so rows are compared where both tools counted exactly the same tokens for
# that day and model; every model must have such a row.
source "$(dirname "$0")/lib.sh"
need_corpus
if ! command -v npm >/dev/null; then echo "1..0 # SKIP npm not installed"; exit 0; fi
CCU_DIR=${CCUSAGE_DIR:-$AIU_SRC/build-test/ccusage}
if [ ! -x "$CCU_DIR/node_modules/.bin/ccusage" ]; then
  mkdir -p "$CCU_DIR"
  npm install --silent --no-audit --no-fund --prefix "$CCU_DIR" ccusage@20.0.24 >/dev/null 2>&1 || true
fi
if [ ! -x "$CCU_DIR/node_modules/.bin/ccusage" ]; then echo "1..0 # SKIP ccusage could not be installed"; exit 0; fi
CLAUDE_CONFIG_DIR="$CC_CORPUS" "$CCU_DIR/node_modules/.bin/ccusage" claude daily --json --offline -z UTC > "$T/ccu.json"
aiu daily --db "$T/a.db" --claude-dir "$CC_CORPUS" --json --tz UTC --quiet > "$T/aiu.json"
python3 - "$T/ccu.json" "$T/aiu.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1])); a = json.load(open(sys.argv[2]))
def rows(d, cost_key):
    out = {}
    for day in d["daily"]:
        for m in day["modelBreakdowns"]:
            out[(day["date"], m["modelName"])] = ((m["inputTokens"], m["outputTokens"],
                m["cacheCreationTokens"], m["cacheReadTokens"]), m[cost_key])
    return out
cr, ar = rows(c, "cost"), rows(a, "cost")
models = {m for (_, m) in ar} & {m for (_, m) in cr}
ok, compared = True, {}
for k, (toks, cost) in ar.items():
    if k in cr and cr[k][0] == toks:
        cc = cr[k][1]
        if cc == 0 and cost == 0:
            continue
        rel = abs(cost - cc) / max(abs(cc), 1e-12)
        compared.setdefault(k[1], []).append(rel)
        if rel > 0.01:
            ok = False
            print("not ok - %s %s: aiusage %.6f vs ccusage %.6f (%.2f%%)" % (k[0], k[1], cost, cc, rel * 100))
for m in sorted(models):
    if m not in compared:
        ok = False
        print("not ok - no identical-token row to compare for %s" % m)
    else:
        print("ok - %s: %d rows, max difference %.4f%%" % (m, len(compared[m]), max(compared[m]) * 100))
print("%d passed, %d failed" % (1 if ok else 0, 0 if ok else 1))
sys.exit(0 if ok else 1)
PY
