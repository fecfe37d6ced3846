#!/usr/bin/env python3
"""Fake Cursor API (Admin API + AI Code Tracking API) for black-box tests.

Faithful to shared/reference/external-apis.md section B:
  GET  /teams/members                  {teamMembers:[{name,email,role,id,isRemoved}]}
  POST /teams/daily-usage-data         {startDate,endDate} epoch ms; range > 30 days -> 400
  POST /teams/filtered-usage-events    {startDate,endDate,page,pageSize}; > 30 days -> 400;
                                       timestamp is a string of epoch ms, totalCents a float
  POST /teams/spend                    {page,pageSize}: running total for the billing cycle
  GET  /analytics/ai-code/commits      ?startDate&endDate&page&pageSize  {items,totalCount,page,pageSize}
  GET  /analytics/ai-code/commits.csv  same rows as CSV (snake_case), messages with quotes,
                                       commas and newlines
  GET  /analytics/ai-code/changes(.csv)
Auth: HTTP Basic with the key as user name and an empty password, else 401.
Rate limits per endpoint per --rate-window seconds: 20 (Admin) and 5 (AI Code
Tracking); over it -> 429 {"error":"Too Many Requests",...} without retry-after.
ETag + Cache-Control on the AI Code Tracking endpoints; If-None-Match -> 304.
Faults (--faults, comma-separated ENDPOINT:KIND@N = the N-th request to that
endpoint): KIND is 429 (no retry-after), 429ra (retry-after: 1), 500, 503,
malformed (truncated JSON), badrow (one item with a broken field).
--delay S sleeps before every answer. --dump FILE writes the whole dataset.
--log FILE appends one JSON line per request. --spend-bump / --cycle-days-ago
shape /teams/spend for the snapshot-delta tests. Prints "PORT PID" when ready and
exits after --idle seconds without requests.
"""
import argparse, base64, csv, io, json, random, sys, threading, time, urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DAY = 86400000
ap = argparse.ArgumentParser()
ap.add_argument("--key", required=True)
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--users", type=int, default=6)
ap.add_argument("--days", type=int, default=100)
ap.add_argument("--max-page-size", type=int, default=100)
ap.add_argument("--code-page-size", type=int, default=1000, help="page size cap of the AI Code Tracking JSON")
ap.add_argument("--rate-window", type=float, default=60.0)
ap.add_argument("--faults", default="")
ap.add_argument("--delay", type=float, default=0.0)
ap.add_argument("--dump")
ap.add_argument("--log")
ap.add_argument("--idle", type=float, default=120.0)
ap.add_argument("--spend-bump", type=int, default=0, help="cents added to every spend total")
ap.add_argument("--now-ms", type=int, default=0)
ap.add_argument("--cycle-days-ago", type=int, default=10, help="the billing cycle started this many days ago")
a = ap.parse_args()

rnd = random.Random(a.seed)
NOW = a.now_ms or int(time.time() * 1000)
TODAY = NOW - NOW % DAY
START = TODAY - (a.days - 1) * DAY
CYCLE = TODAY - a.cycle_days_ago * DAY + 3 * 3600 * 1000   # billing cycle start
names = ["Ana O'Neil", 'Bob "B" Smith', "Chen, Li", "Dana", "Eve", "Farid", "Gus", "Hana"]
users = []
for i in range(a.users):
    local = ["ana", "bob", "chen", "dana", "eve", "farid", "gus", "hana"][i % 8] + ("" if i < 8 else str(i))
    email = (local.capitalize() if i % 2 else local) + "@Corp.Example"   # mixed case on purpose
    users.append({"name": names[i % 8], "email": email, "role": "member" if i else "owner",
                  "id": 1000 + i, "isRemoved": False})

