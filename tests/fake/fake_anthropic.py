#!/usr/bin/env python3
"""Fake Anthropic Admin API for aiusage's black-box tests (Python stdlib only).

Faithful to ../shared/reference/external-apis.md section A:
  GET /v1/organizations/usage_report/messages   1d buckets, oldest first, empty buckets
                                                 included, group_by[] aggregation, nested
                                                 cache_creation / server_tool_use, null
                                                 workspace_id = Default, null api_key_id =
                                                 Console/Workbench; limit/page/has_more/next_page
  GET /v1/organizations/cost_report              amount = decimal STRING of cents; group_by[]
                                                 workspace_id, description
  GET /v1/organizations/usage_report/claude_code one UTC day per call (starting_at=YYYY-MM-DD),
                                                 user_actor / api_actor, is_remote rows apart,
                                                 tool_actions open-ended, estimated_cost cents
  GET /v1/organizations/{users,workspaces,api_keys}
                                                 limit / after_id, has_more, first_id, last_id,
                                                 ETag + If-None-Match -> 304
Every request needs x-api-key == --key and an anthropic-version header (401 / 400 otherwise,
with the documented error body).

Fault injection (flags): --fail-429-every N (every Nth request is a 429; odd ones carry
retry-after: 1, even ones none), --fail-5xx-every N (500/503/529 in turn), --bad-day
YYYY-MM-DD (one cost row with a malformed amount and one Claude Code record without an actor
on that day), --malformed-once (the first usage_report/messages page is not JSON),
--slow-ms N (delay every answer), --report-page-max N / --list-page-max N / --cc-page-max N
(server-side page caps, so paging is exercised).

The same module computes the expected figures independently from the fixture:
  fake_anthropic.py --expect --since D --until D    prints JSON totals (exact decimals)
Run as a server it prints "PORT PID" and exits after --idle seconds without requests.
"""
import base64, datetime as dt, hashlib, json, os, random, sys, threading, time, urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DATA_START = dt.date(2026, 1, 1)
DATA_END = dt.date(2026, 6, 30)

WORKSPACES = [
    {"id": "wrkspc_01CC", "type": "workspace", "name": "Claude Code", "archived_at": None},
    {"id": "wrkspc_01RS", "type": "workspace", "name": "Research", "archived_at": None},
    {"id": "wrkspc_01OLD", "type": "workspace", "name": "Old", "archived_at": "2026-02-01T00:00:00Z"},
]
USERS = [
    {"id": "user_ana", "type": "user", "email": "Ana.Lopez@Corp.Example", "name": "Ana O'Neil Lopez", "role": "developer"},
    {"id": "user_bob", "type": "user", "email": "bob@corp.example", "name": "Bob Stone", "role": "admin"},
    {"id": "user_cy", "type": "user", "email": "cy@corp.example", "name": "Cy Park", "role": "claude_code_user"},
]
KEYS = [  # (id, name, workspace, created_by, principal)
    ("apikey_01ana", "claude_code_key_ana_ab12", "wrkspc_01CC", ("user_ana", "user"), None),
    ("apikey_01bob", "bob-dev-key", None, ("user_bob", "user"), None),
    ("apikey_01ci", "ci-pipeline", "wrkspc_01RS", ("sa_ci", "service_account"), None),
    ("apikey_01dee", "dee-laptop", "wrkspc_01CC", ("sa_ci", "service_account"), None),
    ("apikey_01cy", "cy-agent", "wrkspc_01RS", None, "user_cy"),
]
MODELS = {  # list prices in cents per token (exact decimals)
    "claude-sonnet-4-5": {"in": Decimal("0.0003"), "out": Decimal("0.0015"), "cr": Decimal("0.00003"),
                          "c5": Decimal("0.000375"), "c1": Decimal("0.0006"), "name": "Claude Sonnet 4.5"},
    "claude-haiku-4-5": {"in": Decimal("0.0001"), "out": Decimal("0.0005"), "cr": Decimal("0.00001"),
                         "c5": Decimal("0.000125"), "c1": Decimal("0.0002"), "name": "Claude Haiku 4.5"},
    "claude-opus-4-1": {"in": Decimal("0.0015"), "out": Decimal("0.0075"), "cr": Decimal("0.00015"),
                        "c5": Decimal("0.001875"), "c1": Decimal("0.003"), "name": "Claude Opus 4.1"},
}
TOKEN_TYPES = [("uncached_input_tokens", "in", "Input Tokens"), ("output_tokens", "out", "Output Tokens"),
               ("cache_read_input_tokens", "cr", "Input Tokens, Cache Hit"),
               ("cache_creation.ephemeral_5m_input_tokens", "c5", "Input Tokens, Cache Write 5m"),
               ("cache_creation.ephemeral_1h_input_tokens", "c1", "Input Tokens, Cache Write 1h")]
