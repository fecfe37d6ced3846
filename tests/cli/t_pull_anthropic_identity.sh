#!/usr/bin/env bash
# Identity: one person per case-folded email across the users list, Claude
# Code actors and people.csv; API-key activity attributed through key
# creators/principals and through people.csv; teams from people.csv; the
# unattributed rest and coverage. Each person's share of the bill is checked
# to the nano-dollar against an independent Python implementation of the
# documented allocation rule (docs/ORG.md) run on the fake's fixture.
. "$(dirname "$0")/lib.sh"
FAKE="$AIU_SRC/tests/fake/fake_anthropic.py"
KEY="sk-ant-admin01-IDSECRET-$RANDOM"
FPID=""
trap '[ -n "$FPID" ] && kill $FPID 2>/dev/null; cleanup' EXIT
export AIUSAGE_HTTP_BACKOFF_MS=20 AIUSAGE_PULL_RPM=100000 ANTHROPIC_ADMIN_KEY="$KEY"
DB=$(db "$T/org.db")   # a SQLite path, or a fresh PostgreSQL database
python3 "$FAKE" --key "$KEY" --idle 120 > "$T/port" &
for _ in $(seq 300); do [ -s "$T/port" ] && break; sleep 0.1; done
read -r PORT FPID < "$T/port"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT"

check "pull February" "$AIU_BIN" pull anthropic --db "$DB" --since 2026-02-01 --until 2026-02-28
"$AIU_BIN" org --json --db "$DB" --since 2026-02-01 --until 2026-02-28 > "$T/before.json"

# oracle.py ORG_JSON [people.csv]: compares the store's people with the rule
cat > "$T/oracle.py" <<'EOF'
import csv, json, sys, datetime as dt
from decimal import Decimal as D
sys.path.insert(0, sys.argv[3])
import fake_anthropic as F
org = json.load(open(sys.argv[1]))
mapping, teams = {}, {}
if len(sys.argv) > 4:
    for row in csv.DictReader(open(sys.argv[4])):
        e = (row.get("email") or "").strip().lower()
        if "@" not in e:
            continue
        teams[e] = (row.get("team") or "").strip()
        for k in (row.get("key names") or "").replace("|", ";").split(";"):
            if k.strip():
                mapping[k.strip()] = e
users = {u["id"]: u["email"].lower() for u in F.USERS}
owner = {}
for kid, name, ws, cb, pr in F.KEYS:
    e = mapping.get(name) or users.get(pr) or (users.get(cb[0]) if cb and cb[1] == "user" else None)
    owner[kid] = e
prices = {m["model"]: m for m in json.load(open(sys.argv[5]))["models"]}
def nano_rate(m, k):  # $/MTok -> nano-dollars per token
    return int(D(prices[m][k]) * 1000)
TT = {"uncached_input_tokens": "in", "output_tokens": "out", "cache_read_input_tokens": "cr",
      "cache_creation.ephemeral_5m_input_tokens": "c5", "cache_creation.ephemeral_1h_input_tokens": "c1"}
def tok(r, k):
    return {"in": r["uncached_input_tokens"], "out": r["output_tokens"], "cr": r["cache_read_input_tokens"],
            "c5": r["cache_creation"]["ephemeral_5m_input_tokens"],
            "c1": r["cache_creation"]["ephemeral_1h_input_tokens"], "web": r["server_tool_use"]["web_search_requests"]}[k]
