"""Contract checks for `aiusage serve` (used by t_api_*.sh).

Usage: api_check.py contract BASE_URL BIN DB OPENAPI
       api_check.py refresh  BASE_URL BIN DB OPENAPI STATE   (before/after a sync)

Prints TAP-ish "ok - ..." / "not ok - ..." lines; exits 1 if any check failed.
Every response is validated against data/openapi.json (python3-jsonschema);
figures are compared with the terminal reports (`aiusage ... --json`) on the
same store.
"""
import json
import os
from decimal import ROUND_HALF_UP, Decimal
import subprocess
import sys
import urllib.error
import urllib.request

import jsonschema

FAILS = 0


def check(cond, desc, extra=""):
    global FAILS
    if cond:
        print("ok - " + desc)
    else:
        FAILS += 1
        print("not ok - " + desc + (("  # " + str(extra)[:600]) if extra != "" else ""))


class Api:
    def __init__(self, base, openapi_path, token=None):
        self.base = base.rstrip("/")
        self.doc = json.load(open(openapi_path))
        self.token = token
        self._nullable(self.doc)

    def _nullable(self, node):  # OpenAPI 3.0 "nullable" -> JSON Schema type lists
        if isinstance(node, dict):
            if node.get("nullable") is True and "type" in node:
                node["type"] = [node["type"], "null"]
                del node["nullable"]
            for v in node.values():
                self._nullable(v)
        elif isinstance(node, list):
            for v in node:
                self._nullable(v)

    def req(self, path, method="GET", headers=None, body=None):
        h = dict(headers or {})
        if self.token:
            h.setdefault("Authorization", "Bearer " + self.token)
        r = urllib.request.Request(self.base + path, data=body, method=method, headers=h)
        try:
            with urllib.request.urlopen(r, timeout=30) as resp:
                raw = resp.read()
                return resp.status, dict(resp.headers), raw
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def get(self, path, headers=None):
        st, h, raw = self.req(path, headers=headers)
        try:
            js = json.loads(raw) if raw else None
        except ValueError:
            js = None
        return st, h, js

    def validate(self, template, status, body):
        """Validates body against the documented response of template/status."""
        ops = self.doc["paths"].get(template, {}).get("get", {})
        resp = ops.get("responses", {}).get(str(status))
        if resp is None:
            return "status %s not documented for %s" % (status, template)
        schema = resp.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return None
        full = dict(schema)
        full["components"] = self.doc["components"]
        try:
            jsonschema.validate(body, full)
        except jsonschema.ValidationError as e:
            return "%s at %s" % (e.message, list(e.absolute_path))
        return None


