#!/usr/bin/env python3
"""A contract-faithful fake Metabase REST API for the provisioning tests.

Follows ../shared/reference/external-apis.md section D (0.47+ semantics):
  GET  /api/session/properties      no auth; {"version": {"tag": --version}}
  POST /api/session                 {username, password} -> {"id": uuid}; 401 otherwise
  x-api-key                         accepted from 0.49 on (--api-key)
  GET  /api/user/current            {id, email, is_superuser}
  GET/POST /api/database, PUT /api/database/:id, POST /api/database/:id/sync_schema
  GET/POST /api/collection, GET /api/collection/:id/items?models=card|dashboard
  GET/POST /api/card, GET/PUT /api/card/:id
  GET/POST /api/dashboard, GET/PUT /api/dashboard/:id with `dashcards` as the
       complete set: negative ids create, existing ids update, omitted ones are
       deleted; an id of another dashboard is a 404; bounds on the 24-column grid;
       parameter_mappings must name a parameter of the dashboard (after this PUT),
       the dashcard's own card and one of that card's template tags, with a
       compatible type.
  POST /api/dashboard/:id/cards     404 (gone since 0.47, #33918)
  A non-superuser (--non-admin) can read but every write is a 403.
  Template tags of a native card must match the {{tags}} of its SQL exactly.
Test hooks (no auth): GET /__state (everything but sessions), GET /__log
(every request as "METHOD PATH"). Prints "PORT PID" and exits after --idle
seconds without requests.
"""
import argparse, copy, json, os, re, sys, threading, time, urllib.parse, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--version", default="v0.50.3")
ap.add_argument("--user", default="admin@example.com")
ap.add_argument("--password", required=True)
ap.add_argument("--api-key", default="")
ap.add_argument("--non-admin", action="store_true")
ap.add_argument("--idle", type=float, default=60.0)
A = ap.parse_args()

DISPLAYS = {"table", "scalar", "smartscalar", "line", "bar", "row", "area", "combo", "pie", "funnel",
            "gauge", "progress", "pivot", "scatter", "waterfall", "map", "object"}
ENGINES = {"postgres", "sqlite", "h2", "mysql"}
TAG_TYPES = {"text", "number", "date", "dimension"}
PARAM_FOR_TAG = {"date": ("date/",), "text": ("string/", "category"), "number": ("number/", "category")}
lock = threading.Lock()
last = [time.time()]
S = {"databases": {}, "collections": {}, "cards": {}, "dashboards": {}, "next_id": 1, "clock": 0}
sessions = set()
log = []


def feature_version():
    m = re.match(r"v?[01]\.(\d+)", A.version)
    return int(m.group(1)) if m else 0


def new_id():
    i = S["next_id"]
    S["next_id"] += 1
    return i


def tick():
    S["clock"] += 1
    return "2026-01-01T00:00:%06dZ" % S["clock"]


class Err(Exception):
    def __init__(self, code, msg):
        self.code, self.msg = code, msg