bill = {}
d = dt.date(2026, 2, 1)
while d <= dt.date(2026, 2, 28):
    rows = sorted(F.usage_rows(d), key=lambda r: ((r["api_key_id"] or "").encode(), (r["workspace_id"] or "").encode(),
                  r["model"].encode(), r["service_tier"].encode(), r["context_window"].encode()))
    for c in F.cost_rows(d):
        amt = int(c["amount"] * 10000000)  # cents -> nano-dollars, exact
        if c["cost_type"] == "web_search":
            kind = "web"
        elif c["model"] and c["token_type"] in TT:
            kind = TT[c["token_type"]]
        else:
            kind = "priced"
        w = []
        for r in rows:
            if (r["workspace_id"] or "") != (c["workspace_id"] or ""):
                w.append(0); continue
            if kind in ("web", "priced"):
                pass
            elif r["model"] != c["model"] or (c["service_tier"] and r["service_tier"] != c["service_tier"]):
                w.append(0); continue
            if kind == "priced":
                m = r["model"]
                w.append(sum(tok(r, k) * nano_rate(m, f) for k, f in (("in", "input"), ("out", "output"),
                         ("cr", "cache_read"), ("c5", "cache_write_5m"), ("c1", "cache_write_1h"))))
            else:
                w.append(tok(r, kind))
        total = sum(w)
        if total <= 0:
            bill[None] = bill.get(None, 0) + amt; continue
        heavy = max(range(len(w)), key=lambda i: (w[i], -i))
        given = 0
        for i, r in enumerate(rows):
            if w[i] <= 0 or i == heavy:
                continue
            part = amt * w[i] // total if amt >= 0 else -((-amt) * w[i] // total)
            given += part
            bill[owner.get(r["api_key_id"])] = bill.get(owner.get(r["api_key_id"]), 0) + part
        o = owner.get(rows[heavy]["api_key_id"])
        bill[o] = bill.get(o, 0) + amt - given
    d += dt.timedelta(days=1)
# Claude Code records per person
names = {}
for kid, name, ws, cb, pr in F.KEYS:
    names.setdefault(name, []).append(kid)
cc = {}
d = dt.date(2026, 2, 1)
while d <= dt.date(2026, 2, 28):
    for r in F.cc_records(d):
        a = r["actor"]
        if a["type"] == "user_actor":
            e = a["email_address"].lower()
        else:
            n = a["api_key_name"]
            e = mapping.get(n) or (owner.get(names[n][0]) if len(names.get(n, [])) == 1 else None)
        cc[e] = cc.get(e, 0) + 1
    d += dt.timedelta(days=1)
got_bill = {p["email"]: int(D(p["billCents"]) * 10000000) for p in org["people"]}
got_bill[None] = int(D(org["unattributed"]["billCents"]) * 10000000)
got_cc = {p["email"]: p["claudeCode"]["records"] for p in org["people"]}
got_cc[None] = org["unattributed"]["claudeCode"]["records"]
bad = []
for e in set(bill) | set(got_bill):
    if bill.get(e, 0) != got_bill.get(e, 0):
        bad.append("bill %s: store %s nano != oracle %s" % (e, got_bill.get(e, 0), bill.get(e, 0)))
for e in set(cc) | set(got_cc):
    if cc.get(e, 0) != got_cc.get(e, 0):
        bad.append("claude code records %s: store %s != oracle %s" % (e, got_cc.get(e, 0), cc.get(e, 0)))
for e, t in teams.items():
    p = [x for x in org["people"] if x["email"] == e]
    if not p or p[0]["team"] != t:
        bad.append("team of %s" % e)
print("\n".join("  " + b for b in bad))
sys.exit(1 if bad else 0)
EOF
oracle() { python3 "$T/oracle.py" "$1" unused "$AIU_SRC/tests/fake" ${2:-} "$AIU_SRC/data/pricing.json"; }
oracle_nomap() { python3 "$T/oracle.py" "$1" unused "$AIU_SRC/tests/fake" "$T/empty.csv" "$AIU_SRC/data/pricing.json"; }
printf 'email,name,team,key names\n' > "$T/empty.csv"