CC_ACTORS = [("user_actor", "ANA.LOPEZ@corp.example"), ("user_actor", "cy@Corp.Example"),
             ("user_actor", "eve@corp.example"), ("api_actor", "dee-laptop"), ("api_actor", "ci-pipeline"),
             ("api_actor", "unknown-key")]


def day_seed(d, salt):
    return int(hashlib.sha256(("%s/%s" % (d.isoformat(), salt)).encode()).hexdigest()[:12], 16)


def usage_rows(d):
    """Finest-grain usage rows of day d (all dimensions set; None where the API sends null)."""
    if d < DATA_START or d > DATA_END or d.toordinal() % 9 == 0:
        return []  # an empty bucket every 9th day
    rnd = random.Random(day_seed(d, "usage"))
    rows = []
    for kid, _name, ws, _cb, _pr in KEYS + [(None, None, None, None, None)]:  # None key = Workbench
        for m in MODELS:
            if rnd.random() < 0.35:
                continue
            rows.append({
                "api_key_id": kid, "workspace_id": ws, "model": m,
                "service_tier": rnd.choice(["standard", "standard", "batch"]),
                "context_window": "0-200k", "inference_geo": None, "account_id": None,
                "service_account_id": None,
                "uncached_input_tokens": rnd.randrange(0, 200000),
                "cache_creation": {"ephemeral_5m_input_tokens": rnd.randrange(0, 30000),
                                   "ephemeral_1h_input_tokens": rnd.randrange(0, 5000)},
                "cache_read_input_tokens": rnd.randrange(0, 900000),
                "output_tokens": rnd.randrange(0, 60000),
                "server_tool_use": {"web_search_requests": rnd.randrange(0, 4)},
            })
    return rows


def cost_rows(d):
    """Cost rows of day d grouped by workspace and description (amount: Decimal cents)."""
    agg = {}
    for r in usage_rows(d):
        p = MODELS[r["model"]]
        tier = r["service_tier"]
        counts = {"in": r["uncached_input_tokens"], "out": r["output_tokens"], "cr": r["cache_read_input_tokens"],
                  "c5": r["cache_creation"]["ephemeral_5m_input_tokens"],
                  "c1": r["cache_creation"]["ephemeral_1h_input_tokens"]}
        for tt, k, label in TOKEN_TYPES:
            price = p[k] / 2 if tier == "batch" else p[k]
            desc = "%s Usage - %s%s" % (p["name"], label, ", Batch" if tier == "batch" else "")
            key = (r["workspace_id"], desc)
            e = agg.setdefault(key, {"workspace_id": r["workspace_id"], "description": desc, "cost_type": "tokens",
                                     "token_type": tt, "model": r["model"],
                                     "service_tier": "batch" if tier == "batch" else "standard",
                                     "context_window": "0-200k", "inference_geo": None, "amount": Decimal(0)})
            e["amount"] += price * counts[k]
        ws = r["server_tool_use"]["web_search_requests"]
        if ws:
            key = (r["workspace_id"], "Web Search Usage")
            e = agg.setdefault(key, {"workspace_id": r["workspace_id"], "description": "Web Search Usage",
                                     "cost_type": "web_search", "token_type": None, "model": None,
                                     "service_tier": None, "context_window": None, "inference_geo": None,
                                     "amount": Decimal(0)})
            e["amount"] += Decimal(1) * ws
    if agg and d.toordinal() % 5 == 0:  # code execution: only in the cost report
        agg[("wrkspc_01RS", "Code Execution Usage")] = {
            "workspace_id": "wrkspc_01RS", "description": "Code Execution Usage", "cost_type": "code_execution",
            "token_type": None, "model": None, "service_tier": None, "context_window": None,
            "inference_geo": None, "amount": Decimal("5.123456")}
    return [v for _k, v in sorted(agg.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))]