def aiu(bin_, db, *args):
    out = subprocess.run([bin_] + list(args) + ["--db", db, "--no-sync", "--json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def r6(x):
    """Dollars rounded half away from zero to 6 decimals, as the API does
    (the terminal reports print exact nano-dollars)."""
    return Decimal(repr(x)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def ok_and_valid(api, template, path, desc):
    st, h, js = api.get(path)
    err = api.validate(template, st, js) if st == 200 else "status %s" % st
    check(st == 200 and err is None, desc + " (200, matches the OpenAPI schema)", err or js)
    return js["data"] if st == 200 and js else None, h


def expect_error(api, template, path, status, code, field=None, desc=None, method="GET",
                 body=None, headers=None):
    st, h, raw = api.req(path, method=method, body=body, headers=headers)
    try:
        js = json.loads(raw)
    except ValueError:
        js = None
    good = st == status and js and js.get("success") is False and js["error"]["code"] == code
    if good and field:
        good = js["error"]["details"].get("field") == field
    err = api.validate(template, st, js) if template else None
    check(good and err is None, desc or "%s %s -> %d %s" % (method, path, status, code),
          err or (st, js))
    return h


def contract(base, bin_, db, openapi):
    api = Api(base, openapi)
    # --- every endpoint: success, schema ------------------------------
    health, _ = ok_and_valid(api, "/api/health", "/api/health", "GET /api/health")
    backend = "postgresql" if db.startswith(("postgres://", "postgresql://")) else "sqlite"
    check(health and health["status"] == "ok" and health["store"] == backend, "health says ok, " + backend)
    st, h, doc = api.get("/api/openapi.json")
    check(st == 200 and doc.get("openapi", "").startswith("3.") and
          set(doc["paths"]) >= {"/api/analytics/overview", "/api/analytics/sessions",
                                "/api/analytics/sessions/{id}", "/api/analytics/daily-usage",
                                "/api/analytics/model-distribution", "/api/analytics/tool-usage",
                                "/api/analytics/projects", "/api/health"},
          "GET /api/openapi.json is an OpenAPI 3 document listing every endpoint")

    daily = aiu(bin_, db, "daily", "--tz", "UTC")
    ov, _ = ok_and_valid(api, "/api/analytics/overview", "/api/analytics/overview?tz=UTC", "overview")
    t = daily["totals"]
    check(ov["inputTokens"] == t["inputTokens"] and ov["outputTokens"] == t["outputTokens"] and
          ov["cacheCreationTokens"] == t["cacheCreationTokens"] and
          ov["cacheReadTokens"] == t["cacheReadTokens"] and ov["totalTokens"] == t["totalTokens"],
          "overview tokens equal `daily --json` totals", (ov, t))
    check(r6(ov["totalCost"]) == r6(t["totalCost"]), "overview totalCost equals daily total (6 decimals)",
          (ov["totalCost"], t["totalCost"]))
    check(ov["costIsEstimate"] is True and ov["unpricedModels"] == daily["unpricedModels"],
          "overview says costs are estimates and lists unpriced models")
    sess_term = aiu(bin_, db, "session", "--tz", "UTC")
    check(sum(m["count"] for m in ov["topModels"]) <= t["requests"] and ov["topModels"][0]["count"] > 0,
          "overview topModels counts are requests")
    tools = aiu(bin_, db, "tools", "--tz", "UTC")
    check([(x["tool"], x["count"]) for x in ov["topTools"]] ==
          [(x["tool"], x["count"]) for x in tools["tools"][:len(ov["topTools"])]],
          "overview topTools equal the head of `tools --json`")

    du, _ = ok_and_valid(api, "/api/analytics/daily-usage", "/api/analytics/daily-usage?tz=UTC",
                         "daily-usage")
    mine = {r["date"]: r for r in du if r["messages"] > 0}
    ref = {r["date"]: r for r in daily["daily"]}
    bad = [d for d in ref if d not in mine or mine[d]["inputTokens"] != ref[d]["inputTokens"] or
           mine[d]["outputTokens"] != ref[d]["outputTokens"] or
           mine[d]["cacheReadTokens"] != ref[d]["cacheReadTokens"] or
           mine[d]["cacheCreationTokens"] != ref[d]["cacheCreationTokens"] or
           mine[d]["messages"] != ref[d]["requests"] or r6(mine[d]["cost"]) != r6(ref[d]["totalCost"])]
    check(not bad and len(mine) == len(ref), "daily-usage rows equal `daily --json` rows (UTC)", bad[:3])
    check([r["date"] for r in du] == sorted((r["date"] for r in du), reverse=True), "daily-usage is newest first")
    sessions_started = sum(r["sessions"] for r in du)
    check(sessions_started == ov["totalSessions"], "daily-usage sessions add up to overview totalSessions")

    for zone in ("Asia/Kolkata", "America/New_York"):
        dz = aiu(bin_, db, "daily", "--tz", zone)
        st, _, js = api.get("/api/analytics/daily-usage?tz=" + zone)
        mine = {r["date"]: (r["messages"], r["inputTokens"], r6(r["cost"])) for r in js["data"] if r["messages"]}
        ref = {r["date"]: (r["requests"], r["inputTokens"], r6(r["totalCost"])) for r in dz["daily"]}
        check(st == 200 and mine == ref, "daily-usage in %s equals `daily --tz %s`" % (zone, zone))

    # a date-only window equals --since/--until
    days = sorted(ref)
    lo, hi = days[len(days) // 4], days[(3 * len(days)) // 4]
    dw = aiu(bin_, db, "daily", "--tz", "UTC", "--since", lo, "--until", hi)
    st, _, js = api.get("/api/analytics/overview?tz=UTC&dateFrom=%s&dateTo=%s" % (lo, hi))
    check(st == 200 and js["data"]["inputTokens"] == dw["totals"]["inputTokens"] and
          r6(js["data"]["totalCost"]) == r6(dw["totals"]["totalCost"]),
          "overview over %s..%s equals `daily --since --until`" % (lo, hi))
    check(js["data"]["dateRange"]["from"] == lo + "T00:00:00.000Z" and
          js["data"]["dateRange"]["to"] == hi + "T23:59:59.999Z", "dateRange echoes the bounds", js["data"]["dateRange"])
    st, _, js2 = api.get("/api/analytics/overview?dateFrom=%sT00:00:00Z&dateTo=%sT23:59:59.999%%2B00:00" % (lo, hi))
    check(st == 200 and js2["data"]["inputTokens"] == js["data"]["inputTokens"],
          "date-time bounds with Z and +00:00 give the same figures")

    md, _ = ok_and_valid(api, "/api/analytics/model-distribution", "/api/analytics/model-distribution",
                         "model-distribution")
    models = aiu(bin_, db, "models")
    check(sorted((m["model"], m["count"], m["totalTokens"], r6(m["totalCost"])) for m in md) ==
          sorted((m["model"], m["requests"], m["totalTokens"], r6(m["totalCost"])) for m in models["models"]),
          "model-distribution equals `models --json`")
    check(abs(sum(m["percentage"] for m in md) - 100) < 1, "model percentages add up to 100")

    tu, _ = ok_and_valid(api, "/api/analytics/tool-usage", "/api/analytics/tool-usage", "tool-usage")
    check([(x["tool"], x["count"], x["percentage"]) for x in tu] ==
          [(x["tool"], x["count"], x["percentage"]) for x in tools["tools"]], "tool-usage equals `tools --json`")

    pr, _ = ok_and_valid(api, "/api/analytics/projects", "/api/analytics/projects", "projects")
    projs = aiu(bin_, db, "projects")
    check(sorted((p["project"], p["inputTokens"], p["outputTokens"], r6(p["totalCost"])) for p in pr) ==
          sorted((p["project"], p["inputTokens"], p["outputTokens"], r6(p["totalCost"])) for p in projs["projects"]),
          "projects equal `projects --json`")
    name = pr[0]["projectName"]
    st, _, js = api.get("/api/analytics/overview?project=" + urllib.request.quote(name))
    check(st == 200 and js["data"]["inputTokens"] == pr[0]["inputTokens"],
          "?project= (basename) restricts the overview to that project")

    ss, _ = ok_and_valid(api, "/api/analytics/sessions", "/api/analytics/sessions?limit=500", "sessions")
    term = {s["sessionId"]: s for s in sess_term["sessions"]}
    rows = {s["id"]: s for s in ss["sessions"]}
    bad = [k for k, s in term.items() if k not in rows or rows[k]["inputTokens"] != s["inputTokens"] or
           rows[k]["outputTokens"] != s["outputTokens"] or r6(rows[k]["cost"]) != r6(s["totalCost"])]
    check(not bad, "every session's tokens and cost equal `session --json`", bad[:3])
    check(ss["pagination"]["total"] == ov["totalSessions"] and not ss["pagination"]["hasMore"],
          "sessions pagination total = overview totalSessions")
    starts = [s["startTime"] for s in ss["sessions"]]
    check(starts == sorted(starts, reverse=True), "sessions default to startTime desc")
    st, _, p1 = api.get("/api/analytics/sessions?limit=3&offset=0&sort=cost&order=desc")
    st2, _, p2 = api.get("/api/analytics/sessions?limit=3&offset=3&sort=cost&order=desc")
    allc = sorted((s["cost"] for s in ss["sessions"]), reverse=True)
    check([s["cost"] for s in p1["data"]["sessions"] + p2["data"]["sessions"]] == allc[:6] and
          p1["data"]["pagination"]["hasMore"] is True and p1["data"]["pagination"]["limit"] == 3,
          "sort=cost pages are the costliest sessions in order")
    st, _, pa = api.get("/api/analytics/sessions?sort=duration&order=asc&limit=500")
    durs = [s["duration"] for s in pa["data"]["sessions"]]
    check(durs == sorted(durs), "sort=duration&order=asc")

    sid = max(ss["sessions"], key=lambda s: s["messages"])["id"]
    sd, _ = ok_and_valid(api, "/api/analytics/sessions/{id}", "/api/analytics/sessions/" + sid,
                         "session detail")
    a_in = sum(m["inputTokens"] for m in sd["messages"] if m["role"] == "assistant")
    a_out = sum(m["outputTokens"] for m in sd["messages"] if m["role"] == "assistant")
    check(sd["session"]["id"] == sid and a_in == sd["session"]["inputTokens"] and
          a_out == sd["session"]["outputTokens"] and sd["messagesTotal"] == len(sd["messages"]),
          "session detail messages add up to the session's tokens", (a_in, a_out, sd["session"]))
    check(any(m["role"] == "user" and m["content"] for m in sd["messages"]), "session detail has user text")
    st, _, pg = api.get("/api/analytics/sessions/%s?limit=2&offset=1" % sid)
    check(st == 200 and [m["id"] for m in pg["data"]["messages"]] == [m["id"] for m in sd["messages"][1:3]],
          "session detail pages its messages")

    # --- errors ---------------------------------------------------------
    ov_t = "/api/analytics/overview"
    for q, field in (("dateFrom=yesterday", "dateFrom"), ("dateTo=2025-13-01", "dateTo"),
                     ("dateFrom=20251101", "dateFrom"), ("dateFrom=2025-11-01T10:00:00", "dateFrom"),
                     ("dateTo=2025-02-30", "dateTo"), ("dateFrom=2025-11-02&dateTo=2025-11-01", "dateFrom"),
                     ("tz=Mars/Base", "tz"), ("tz=../../etc/passwd", "tz"), ("project=", "project")):
        expect_error(api, ov_t, ov_t + "?" + q, 400, "VALIDATION_ERROR", field)
    s_t = "/api/analytics/sessions"
    for q, field in (("limit=0", "limit"), ("limit=501", "limit"), ("limit=abc", "limit"),
                     ("offset=-1", "offset"), ("offset=1x", "offset"), ("sort=name", "sort"),
                     ("order=up", "order")):
        expect_error(api, s_t, s_t + "?" + q, 400, "VALIDATION_ERROR", field)
    for ep in ("daily-usage", "model-distribution", "tool-usage", "projects"):
        expect_error(api, "/api/analytics/" + ep, "/api/analytics/%s?dateTo=nope" % ep, 400,
                     "VALIDATION_ERROR", "dateTo")
    expect_error(api, "/api/analytics/sessions/{id}", "/api/analytics/sessions/no-such-session", 404,
                 "NOT_FOUND", desc="unknown session id -> 404 NOT_FOUND")
    expect_error(api, "/api/analytics/sessions/{id}", "/api/analytics/sessions/%s?limit=5001" % sid, 400,
                 "VALIDATION_ERROR", "limit")
    expect_error(api, None, "/api/analytics/nothing", 404, "NOT_FOUND", desc="unknown /api path -> 404")
    expect_error(api, None, "/api", 404, "NOT_FOUND", desc="/api itself -> 404")
    h = expect_error(api, None, ov_t, 405, "METHOD_NOT_ALLOWED", method="DELETE",
                     desc="DELETE on overview -> 405")
    check(h.get("Allow") == "GET", "405 names the allowed methods", h.get("Allow"))
    expect_error(api, None, ov_t, 405, "METHOD_NOT_ALLOWED", method="POST", body=b"{}",
                 headers={"Content-Type": "application/json"}, desc="POST on overview -> 405")
    expect_error(api, None, ov_t, 413, "PAYLOAD_TOO_LARGE", method="POST", body=b"x" * 5000,
                 headers={"Content-Type": "application/json"}, desc="5,000-byte body -> 413")
    st, _, raw = api.req("/api/health?" + "a=" + "x" * 9000)
    check(st in (414, 431), "URL over 8 KiB is refused", st)

    # --- cache: ETag / 304 ----------------------------------------------
    st, h1, b1 = api.req("/api/analytics/daily-usage?tz=UTC")
    etag = h1.get("ETag")
    st2, h2, b2 = api.req("/api/analytics/daily-usage?tz=UTC", headers={"If-None-Match": etag})
    check(etag and st2 == 304 and b2 == b"", "If-None-Match with the ETag -> 304, empty body", (etag, st2))
    st3, h3, b3 = api.req("/api/analytics/daily-usage?tz=UTC", headers={"If-None-Match": '"0-0"'})
    check(st3 == 200 and b3 == b1, "a different ETag -> 200 with the same body")
    st4, h4, b4 = api.req("/api/analytics/daily-usage?tz=UTC&dateFrom=%s" % lo)
    check(st4 == 200 and b4 != b1 and h4.get("ETag") != etag, "other parameters are another cache entry")
    _, h5, _ = api.req("/api/analytics/overview?tz=UTC&dateTo=%s&dateFrom=%s" % (hi, lo))
    _, h6, _ = api.req("/api/analytics/overview?dateFrom=%s&tz=UTC&dateTo=%s" % (lo, hi))
    check(h5.get("ETag") == h6.get("ETag"), "argument order does not matter (normalised key)")

    # --- headers ----------------------------------------------------------
    check(h1.get("X-Content-Type-Options") == "nosniff" and h1.get("Cache-Control") == "no-cache" and
          h1.get("Content-Type", "").startswith("application/json"),
          "API responses: nosniff, Cache-Control no-cache, JSON", h1)
    check("Access-Control-Allow-Origin" not in h1, "no CORS headers without --cors-origin")
    st, hs, body = api.req("/")
    check(st == 200 and hs.get("Content-Type", "").startswith("text/html") and
          "default-src 'self'" in hs.get("Content-Security-Policy", ""),
          "GET / serves the dashboard with a CSP", (st, hs))
    st, hs2, body2 = api.req("/sessions/abc")
    check(st == 200 and body2 == body, "an unknown non-API path without an extension serves index.html")
    st, _, _ = api.req("/no-such-file.js")
    check(st == 404, "an unknown file is 404")
    st, _, _ = api.req("/", headers={"If-None-Match": hs.get("ETag", "x")})
    check(st == 304, "static files honour If-None-Match")
    return FAILS


def refresh(base, bin_, db, openapi, state):
    """Before a sync: remember the ETag; after: it must change with the data."""
    api = Api(base, openapi)
    st, h, raw = api.req("/api/analytics/overview?tz=UTC")
    js = json.loads(raw)
    daily = aiu(bin_, db, "daily", "--tz", "UTC")
    check(st == 200 and js["data"]["inputTokens"] == daily["totals"]["inputTokens"],
          "overview equals the store's daily totals (%s)" % state)
    state_path = os.environ.get("API_CHECK_STATE") or db + ".etag"  # db may be a URL
    try:
        prev = json.load(open(state_path))
    except (OSError, ValueError):
        prev = None
    if prev:
        st2, _, _ = api.req("/api/analytics/overview?tz=UTC", headers={"If-None-Match": prev["etag"]})
        check(st2 == 200 and h.get("ETag") != prev["etag"] and
              js["data"]["inputTokens"] != prev["input"],
              "after a sync the cached answer is not served: new ETag, new figures", (st2, h.get("ETag"), prev))
        _, _, hl = api.get("/api/health")
        check(hl["data"]["dataVersion"] > prev["version"], "health dataVersion moved")
    _, _, hl = api.get("/api/health")
    json.dump({"etag": h.get("ETag"), "input": js["data"]["inputTokens"],
               "version": hl["data"]["dataVersion"]}, open(state_path, "w"))
    return FAILS


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "contract":
        sys.exit(1 if contract(*sys.argv[2:6]) else 0)
    if mode == "refresh":
        sys.exit(1 if refresh(*sys.argv[2:7]) else 0)
    sys.exit(2)