daily, events, commits, changes = [], [], [], []
for d in range(a.days):
    day = START + d * DAY
    for u in users:
        active = rnd.random() < 0.8
        row = {"date": day, "day": time.strftime("%Y-%m-%d", time.gmtime(day / 1000)),
               "email": u["email"], "userId": u["id"], "isActive": active}
        for f in ["totalLinesAdded", "totalLinesDeleted", "acceptedLinesAdded", "acceptedLinesDeleted",
                  "totalApplies", "totalAccepts", "totalRejects", "totalTabsShown", "totalTabsAccepted",
                  "composerRequests", "chatRequests", "agentRequests", "cmdkUsages",
                  "subscriptionIncludedReqs", "apiKeyReqs", "usageBasedReqs", "bugbotUsages"]:
            row[f] = rnd.randint(0, 300) if active else 0
        row["mostUsedModel"] = "claude-4-sonnet" if active else None
        row["clientVersion"] = "1.4.2" if active else None
        daily.append(row)
        if not active:
            continue
        for k in range(rnd.randint(0, 4)):
            ts = day + rnd.randint(0, DAY - 1)
            if ts >= NOW - 60000:
                continue
            tb = rnd.random() < 0.8
            ev = {"timestamp": str(ts), "model": rnd.choice(["claude-4-sonnet", "gpt-5", "auto"]),
                  "kind": rnd.choice(["Usage-based", "Included in Business"]), "maxMode": rnd.random() < 0.2,
                  "requestsCosts": rnd.choice([1, 0.5, 2, 1.25]), "isTokenBasedCall": tb,
                  "isFreeBugbot": False, "userEmail": u["email"]}
            if tb:
                ev["tokenUsage"] = {"inputTokens": rnd.randint(10, 50000), "outputTokens": rnd.randint(10, 9000),
                                    "cacheWriteTokens": rnd.randint(0, 9000), "cacheReadTokens": rnd.randint(0, 90000),
                                    "totalCents": float(Decimal(rnd.randint(1, 999999)) / Decimal(10000))}
            events.append(ev)
            if rnd.random() < 0.05:           # an identical twin: two real events, same content
                events.append(dict(ev))
        if rnd.random() < 0.5 or d >= a.days - 2:
            for k in range(1 if d < a.days - 2 else 3):
                ts = min(day + rnd.randint(0, DAY - 1), NOW - 120000)
                h = "%040x" % rnd.getrandbits(160)
                msg = rnd.choice(['Fix "quoted" bug, again', "Multi-line\nmessage, with commas", "plain",
                                  "Tab\there; semi; 'single'", ""])
                commits.append({"commitHash": h, "userId": "user_%d" % u["id"], "userEmail": u["email"],
                                "repoName": "corp/repo", "branchName": rnd.choice(["main", "feat/x"]),
                                "isPrimaryBranch": rnd.choice([True, False, None]),
                                "commitSource": "ide", "totalLinesAdded": rnd.randint(0, 500),
                                "totalLinesDeleted": rnd.randint(0, 200), "tabLinesAdded": rnd.randint(0, 50),
                                "tabLinesDeleted": rnd.randint(0, 10), "composerLinesAdded": rnd.randint(0, 90),
                                "composerLinesDeleted": rnd.randint(0, 10), "nonAiLinesAdded": rnd.randint(0, 90),
                                "nonAiLinesDeleted": None if rnd.random() < 0.2 else rnd.randint(0, 9),
                                "message": msg or None,
                                "commitTs": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts / 1000)) + ".000Z",
                                "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts / 1000 + 30)) + ".000Z",
                                "_ts": ts})
                changes.append({"changeId": str(rnd.getrandbits(40)), "userId": "user_%d" % u["id"],
                                "userEmail": u["email"], "source": rnd.choice(["TAB", "COMPOSER"]),
                                "model": rnd.choice([None, "gpt-5"]), "totalLinesAdded": rnd.randint(0, 80),
                                "totalLinesDeleted": rnd.randint(0, 20),
                                "createdAt": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts / 1000)) + ".000Z",
                                "metadata": [{"fileName": "src/a,b.ts", "fileExtension": "ts", "linesAdded": 3,
                                              "linesDeleted": 1}], "_ts": ts})
events.sort(key=lambda e: -int(e["timestamp"]))   # newest first, like the dashboard
spend = {u["email"]: sum(int(Decimal(str(e["tokenUsage"]["totalCents"])).to_integral_value())
                         for e in events if e["userEmail"] == u["email"] and "tokenUsage" in e
                         and int(e["timestamp"]) >= CYCLE and e["kind"] == "Usage-based") + a.spend_bump
         for u in users}