def need(cond, msg, code=400):
    if not cond:
        raise Err(code, msg)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def sql_tags(q):
    return set(re.findall(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}", q))


def check_card(c):
    need(isinstance(c.get("name"), str) and c["name"], "name: value must be a non-blank string.")
    need(c.get("display") in DISPLAYS, "display: unknown display %r" % c.get("display"))
    need(isinstance(c.get("visualization_settings"), dict), "visualization_settings: value must be a map.")
    dq = c.get("dataset_query")
    need(isinstance(dq, dict), "dataset_query: value must be a map.")
    need(dq.get("database") in S["databases"], "dataset_query.database: no database %r" % dq.get("database"))
    need(dq.get("type") == "native", "only native queries are used by aiusage")
    nat = dq.get("native")
    need(isinstance(nat, dict) and isinstance(nat.get("query"), str), "native.query must be a string")
    tags = nat.get("template-tags", {})
    need(isinstance(tags, dict), "template-tags must be a map")
    for k, t in tags.items():
        need(isinstance(t, dict) and t.get("name") == k, "template tag %s: name must equal its key" % k)
        need(isinstance(t.get("id"), str) and t["id"], "template tag %s: id required" % k)
        need(t.get("type") in TAG_TYPES, "template tag %s: bad type %r" % (k, t.get("type")))
        need(isinstance(t.get("display-name"), str), "template tag %s: display-name required" % k)
        if t.get("required"):
            need(t.get("default") is not None, "template tag %s: required without a default" % k)
    need(sql_tags(nat["query"]) == set(tags), "template-tags %s do not match the query's %s"
         % (sorted(tags), sorted(sql_tags(nat["query"]))))
    cid = c.get("collection_id")
    need(cid is None or cid in S["collections"], "collection_id: no collection %r" % cid)


def check_params(params):
    need(isinstance(params, list), "parameters must be a list")
    seen = set()
    for p in params:
        need(isinstance(p, dict) and isinstance(p.get("id"), str) and p["id"], "parameter: id required")
        need(p["id"] not in seen, "parameter %s: duplicate id" % p["id"])
        seen.add(p["id"])
        for k in ("name", "slug", "type"):
            need(isinstance(p.get(k), str) and p[k], "parameter %s: %s required" % (p["id"], k))


def check_dashcards(d, dcs, params):
    need(isinstance(dcs, list), "dashcards must be a list")
    pids = {p["id"]: p for p in params}
    own = {dc["id"] for dc in d["dashcards"]}
    ids = set()
    for dc in dcs:
        need(isinstance(dc, dict) and is_int(dc.get("id")), "dashcard: id must be an integer")
        need(dc["id"] not in ids, "dashcard %d: listed twice" % dc["id"])
        ids.add(dc["id"])
        if dc["id"] > 0:
            need(dc["id"] in own, "dashcard %d is not on dashboard %d" % (dc["id"], d["id"]), 404)
        for k in ("row", "col"):
            need(is_int(dc.get(k)) and dc[k] >= 0, "dashcard %d: %s must be an integer >= 0" % (dc["id"], k))
        for k in ("size_x", "size_y"):
            need(is_int(dc.get(k)) and dc[k] > 0, "dashcard %d: %s must be an integer > 0" % (dc["id"], k))
        need(dc["col"] + dc["size_x"] <= 24, "dashcard %d: col + size_x exceeds the 24-column grid" % dc["id"])
        card = S["cards"].get(dc.get("card_id"))
        if dc.get("card_id") is None:
            need("virtual_card" in dc.get("visualization_settings", {}), "dashcard %d: no card" % dc["id"])
        else:
            need(card is not None, "dashcard %d: card %r does not exist" % (dc["id"], dc.get("card_id")), 404)
        for m in dc.get("parameter_mappings", []):
            need(m.get("parameter_id") in pids, "dashcard %d: mapping to unknown parameter %r"
                 % (dc["id"], m.get("parameter_id")))
            need(m.get("card_id") == dc.get("card_id"), "dashcard %d: mapping for another card" % dc["id"])
            t = m.get("target")
            ok = (isinstance(t, list) and len(t) == 2 and t[0] in ("variable", "dimension")
                  and isinstance(t[1], list) and len(t[1]) == 2 and t[1][0] == "template-tag")
            need(ok, "dashcard %d: bad mapping target %r" % (dc["id"], t))
            tags = card["dataset_query"]["native"].get("template-tags", {})
            tag = tags.get(t[1][1])
            need(tag is not None, "dashcard %d: card %d has no template tag %r" % (dc["id"], card["id"], t[1][1]))
            need((t[0] == "dimension") == (tag["type"] == "dimension"),
                 "dashcard %d: target kind %s does not fit tag type %s" % (dc["id"], t[0], tag["type"]))
            ptype = pids[m["parameter_id"]]["type"]
            if tag["type"] in PARAM_FOR_TAG:
                need(ptype.startswith(PARAM_FOR_TAG[tag["type"]]),
                     "dashcard %d: parameter type %s cannot fill a %s tag" % (dc["id"], ptype, tag["type"]))


def item(kind, o):
    return {"id": o["id"], "name": o["name"], "description": o.get("description"), "model": kind,
            "entity_id": o["entity_id"]}


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        b = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def handle_any(self, method):
        last[0] = time.time()
        u = urllib.parse.urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        need_len = n <= 4 << 20
        raw = self.rfile.read(n) if need_len else b""
        with lock:
            if not u.path.startswith("/__"):
                log.append("%s %s" % (method, self.path))
            try:
                need(need_len, "body too large", 413)
                body = json.loads(raw) if raw else {}
                code, out = self.route(method, u.path, dict(urllib.parse.parse_qsl(u.query)), body)
            except Err as e:
                code, out = e.code, {"message": e.msg}
            except (ValueError, KeyError, TypeError) as e:
                code, out = 400, {"message": "bad request: %s" % e}
        self.send(code, out)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def auth(self):
        key = self.headers.get("x-api-key")
        if key is not None and feature_version() >= 49 and A.api_key and key == A.api_key:
            return
        if self.headers.get("X-Metabase-Session") in sessions:
            return
        raise Err(401, "Unauthenticated")

    def route(self, method, path, q, body):
        if path == "/__state":
            st = copy.deepcopy(S)
            return 200, st
        if path == "/__log":
            return 200, log
        if path == "/api/session/properties" and method == "GET":
            return 200, {"version": {"tag": A.version, "date": "2026-01-01"}, "setup-token": None}
        if path == "/api/session" and method == "POST":
            if body.get("username") == A.user and body.get("password") == A.password:
                sid = str(uuid.uuid4())
                sessions.add(sid)
                return 200, {"id": sid}
            raise Err(401, "Password did not match stored password.")
        self.auth()
        parts = path.strip("/").split("/")
        if method != "GET" and A.non_admin:
            raise Err(403, "You don't have permissions to do that.")
        if path == "/api/user/current":
            return 200, {"id": 1, "email": A.user, "is_superuser": not A.non_admin}
        if parts[:2] == ["api", "database"]:
            return self.database(method, parts[2:], body)
        if parts[:2] == ["api", "collection"]:
            return self.collection(method, parts[2:], q, body)
        if parts[:2] == ["api", "card"]:
            return self.card(method, parts[2:], body)
        if parts[:2] == ["api", "dashboard"]:
            return self.dashboard(method, parts[2:], body)
        raise Err(404, "API endpoint does not exist.")

    def database(self, method, rest, body):
        dbs = S["databases"]
        if not rest and method == "GET":
            out = []
            for d in dbs.values():
                d = copy.deepcopy(d)
                if "password" in d["details"]:
                    d["details"]["password"] = "**MetabasePass**"
                out.append(d)
            return 200, {"data": out, "total": len(out)}
        if not rest and method == "POST":
            need(isinstance(body.get("name"), str) and body["name"], "name required")
            need(body.get("engine") in ENGINES, "engine: unknown %r" % body.get("engine"))
            need(isinstance(body.get("details"), dict), "details: value must be a map.")
            i = new_id()
            dbs[i] = {"id": i, "name": body["name"], "engine": body["engine"], "details": body["details"],
                      "is_full_sync": body.get("is_full_sync", True), "updated_at": tick()}
            return 200, dbs[i]
        need(rest and rest[0].isdigit() and int(rest[0]) in dbs, "Not found.", 404)
        d = dbs[int(rest[0])]
        if len(rest) == 2 and rest[1] == "sync_schema" and method == "POST":
            return 200, {"status": "ok"}
        if len(rest) == 1 and method == "PUT":
            for k in ("name", "engine", "details", "is_full_sync"):
                if k in body:
                    d[k] = body[k]
            d["updated_at"] = tick()
            return 200, d
        if len(rest) == 1 and method == "GET":
            return 200, d
        raise Err(404, "API endpoint does not exist.")

    def collection(self, method, rest, q, body):
        cs = S["collections"]
        if not rest and method == "GET":
            return 200, [{"id": "root", "name": "Our analytics"}] + list(cs.values())
        if not rest and method == "POST":
            need(isinstance(body.get("name"), str) and body["name"], "name required")
            need("color" not in body, "color: this field was removed in 0.48")
            i = new_id()
            cs[i] = {"id": i, "name": body["name"], "description": body.get("description"),
                     "location": "/", "archived": False, "entity_id": "c%020d" % i, "updated_at": tick()}
            return 200, cs[i]
        need(rest[0].isdigit() and int(rest[0]) in cs, "Not found.", 404)
        cid = int(rest[0])
        if len(rest) == 2 and rest[1] == "items" and method == "GET":
            models = q.get("models")
            out = []
            if models in (None, "card"):
                out += [item("card", c) for c in S["cards"].values() if c["collection_id"] == cid and not c["archived"]]
            if models in (None, "dashboard"):
                out += [item("dashboard", d) for d in S["dashboards"].values()
                        if d["collection_id"] == cid and not d["archived"]]
            return 200, {"data": out, "total": len(out)}
        if len(rest) == 1 and method == "GET":
            return 200, cs[cid]
        raise Err(404, "API endpoint does not exist.")

    def card(self, method, rest, body):
        cards = S["cards"]
        if not rest and method == "GET":
            return 200, list(cards.values())
        if not rest and method == "POST":
            check_card(body)
            i = new_id()
            c = {k: body.get(k) for k in ("name", "display", "description", "collection_id",
                                          "dataset_query", "visualization_settings")}
            c.update({"id": i, "type": body.get("type", "question"), "archived": False,
                      "entity_id": "k%020d" % i, "parameters": [], "updated_at": tick()})
            cards[i] = c
            return 200, c
        need(rest[0].isdigit() and int(rest[0]) in cards, "Not found.", 404)
        c = cards[int(rest[0])]
        if method == "GET" and len(rest) == 1:
            return 200, c
        if method == "PUT" and len(rest) == 1:
            merged = dict(c)
            merged.update({k: v for k, v in body.items() if k in ("name", "display", "description", "collection_id",
                                                                 "dataset_query", "visualization_settings",
                                                                 "archived", "type")})
            check_card(merged)
            merged["updated_at"] = tick()
            cards[c["id"]] = merged
            return 200, merged
        raise Err(404, "API endpoint does not exist.")

    def dashboard(self, method, rest, body):
        ds = S["dashboards"]
        if not rest and method == "POST":
            need(isinstance(body.get("name"), str) and body["name"], "name required")
            params = body.get("parameters", [])
            check_params(params)
            cid = body.get("collection_id")
            need(cid is None or cid in S["collections"], "collection_id: no collection %r" % cid)
            i = new_id()
            ds[i] = {"id": i, "name": body["name"], "description": body.get("description"), "collection_id": cid,
                     "parameters": params, "dashcards": [], "tabs": [], "archived": False,
                     "entity_id": "d%020d" % i, "updated_at": tick()}
            return 200, ds[i]
        if not rest and method == "GET":
            return 200, [{k: v for k, v in d.items() if k != "dashcards"} for d in ds.values()]
        need(rest[0].isdigit() and int(rest[0]) in ds, "Not found.", 404)
        d = ds[int(rest[0])]
        if len(rest) == 2 and rest[1] == "cards":
            raise Err(404, "API endpoint does not exist.")
        if method == "GET" and len(rest) == 1:
            out = copy.deepcopy(d)
            for dc in out["dashcards"]:
                dc["card"] = copy.deepcopy(S["cards"].get(dc["card_id"]))
            return 200, out
        if method == "PUT" and len(rest) == 1:
            params = body.get("parameters", d["parameters"])
            check_params(params)
            if "dashcards" in body:
                check_dashcards(d, body["dashcards"], params)
            for k in ("name", "description", "collection_id"):
                if k in body:
                    d[k] = body[k]
            d["parameters"] = params
            if "dashcards" in body:
                old = {dc["id"]: dc for dc in d["dashcards"]}
                new = []
                for dc in body["dashcards"]:
                    keep = {k: dc.get(k) for k in ("card_id", "row", "col", "size_x", "size_y")}
                    keep["parameter_mappings"] = dc.get("parameter_mappings", [])
                    keep["visualization_settings"] = dc.get("visualization_settings", {})
                    keep["series"] = dc.get("series", [])
                    if dc["id"] < 0:
                        keep["id"] = new_id()
                        keep["created_at"] = tick()
                    else:
                        keep["id"] = dc["id"]
                        keep["created_at"] = old[dc["id"]]["created_at"]
                    keep["dashboard_id"] = d["id"]
                    new.append(keep)
                d["dashcards"] = new
            d["updated_at"] = tick()
            out = copy.deepcopy(d)
            return 200, out
        raise Err(404, "API endpoint does not exist.")


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    print(srv.server_address[1], os.getpid(), flush=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    while time.time() - last[0] < A.idle:
        time.sleep(0.2)
    srv.shutdown()


if __name__ == "__main__":
    main()