check "without people.csv: bill shares and Claude Code records match the oracle (creator/principal rule)" oracle_nomap "$T/before.json"
check "mixed-case emails are one person each (no upper case, no duplicates)" python3 -c "
import json,sys; p=[x['email'] for x in json.load(open('$T/before.json'))['people']]
sys.exit(0 if p==[e.lower() for e in p] and len(p)==len(set(p)) else 1)"
check "Ana's API keys and her Claude Code activity land on one person" python3 -c "
import json,sys; p=[x for x in json.load(open('$T/before.json'))['people'] if x['email']=='ana.lopez@corp.example']
sys.exit(0 if len(p)==1 and p[0]['apiTokens']>0 and p[0]['claudeCode']['sessions']>0 and p[0]['name']==\"Ana O'Neil Lopez\" else 1)"
check "service-account keys and unknown key names stay unattributed" python3 -c "
import json,sys; u=json.load(open('$T/before.json'))['unattributed']
sys.exit(0 if int(u['billCents'].split('.')[0])>0 and u['claudeCode']['records']>0 else 1)"

# people.csv: quoted fields, a comma in a name, mixed case, a bad row (line 5)
cat > "$T/people.csv" <<'EOF'
email,name,team,key names
Dee@Corp.Example,"Dee, the CI owner",Platform,dee-laptop;ci-pipeline
ANA.LOPEZ@CORP.EXAMPLE,,Core,
bob@corp.example,Bob Stone,Core,
not-an-email,Nobody,Core,unknown-key
cy@corp.example,Cy Park,Platform,"cy-agent|unknown-key"
EOF
"$AIU_BIN" org --db "$DB" --people "$T/people.csv" --since 2026-02-01 --until 2026-02-28 > "$T/org.txt" 2> "$T/err" && rc=0 || rc=$?
check "a bad people.csv row makes the import exit non-zero" test "$rc" -ne 0
check "the bad row is named by file and line" grep -q "people.csv:5: field 'email': 'not-an-email' is not an email address" "$T/err"
check "the other rows were imported" grep -q "people: 4 people and 4 key names" "$T/org.txt"
"$AIU_BIN" org --json --db "$DB" --since 2026-02-01 --until 2026-02-28 > "$T/after.json"
check "with people.csv: bill shares, Claude Code records and teams match the oracle" oracle "$T/after.json" "$T/people.csv"
check "API-key activity attributed through people.csv (dee-laptop, ci-pipeline -> dee)" python3 -c "
import json,sys; p=[x for x in json.load(open('$T/after.json'))['people'] if x['email']=='dee@corp.example']
sys.exit(0 if len(p)==1 and p[0]['name']=='Dee, the CI owner' and p[0]['apiKeys']==2 and p[0]['claudeCode']['records']>0 and p[0]['apiTokens']>0 else 1)"
check "a people.csv name does not erase the name from the users list" python3 -c "
import json,sys; p=[x for x in json.load(open('$T/after.json'))['people'] if x['email']=='ana.lopez@corp.example']
sys.exit(0 if p[0]['name']==\"Ana O'Neil Lopez\" and p[0]['team']=='Core' else 1)"
check "coverage went up and stays consistent" python3 -c "
import json,sys
from decimal import Decimal as D
b,a=json.load(open('$T/before.json')),json.load(open('$T/after.json'))
cb,ca=b['coverage'],a['coverage']
s=sum(D(p['billCents']) for p in a['people'])
sys.exit(0 if D(ca['billAttributedCents'])>D(cb['billAttributedCents']) and D(ca['billAttributedCents'])==s
  and ca['claudeCodeRecordsAttributed']>cb['claudeCodeRecordsAttributed'] else 1)"
check "teams sum their people" python3 -c "
import json,sys
from decimal import Decimal as D
a=json.load(open('$T/after.json')); t={x['team']:D(x['billCents']) for x in a['teams']}
s=sum(D(p['billCents']) for p in a['people'] if p['team']=='Platform')
sys.exit(0 if t.get('Platform')==s and 'Core' in t else 1)"
check "text report shows coverage" grep -q "^Coverage: .* of the bill attributed to people" "$T/org.txt"
check "the estimate is labelled as such" grep -q "(ESTIMATE, not part of the bill)" "$T/org.txt"
# re-importing replaces the mapping: dropping dee's keys un-attributes them
printf 'email,name,team,key names\ndee@corp.example,Dee,Platform,\n' > "$T/people2.csv"
check "re-import of a smaller mapping" "$AIU_BIN" org --db "$DB" --people "$T/people2.csv" --quiet
"$AIU_BIN" org --json --db "$DB" --since 2026-02-01 --until 2026-02-28 > "$T/after2.json"
check "the dropped key names no longer attribute" oracle "$T/after2.json" "$T/people2.csv"
check "a missing people.csv is a clear error" bash -c "'$AIU_BIN' org --db '$DB' --people '$T/nope.csv' 2>&1 | grep -q 'nope.csv: No such file'"
finish