if a.dump:
    with open(a.dump, "w") as f:
        json.dump({"now": NOW, "start": START, "cycle": CYCLE, "users": users, "daily": daily,
                   "events": events, "commits": commits, "changes": changes, "spend": spend}, f)

faults = {}
for spec in filter(None, a.faults.split(",")):
    ep, rest = spec.split(":")
    kind, n = rest.split("@")
    faults.setdefault(ep, {})[int(n)] = kind
lock = threading.Lock()
counts, windows = {}, {}
last = [time.time()]
LIMITS = {"ai-code": 5, "admin": 20}


def strip(x):
    return {k: v for k, v in x.items() if not k.startswith("_")}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, body, ctype="application/json", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def err(self, code, error, message, headers=()):
        self.send(code, {"error": error, "message": message}, headers=headers)

    def handle_any(self, method):
        last[0] = time.time()
        u = urllib.parse.urlsplit(self.path)
        path, q = u.path, dict(urllib.parse.parse_qsl(u.query))
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        if a.log:
            with lock, open(a.log, "a") as f:
                f.write(json.dumps({"t": time.time(), "method": method, "path": path, "query": q,
                                    "body": raw.decode("utf-8", "replace"),
                                    "auth": self.headers.get("Authorization", ""),
                                    "inm": self.headers.get("If-None-Match")}) + "\n")
        if a.delay:
            time.sleep(a.delay)
        want = "Basic " + base64.b64encode((a.key + ":").encode()).decode()
        if self.headers.get("Authorization") != want:
            return self.err(401, "Unauthorized", "Invalid API key")
        group = "ai-code" if path.startswith("/analytics/ai-code") else "admin"
        with lock:
            counts[path] = counts.get(path, 0) + 1
            nth = counts[path]
            w = windows.setdefault(path, [time.time(), 0])
            if time.time() - w[0] >= a.rate_window:
                w[0], w[1] = time.time(), 0
            w[1] += 1
            over = w[1] > LIMITS[group]
        fault = faults.get(path, {}).get(nth)
        if over:
            return self.err(429, "Too Many Requests", "Rate limit exceeded. Please try again later.")
        if fault == "429":
            return self.err(429, "Too Many Requests", "Rate limit exceeded. Please try again later.")
        if fault == "429ra":
            return self.err(429, "Too Many Requests", "Rate limit exceeded.", headers=[("Retry-After", "1")])
        if fault in ("500", "503"):
            return self.err(int(fault), "Internal Server Error", "boom")
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            return self.err(400, "Bad Request", "Invalid JSON body")
        out = self.route(method, path, q, body, fault)
        if out is None:
            return
        code, payload, ctype = out
        if fault == "malformed":
            s = payload if isinstance(payload, str) else json.dumps(payload)
            return self.send(code, s[: len(s) // 2], ctype)
        hdrs = []
        if group == "ai-code":
            import hashlib
            s = payload if isinstance(payload, str) else json.dumps(payload, sort_keys=True)
            etag = '"' + hashlib.sha1(s.encode()).hexdigest() + '"'
            hdrs = [("ETag", etag), ("Cache-Control", "public, max-age=900")]
            if self.headers.get("If-None-Match") == etag:
                return self.send(304, b"", ctype, hdrs)
        self.send(code, payload, ctype, hdrs)

    def window(self, body):
        try:
            s, e = int(body["startDate"]), int(body["endDate"])
        except (KeyError, TypeError, ValueError):
            self.err(400, "Bad Request", "startDate and endDate are required (epoch ms)")
            return None
        if e < s:
            self.err(400, "Bad Request", "endDate before startDate")
            return None
        if e - s > 30 * DAY:
            self.err(400, "Bad Request", "Date range cannot exceed 30 days")
            return None
        return s, e

    def iso_window(self, q):
        def parse(v, default):
            if v is None:
                return default
            if v == "now":
                return NOW
            if v.endswith("d") and v[:-1].isdigit():
                return NOW - int(v[:-1]) * DAY
            import datetime
            return int(datetime.datetime.fromisoformat(v.replace("Z", "+00:00")).timestamp() * 1000)
        return parse(q.get("startDate"), NOW - 7 * DAY), parse(q.get("endDate"), NOW)

    def route(self, method, path, q, body, fault):
        if path == "/teams/members" and method == "GET":
            return 200, {"teamMembers": users}, "application/json"
        if path == "/teams/daily-usage-data" and method == "POST":
            w = self.window(body)
            if not w:
                return None
            rows = [r for r in daily if w[0] <= r["date"] <= w[1]]
            if fault == "badrow" and rows:
                rows = [dict(rows[0], totalAccepts="lots")] + rows[1:]
            return 200, {"data": rows, "period": {"startDate": w[0], "endDate": w[1]}}, "application/json"
        if path == "/teams/filtered-usage-events" and method == "POST":
            w = self.window(body)
            if not w:
                return None
            page, size = int(body.get("page", 1)), min(int(body.get("pageSize", 10)), a.max_page_size)
            rows = [e for e in events if w[0] <= int(e["timestamp"]) <= w[1]]
            pages = max(1, (len(rows) + size - 1) // size)
            chunk = rows[(page - 1) * size: page * size]
            if fault == "badrow" and chunk:
                chunk = [dict(chunk[0], timestamp="yesterday")] + chunk[1:]
            return 200, {"totalUsageEventsCount": len(rows),
                         "pagination": {"numPages": pages, "currentPage": page, "pageSize": size,
                                        "hasNextPage": page < pages, "hasPreviousPage": page > 1},
                         "usageEvents": chunk, "period": {"startDate": w[0], "endDate": w[1]}}, "application/json"
        if path == "/teams/spend" and method == "POST":
            page, size = int(body.get("page", 1)), min(int(body.get("pageSize", 10)), 4)
            rows = [{"spendCents": spend[u["email"]], "includedSpendCents": 2000, "fastPremiumRequests": 3,
                     "name": u["name"], "email": u["email"], "role": u["role"], "hardLimitOverrideDollars": 0}
                    for u in users]
            pages = max(1, (len(rows) + size - 1) // size)
            return 200, {"teamMemberSpend": rows[(page - 1) * size: page * size], "subscriptionCycleStart": CYCLE,
                         "totalMembers": len(rows), "totalPages": pages}, "application/json"
        for kind, data in (("commits", commits), ("changes", changes)):
            base = "/analytics/ai-code/" + kind
            if path in (base, base + ".csv") and method == "GET":
                s, e = self.iso_window(q)
                rows = [strip(r) for r in data if s <= r["_ts"] <= e]
                if path == base:
                    page, size = int(q.get("page", 1)), min(int(q.get("pageSize", 100)), a.code_page_size, 1000)
                    return 200, {"items": rows[(page - 1) * size: page * size], "totalCount": len(rows),
                                 "page": page, "pageSize": size}, "application/json"
                return 200, to_csv(kind, rows, fault), "text/csv; charset=utf-8"
        self.err(404, "Not Found", "no route " + path)
        return None

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")


def snake(k):
    return "".join("_" + c.lower() if c.isupper() else c for c in k)


def to_csv(kind, rows, fault):
    cols = (["commitHash", "userId", "userEmail", "repoName", "branchName", "isPrimaryBranch", "commitSource",
             "totalLinesAdded", "totalLinesDeleted", "tabLinesAdded", "tabLinesDeleted", "composerLinesAdded",
             "composerLinesDeleted", "nonAiLinesAdded", "nonAiLinesDeleted", "message", "commitTs", "createdAt"]
            if kind == "commits" else
            ["changeId", "userId", "userEmail", "source", "model", "totalLinesAdded", "totalLinesDeleted",
             "createdAt", "metadata"])
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([snake(c) if c != "metadata" else "metadata_json" for c in cols])
    for i, r in enumerate(rows):
        vals = []
        for c in cols:
            v = r.get(c)
            if c == "metadata":
                v = json.dumps(v)
            elif isinstance(v, bool):
                v = "true" if v else "false"
            vals.append("" if v is None else v)
        if fault == "badrow" and i == 0:
            vals[cols.index("totalLinesAdded")] = "many"
        w.writerow(vals)
    return out.getvalue()


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
srv.handle_error = lambda request, address: None   # a client killed mid-answer is expected


def idle():
    while time.time() - last[0] < a.idle:
        time.sleep(0.5)
    srv.shutdown()


threading.Thread(target=idle, daemon=True).start()
import os
print(srv.server_address[1], os.getpid(), flush=True)
srv.serve_forever()