def cc_records(d):
    if d < DATA_START or d > DATA_END:
        return []
    rnd = random.Random(day_seed(d, "cc"))
    out = []
    for atype, who in CC_ACTORS:
        for remote in (False, True):
            if rnd.random() < 0.4:
                continue
            actor = {"type": atype}
            actor["email_address" if atype == "user_actor" else "api_key_name"] = who
            tools = {t: {"accepted": rnd.randrange(0, 40), "rejected": rnd.randrange(0, 5)}
                     for t in ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")}
            if rnd.random() < 0.3:
                tools["future_tool"] = {"accepted": 1, "rejected": 0}
            mb = []
            for m in rnd.sample(sorted(MODELS), 2):
                amt = rnd.randrange(0, 900)
                mb.append({"model": m, "tokens": {"input": rnd.randrange(0, 90000), "output": rnd.randrange(0, 9000),
                                                  "cache_read": rnd.randrange(0, 500000),
                                                  "cache_creation": rnd.randrange(0, 20000)},
                           "estimated_cost": {"currency": "USD", "amount": amt if rnd.random() < 0.5 else amt + 0.5}})
            out.append({"date": d.isoformat() + "T00:00:00Z", "actor": actor,
                        "organization_id": "0d8f8b8e-0000-4000-8000-000000000001",
                        "customer_type": "api", "subscription_type": None,
                        "terminal_type": rnd.choice(["vscode", "iTerm.app", "tmux"]) if not remote else "web",
                        "is_remote": remote,
                        "core_metrics": {"num_sessions": rnd.randrange(1, 9),
                                         "lines_of_code": {"added": rnd.randrange(0, 3000), "removed": rnd.randrange(0, 900)},
                                         "commits_by_claude_code": rnd.randrange(0, 6),
                                         "pull_requests_by_claude_code": rnd.randrange(0, 3)},
                        "tool_actions": tools, "model_breakdown": mb})
    return out


def key_item(k):
    kid, name, ws, cb, pr = k
    return {"id": kid, "type": "api_key", "name": name, "created_at": "2026-01-01T00:00:00Z",
            "created_by": {"id": cb[0], "type": cb[1]} if cb else None, "expires_at": None,
            "partial_key_hint": "sk-ant-api03-Ab...xyz", "status": "active", "workspace_id": ws,
            "scope": {"type": "workspace", "workspace_id": ws or "wrkspc_default"},
            "principal": {"type": "user_actor", "user_id": pr} if pr else None}


def days(a, b):
    d = a
    while d <= b:
        yield d
        d += dt.timedelta(days=1)


def fmt_cents(x):
    s = format(x.normalize(), "f")
    return s if "." in s else s + ".0"


def expect(since, until):
    """Totals from the fixture, computed without aiusage (exact decimals)."""
    tot = Decimal(0)
    by_ws = {}
    tok = {"uncached_input": 0, "output": 0, "cache_read": 0, "cw5m": 0, "cw1h": 0, "web_search": 0}
    cc = {"records": 0, "sessions": 0, "lines_added": 0, "commits": 0, "prs": 0, "est_cents": Decimal(0),
          "remote_records": 0, "tool_accepted": 0}
    for d in days(since, until):
        for c in cost_rows(d):
            tot += c["amount"]
            k = c["workspace_id"] or "default"
            by_ws[k] = by_ws.get(k, Decimal(0)) + c["amount"]
        for r in usage_rows(d):
            tok["uncached_input"] += r["uncached_input_tokens"]
            tok["output"] += r["output_tokens"]
            tok["cache_read"] += r["cache_read_input_tokens"]
            tok["cw5m"] += r["cache_creation"]["ephemeral_5m_input_tokens"]
            tok["cw1h"] += r["cache_creation"]["ephemeral_1h_input_tokens"]
            tok["web_search"] += r["server_tool_use"]["web_search_requests"]
        for r in cc_records(d):
            cc["records"] += 1
            cc["remote_records"] += r["is_remote"]
            cc["sessions"] += r["core_metrics"]["num_sessions"]
            cc["lines_added"] += r["core_metrics"]["lines_of_code"]["added"]
            cc["commits"] += r["core_metrics"]["commits_by_claude_code"]
            cc["prs"] += r["core_metrics"]["pull_requests_by_claude_code"]
            cc["tool_accepted"] += sum(t["accepted"] for t in r["tool_actions"].values())
            for m in r["model_breakdown"]:
                cc["est_cents"] += Decimal(str(m["estimated_cost"]["amount"]))
    cc["est_cents"] = fmt_cents(cc["est_cents"])
    return {"cost_cents": fmt_cents(tot), "cost_by_workspace_cents": {k: fmt_cents(v) for k, v in by_ws.items()},
            "tokens": tok, "claude_code": cc}


class State:
    def __init__(self, a):
        self.a = a
        self.n = 0
        self.lock = threading.Lock()
        self.malformed_done = False
        self.last = time.time()


def opt(argv, name, default=None, conv=str):
    return conv(argv[argv.index(name) + 1]) if name in argv else default


def parse_day(s):
    return dt.date.fromisoformat(s[:10])


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    st = None

    def log_message(self, *a):
        pass

    def reply(self, code, obj=None, headers=(), raw=None):
        body = raw if raw is not None else (json.dumps(obj).encode() if obj is not None else b"")
        self.send_response(code)
        self.send_header("request-id", "req_fake%06d" % self.st.n)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def err(self, code, typ, msg, headers=()):
        self.reply(code, {"type": "error", "error": {"type": typ, "message": msg}, "request_id": "req_x"}, headers)

    def do_GET(self):
        st = self.st
        a = st.a
        st.last = time.time()
        with st.lock:
            st.n += 1
            n = st.n
        if a["slow_ms"]:
            time.sleep(a["slow_ms"] / 1000.0)
        if self.headers.get("x-api-key") != a["key"]:
            return self.err(401, "authentication_error", "invalid x-api-key")
        if not self.headers.get("anthropic-version"):
            return self.err(400, "invalid_request_error", "anthropic-version header is required")
        if a["f429"] and n % a["f429"] == 0:
            k = n // a["f429"]
            return self.err(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
                            [("retry-after", "1")] if k % 2 else [])
        if a["f5xx"] and n % a["f5xx"] == 0:
            code = [500, 503, 529][(n // a["f5xx"]) % 3]
            return self.err(code, "api_error" if code != 529 else "overloaded_error", "try again")
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        p = u.path
        try:
            if p == "/v1/organizations/usage_report/messages":
                return self.report(q, "usage")
            if p == "/v1/organizations/cost_report":
                return self.report(q, "cost")
            if p == "/v1/organizations/usage_report/claude_code":
                return self.claude_code(q)
            if p == "/v1/organizations/users":
                return self.listing(q, USERS)
            if p == "/v1/organizations/workspaces":
                items = WORKSPACES if q.get("include_archived") == ["true"] else \
                    [w for w in WORKSPACES if not w["archived_at"]]
                return self.listing(q, items)
            if p == "/v1/organizations/api_keys":
                return self.listing(q, [key_item(k) for k in KEYS])
        except ValueError as e:
            return self.err(400, "invalid_request_error", str(e))
        return self.err(404, "not_found_error", "no route " + p)

    def report(self, q, kind):
        a = self.st.a
        if "starting_at" not in q:
            raise ValueError("starting_at is required")
        start = parse_day(q["starting_at"][0])
        end = parse_day(q["ending_at"][0]) if "ending_at" in q else start + dt.timedelta(days=7)
        if end <= start:
            raise ValueError("ending_at must be after starting_at")
        if q.get("bucket_width", ["1d"])[0] != "1d":
            raise ValueError("only 1d buckets are faked")
        limit = min(int(q.get("limit", ["7"])[0]), 31, a["report_page_max"])
        groups = set(q.get("group_by[]", []))
        first = start
        if "page" in q:
            first = parse_day(base64.b64decode(q["page"][0][5:]).decode())
        if kind == "usage" and a["malformed_once"] and not self.st.malformed_done:
            self.st.malformed_done = True
            return self.reply(200, raw=b'{"data": [ {"starting_at": "2026-')
        data = []
        d = first
        while d < end and len(data) < limit:
            rows = usage_rows(d) if kind == "usage" else cost_rows(d)
            out = []
            if kind == "usage":
                dims = ["api_key_id", "workspace_id", "model", "service_tier", "context_window"]
                agg = {}
                for r in rows:
                    key = tuple(r[k] if k in groups else None for k in dims)
                    e = agg.get(key)
                    if e is None:
                        e = json.loads(json.dumps(r))
                        for k in dims + ["inference_geo"]:
                            if k not in groups:
                                e[k] = None
                        agg[key] = e
                    else:
                        for k in ("uncached_input_tokens", "cache_read_input_tokens", "output_tokens"):
                            e[k] += r[k]
                        for k in ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens"):
                            e["cache_creation"][k] += r["cache_creation"][k]
                        e["server_tool_use"]["web_search_requests"] += r["server_tool_use"]["web_search_requests"]
                out = list(agg.values())
            else:
                if groups != {"workspace_id", "description"}:
                    raise ValueError("the fake cost_report needs group_by[]=workspace_id&group_by[]=description")
                for c in rows:
                    c = dict(c)
                    c["currency"] = "USD"
                    c["amount"] = fmt_cents(c["amount"])
                    out.append(c)
                if a["bad_day"] and d == a["bad_day"] and out:
                    out[0] = dict(out[0], amount="12.3.4")
            data.append({"starting_at": d.isoformat() + "T00:00:00Z",
                         "ending_at": (d + dt.timedelta(days=1)).isoformat() + "T00:00:00Z", "results": out})
            d += dt.timedelta(days=1)
        more = d < end
        nxt = "page_" + base64.b64encode(d.isoformat().encode()).decode() if more else None
        return self.reply(200, {"data": data, "has_more": more, "next_page": nxt})

    def claude_code(self, q):
        a = self.st.a
        s = q.get("starting_at", [""])[0]
        if len(s) != 10:
            raise ValueError("starting_at must be YYYY-MM-DD")
        d = dt.date.fromisoformat(s)
        recs = cc_records(d)
        if a["bad_day"] and d == a["bad_day"] and recs:
            recs = [dict(recs[0], actor=None)] + recs[1:]
        limit = min(int(q.get("limit", ["20"])[0]), 1000, a["cc_page_max"])
        off = int(base64.b64decode(q["page"][0]).decode()) if "page" in q else 0
        page = recs[off:off + limit]
        more = off + limit < len(recs)
        nxt = base64.b64encode(str(off + limit).encode()).decode() if more else None
        return self.reply(200, {"data": page, "has_more": more, "next_page": nxt})

    def listing(self, q, items):
        a = self.st.a
        limit = min(int(q.get("limit", ["20"])[0]), 1000, a["list_page_max"])
        start = 0
        if "after_id" in q:
            ids = [i["id"] for i in items]
            start = ids.index(q["after_id"][0]) + 1
        page = items[start:start + limit]
        more = start + limit < len(items)
        body = {"data": page, "has_more": more, "first_id": page[0]["id"] if page else None,
                "last_id": page[-1]["id"] if page else None}
        etag = '"%s"' % hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, headers=[("ETag", etag)])
        return self.reply(200, body, [("ETag", etag)])


def main():
    argv = sys.argv
    if "--expect" in argv:
        print(json.dumps(expect(parse_day(opt(argv, "--since")), parse_day(opt(argv, "--until"))), sort_keys=True))
        return
    bad = opt(argv, "--bad-day")
    a = {"key": opt(argv, "--key", os.environ.get("FAKE_ANTHROPIC_KEY", "")),
         "f429": opt(argv, "--fail-429-every", 0, int), "f5xx": opt(argv, "--fail-5xx-every", 0, int),
         "bad_day": parse_day(bad) if bad else None, "malformed_once": "--malformed-once" in argv,
         "slow_ms": opt(argv, "--slow-ms", 0, int), "report_page_max": opt(argv, "--report-page-max", 31, int),
         "list_page_max": opt(argv, "--list-page-max", 1000, int), "cc_page_max": opt(argv, "--cc-page-max", 1000, int)}
    if not a["key"]:
        sys.exit("fake_anthropic: --key or FAKE_ANTHROPIC_KEY is required")
    st = State(a)
    H.st = st
    class Srv(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request, client_address):
            pass  # a client killed mid-answer (the SIGKILL test) is expected

    srv = Srv(("127.0.0.1", 0), H)
    print(srv.server_address[1], os.getpid(), flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    idle = opt(argv, "--idle", 60.0, float)
    while time.time() - st.last < idle:
        time.sleep(0.2)
    srv.shutdown()


if __name__ == "__main__":
    main()
