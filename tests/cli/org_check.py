"""Contract checks for /api/org/... (used by t_api_org.sh; docs/ORG_API.md).

Usage: org_check.py BASE_URL OPENAPI FAKE_DIR FROM TO TODAY TOKEN

The store was filled by `aiusage pull anthropic` from tests/fake/fake_anthropic.py
and a people.csv (Core: ana, bob; Platform: cy, dee with key dee-laptop).
Every expected figure is computed here independently from the fake's fixture
(exact decimals, no aiusage code), and every JSON answer is validated against
data/openapi.json. Prints ok / not ok lines; exits 1 if any check failed.
"""
import csv
import datetime as dt
import io
import sys
from decimal import Decimal as D

sys.path.insert(0, sys.argv[3])
sys.path.insert(0, __file__.rsplit("/", 1)[0])
import fake_anthropic as F  # noqa: E402
from api_check import Api, check, expect_error  # noqa: E402
import api_check  # noqa: E402

BASE, OPENAPI = sys.argv[1], sys.argv[2]
FROM, TO, TODAY = (dt.date.fromisoformat(x) for x in sys.argv[4:7])
TOKEN = sys.argv[7]
api = Api(BASE, OPENAPI, token=TOKEN)
Q = "?dateFrom=%s&dateTo=%s" % (FROM, TO)
TEAM = {"ana.lopez@corp.example": "Core", "bob@corp.example": "Core", "cy@corp.example": "Platform",
        "dee@corp.example": "Platform"}
KEYMAP = {"dee-laptop": "dee@corp.example"}      # people.csv key names
USER_EMAIL = {u["id"]: u["email"].lower() for u in F.USERS}


def nano(c):
    return int(D(c) * 10 ** 7)


def cents(n):  # the API's exact decimal text of a nano-dollar integer
    s = "%s%d.%07d" % ("-" if n < 0 else "", abs(n) // 10 ** 7, abs(n) % 10 ** 7)
    return s.rstrip("0") if not s.endswith(".0000000") else s[:s.index(".") + 2]


def key_owner(kid):
    for k in F.KEYS:
        if k[0] != kid:
            continue
        if k[1] in KEYMAP:
            return KEYMAP[k[1]]
        if k[4]:
            return USER_EMAIL.get(k[4])
        if k[3] and k[3][1] == "user":
            return USER_EMAIL.get(k[3][0])
    return None


def cc_owner(r):
    a = r["actor"]
    if a["type"] == "user_actor":
        return a["email_address"].lower()
    name = a["api_key_name"]
    if name in KEYMAP:
        return KEYMAP[name]
    ks = [k for k in F.KEYS if k[1] == name]
    return key_owner(ks[0][0]) if len(ks) == 1 else None


def days(a, b):
    return list(F.days(a, b))


def get_ok(template, path, desc):
    data, _h = api_check.ok_and_valid(api, template, path, desc)
    return data


def get_csv(path):
    st, h, raw = api.req(path)
    ct = {k.lower(): v for k, v in h.items()}.get("content-type", "")
    rows = list(csv.reader(io.StringIO(raw.decode()))) if st == 200 else []
    return st, ct, raw, rows


W = days(FROM, TO)
cost = [c for d in W for c in F.cost_rows(d)]
bill = sum(nano(c["amount"]) for c in cost)

# --- overview ---------------------------------------------------------------
ov = get_ok("/api/org/overview", "/api/org/overview" + Q, "overview")
if ov:
    check(ov["billCents"] == cents(bill), "overview: bill equals the fixture's cost report to the cent",
          (ov["billCents"], cents(bill)))
    check(ov["totalCents"] == ov["billCents"] and ov["seatCents"] == "0.0",
          "overview: total = bill (no seat source in this store), estimates not added")
    months = {}
    for d in W:
        for c in F.cost_rows(d):
            months[d.strftime("%Y-%m")] = months.get(d.strftime("%Y-%m"), 0) + nano(c["amount"])
    got = {m["month"]: m["billCents"] for m in ov["byMonth"]}
    check(got == {k: cents(v) for k, v in months.items()}, "overview: byMonth equals the fixture", got)
    last = max(d for d in W if F.cost_rows(d))
    n7 = sum(nano(c["amount"]) for d in days(last - dt.timedelta(days=6), last) for c in F.cost_rows(d))
    check(ov["runRate"]["dailyCents"] == cents(n7 // 7) and ov["runRate"]["monthlyCents"] == cents(n7 // 7 * 30),
          "overview: run rate = last 7 billed days / 7 (x 30 a month)", ov["runRate"])
    est = sum(D(str(m["estimated_cost"]["amount"])) for d in W for r in F.cc_records(d) for m in r["model_breakdown"])
    check(D(ov["estimates"]["estimatedClaudeCodeCents"]) == est and ov["estimates"]["isEstimate"] is True,
          "overview: Claude Code estimate kept apart, equal to the fixture", ov["estimates"])
    b = ov["budget"]
    mstart = dt.date(TO.year, TO.month, 1)
    actual = sum(nano(c["amount"]) for d in days(mstart, TO) for c in F.cost_rows(d))
    check(b["monthlyCents"] == "500000.0" and b["actualCents"] == cents(actual) and
          b["remainingCents"] == cents(500000 * 10 ** 7 - actual),
          "overview: budget from [budget] monthly against the month's actual bill", b)
st, ct, raw, rows = get_csv("/api/org/overview" + Q + "&format=csv")
check(st == 200 and ct.startswith("text/csv") and rows[0] == ["month", "tool", "source", "billCents"] and
      sum(nano(r[3]) for r in rows[1:]) == bill and raw.endswith(b"\r\n"),
      "overview CSV: text/csv, header, CRLF, months sum to the bill", (st, ct, rows[:3]))
ov_api = get_ok("/api/org/overview", "/api/org/overview" + Q + "&tool=cursor", "overview tool=cursor")
check(ov_api and ov_api["byTool"] == [] and ov_api["billCents"] == "0.0",
      "overview: tool=cursor has no Anthropic rows (never zero-filled rows)", ov_api and ov_api["byTool"])

# --- cost -------------------------------------------------------------------
co = get_ok("/api/org/cost", "/api/org/cost" + Q, "cost")
if co:
    ws, model, tt = {}, {}, {}
    for c in cost:
        n = nano(c["amount"])
        ws[c["workspace_id"] or ""] = ws.get(c["workspace_id"] or "", 0) + n
        mk = c["model"] or "(%s)" % c["cost_type"]
        model[mk] = model.get(mk, 0) + n
        tk = c["token_type"] or c["cost_type"]
        tt[tk] = tt.get(tk, 0) + n
    check({w["workspaceId"]: w["billCents"] for w in co["byWorkspace"]} == {k: cents(v) for k, v in ws.items()},
          "cost: byWorkspace equals the fixture (Default workspace is its own row)")
    check([w["name"] for w in co["byWorkspace"] if w["workspaceId"] == ""] == ["Default"], "cost: Default named")
    check({m["model"]: m["billCents"] for m in co["byModel"]} == {k: cents(v) for k, v in model.items()},
          "cost: byModel equals the fixture")
    check({m["tokenType"]: m["billCents"] for m in co["byTokenType"]} == {k: cents(v) for k, v in tt.items()},
          "cost: byTokenType equals the fixture")
    out = sum(r["output_tokens"] for d in W for r in F.usage_rows(d))
    check(co["tokens"]["output"] == out, "cost: output tokens equal the fixture")
    check(sum(nano(m["billCents"]) for m in co["byModel"]) == bill, "cost: byModel sums to the bill")
st, ct, raw, rows = get_csv("/api/org/cost" + Q + "&format=csv")
check(st == 200 and rows[0] == ["dimension", "key", "label", "billCents"] and
      sum(nano(r[3]) for r in rows[1:] if r[0] == "workspace") == bill,
      "cost CSV: workspace rows sum to the bill", rows[:2])

# --- people, person, teams -------------------------------------------------
pe = get_ok("/api/org/people", "/api/org/people" + Q, "people")
if pe:
    emails = {p["email"] for p in pe["people"]}
    check({"ana.lopez@corp.example", "bob@corp.example", "cy@corp.example", "eve@corp.example",
           "dee@corp.example"} <= emails and not any(e != e.lower() for e in emails),
          "people: one person per case-folded email", emails)
    total = sum(nano(p["billCents"]) for p in pe["people"]) + nano(pe["unattributed"]["billCents"])
    check(total == bill, "people: shares + unattributed = the bill, to the cent", (cents(total), cents(bill)))
    for em in ("ana.lopez@corp.example", "dee@corp.example"):
        recs = [r for d in W for r in F.cc_records(d) if cc_owner(r) == em]
        p = [x for x in pe["people"] if x["email"] == em][0]
        check(p["claudeCode"]["sessions"] == sum(r["core_metrics"]["num_sessions"] for r in recs) and
              p["claudeCode"]["records"] == len(recs),
              "people: %s's Claude Code sessions equal the fixture (mixed-case / key-name actors)" % em)
    check(all(p["team"] == TEAM.get(p["email"], "(no team)") for p in pe["people"]), "people: teams from people.csv")
    tp = get_ok("/api/org/people", "/api/org/people" + Q + "&team=Core", "people team=Core")
    check(tp and {p["email"] for p in tp["people"]} == {"ana.lopez@corp.example", "bob@corp.example"},
          "people: team filter", tp and [p["email"] for p in tp["people"]])
    st, ct, raw, rows = get_csv("/api/org/people" + Q + "&format=csv")
    check(st == 200 and len(rows) == len(pe["people"]) + 2 and sum(nano(r[3]) for r in rows[1:]) == bill,
          "people CSV: a row per person + unattributed, summing to the bill", (st, len(rows)))
    inj = [r for r in rows[1:] if r[0] == "bob@corp.example"]
    check(inj and inj[0][1] == "'=HYPERLINK(\"http://x\",\"Bob, Jr\")",
          "people CSV: formula cell neutralised, quotes and comma round-trip (RFC 4180)", inj)
    check(b'"\'=HYPERLINK(""http://x"",""Bob, Jr"")"' in raw, "people CSV: quoted with doubled quotes")
    one = get_ok("/api/org/people/{email}", "/api/org/people/ANA.Lopez@Corp.Example" + Q, "person (mixed case)")
    if one:
        ana = [x for x in pe["people"] if x["email"] == "ana.lopez@corp.example"][0]
        check(one["person"] == ana, "person: same row as the people list")
        check(sum(nano(d["billCents"]) for d in one["daily"]) == nano(ana["billCents"]),
              "person: daily bill shares sum to the person's share")
        check([k["id"] for k in one["keys"]] == ["apikey_01ana"] and one["keys"][0]["via"] == "creator",
              "person: keys and how they were attributed", one["keys"])
    dee = get_ok("/api/org/people/{email}", "/api/org/people/dee@corp.example" + Q, "person via people.csv")
    check(dee and dee["keys"] and dee["keys"][0]["via"] == "people.csv", "person: key mapped by people.csv",
          dee and dee["keys"])
    st, ct, raw, rows = get_csv("/api/org/people/ana.lopez@corp.example" + Q + "&format=csv")
    check(st == 200 and rows[0][0] == "date" and len(rows) == len(one["daily"]) + 1, "person CSV: daily rows")
te = get_ok("/api/org/teams", "/api/org/teams" + Q, "teams")
if te and pe:
    core = [t for t in te["teams"] if t["team"] == "Core"][0]
    want = sum(nano(p["billCents"]) for p in pe["people"] if TEAM.get(p["email"]) == "Core")
    check(core["people"] == 2 and nano(core["billCents"]) == want, "teams: Core = ana + bob", core)
    st, ct, raw, rows = get_csv("/api/org/teams" + Q + "&format=csv")
    check(st == 200 and rows[0][:2] == ["team", "people"] and len(rows) == len(te["teams"]) + 1, "teams CSV")

# --- adoption ---------------------------------------------------------------
ad = get_ok("/api/org/adoption", "/api/org/adoption" + Q, "adoption")
if ad:
    want = {}
    for d in W:
        cc = {cc_owner(r) for r in F.cc_records(d)} - {None}
        api_ = {key_owner(r["api_key_id"]) for r in F.usage_rows(d) if r["api_key_id"]} - {None}
        if cc:
            want[(d.isoformat(), "claude_code")] = len(cc)
        if api_:
            want[(d.isoformat(), "claude_api")] = len(api_)
    got = {(x["date"], x["tool"]): x["activeUsers"] for x in ad["daily"]}
    check(got == want, "adoption: daily active people per tool equal the fixture",
          sorted(set(got.items()) ^ set(want.items()))[:6])
    mon = {}
    for d in W:
        for r in F.cc_records(d):
            if cc_owner(r):
                mon.setdefault(d.strftime("%Y-%m"), set()).add(cc_owner(r))
    gotm = {x["month"]: x["activeUsers"] for x in ad["monthly"] if x["tool"] == "claude_code"}
    check(gotm == {k: len(v) for k, v in mon.items()}, "adoption: monthly active equal the fixture", gotm)
    wk = {}
    for d in W:
        for r in F.cc_records(d):
            if cc_owner(r):
                wk.setdefault((d - dt.timedelta(days=d.weekday())).isoformat(), set()).add(cc_owner(r))
    gotw = {x["week"]: x["activeUsers"] for x in ad["weekly"] if x["tool"] == "claude_code"}
    check(gotw == {k: len(v) for k, v in wk.items()}, "adoption: ISO-week active equal the fixture")
    seats = {s["tool"]: s for s in ad["seats"]}
    active_cc = {e for v in mon.values() for e in v}
    users = {u["email"].lower() for u in F.USERS}
    check(seats["claude_code"]["seats"] == 3 and
          set(seats["claude_code"]["idleSeats"]) == users - active_cc,
          "adoption: seats = org users, idle = users without Claude Code activity", seats.get("claude_code"))
    st, ct, raw, rows = get_csv("/api/org/adoption" + Q + "&format=csv")
    check(st == 200 and len(rows) == len(ad["daily"]) + 1, "adoption CSV: a row per day and tool")
    tcc = get_ok("/api/org/adoption", "/api/org/adoption" + Q + "&tool=claude_code&team=Platform", "adoption filtered")
    check(tcc and all(x["tool"] == "claude_code" for x in tcc["daily"]) and
          max(x["activeUsers"] for x in tcc["daily"]) <= 2, "adoption: tool and team filters")

# --- productivity -----------------------------------------------------------
pr = get_ok("/api/org/productivity", "/api/org/productivity" + Q, "productivity")
if pr:
    recs = [r for d in W for r in F.cc_records(d)]
    c = pr["claudeCode"]
    acc = sum(t["accepted"] for r in recs for t in r["tool_actions"].values())
    rej = sum(t["rejected"] for r in recs for t in r["tool_actions"].values())
    check((c["linesAdded"], c["linesRemoved"], c["commits"], c["pullRequests"], c["editAccepted"], c["editRejected"])
          == (sum(r["core_metrics"]["lines_of_code"]["added"] for r in recs),
              sum(r["core_metrics"]["lines_of_code"]["removed"] for r in recs),
              sum(r["core_metrics"]["commits_by_claude_code"] for r in recs),
              sum(r["core_metrics"]["pull_requests_by_claude_code"] for r in recs), acc, rej),
          "productivity: Claude Code lines, commits, PRs, tool actions equal the fixture")
    check(abs(c["editAcceptRate"] - acc / (acc + rej)) < 1e-4, "productivity: accept rate")
    check(pr["cursor"] is None and pr["commits"] is None, "productivity: no Cursor data -> null, not zeros")
    check("future_tool" in {t["tool"] for t in c["byTool"]}, "productivity: open-ended tool_actions kept")
    st, ct, raw, rows = get_csv("/api/org/productivity" + Q + "&format=csv")
    check(st == 200 and sum(int(r[2]) for r in rows[1:]) == c["linesAdded"], "productivity CSV sums")

# --- freshness --------------------------------------------------------------
fr = get_ok("/api/org/freshness", "/api/org/freshness" + Q, "freshness")
if fr:
    src = {s["source"]: s for s in fr["sources"]}
    a = src.get("anthropic")
    check(a and a["lastSuccess"] and fr["runs"] and fr["runs"][0]["status"] == "ok",
          "freshness: last successful pull shown", a)
    gaps, start = [], None
    end = min(TO, TODAY - dt.timedelta(days=1))
    for d in days(FROM, end + dt.timedelta(days=1)):
        have = d > end or bool(F.cost_rows(d))
        if not have and start is None:
            start = d
        if have and start is not None:
            gaps.append({"from": start.isoformat(), "to": (d - dt.timedelta(days=1)).isoformat()})
            start = None
    check(a and a["gaps"] == gaps, "freshness: gaps = days without any bill row", (a and a["gaps"], gaps))
    st, ct, raw, rows = get_csv("/api/org/freshness" + Q + "&format=csv")
    check(st == 200 and len(rows) == len(fr["runs"]) + 1, "freshness CSV: a row per run")

# --- errors -----------------------------------------------------------------
for q, field in (("dateFrom=2026-13-01", "dateFrom"), ("dateTo=yesterday", "dateTo"),
                 ("dateFrom=2026-03-02T00:00:00Z", "dateFrom"), ("dateFrom=2026-03-10&dateTo=2026-03-01", "dateFrom"),
                 ("tool=copilot", "tool"), ("format=xml", "format"), ("team=", "team"),
                 ("dateFrom=2020-01-01&dateTo=2026-01-01", "dateFrom")):
    for ep in ("overview", "people", "adoption", "freshness"):
        expect_error(api, "/api/org/" + ep, "/api/org/%s?%s" % (ep, q), 400, "VALIDATION_ERROR", field)
expect_error(api, "/api/org/people/{email}", "/api/org/people/nobody@corp.example", 404, "NOT_FOUND")
expect_error(api, "/api/org/cost", "/api/org/cost?format=csv", 401, "UNAUTHORIZED",
             headers={"Authorization": "Bearer wrong"}, desc="wrong token -> 401 (CSV too)")
expect_error(api, None, "/api/org/overview", 405, "METHOD_NOT_ALLOWED", method="POST", body=b"{}")
sys.exit(1 if api_check.FAILS else 0)
