#!/usr/bin/env python3
"""Scripted HTTP server for the http_client unit test (tests/unit/test_http_client.c).

Prints "PORT PID" on stdout once listening on 127.0.0.1 (port chosen by the OS),
exits by itself after --idle seconds without requests so it can never be left behind.

Routes:
  GET  /ok              200 JSON with an ETag; 304 when If-None-Match matches
  GET  /flaky/ID?fail=N&status=S[&ra=V]
                        the first N hits of ID answer S (with retry-after V when given),
                        then 200 {"hits": n}
  GET  /hits/ID         200 {"hits": n} for ID without counting
  GET  /big?n=BYTES     200 with a body of BYTES bytes
  GET  /sleep?ms=N      answers after N ms (timeouts)
  GET  /echo            200 JSON of the request headers (lower-cased names)
  GET  /deny            401 Anthropic-style error whose message echoes x-api-key
  GET  /pages?page=P    3 pages: data [P], next_page "p1", "p2", then null
  POST /post            200 JSON {"len": body length, "body": body}
"""
import json, sys, threading, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

hits = {}
lock = threading.Lock()
last = [time.time()]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send(self, code, body=b"", headers=()):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        if code != 304:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        self.send_header("request-id", "req_test123")
        self.end_headers()
        if code != 304:
            self.wfile.write(body)

    def do_GET(self):
        last[0] = time.time()
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        p = u.path
        if p == "/ok":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.send(304, headers=[("ETag", '"v1"')])
            return self.send(200, {"ok": True}, [("ETag", '"v1"')])
        if p.startswith("/flaky/"):
            i = p[7:]
            with lock:
                hits[i] = hits.get(i, 0) + 1
                n = hits[i]
            if n <= int(q.get("fail", "0")):
                h = [("retry-after", q["ra"])] if "ra" in q else []
                return self.send(int(q.get("status", "500")),
                                 {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, h)
            return self.send(200, {"hits": n})
        if p.startswith("/hits/"):
            return self.send(200, {"hits": hits.get(p[6:], 0)})
        if p == "/big":
            return self.send(200, b"x" * int(q.get("n", "0")))
        if p == "/sleep":
            time.sleep(int(q.get("ms", "0")) / 1000.0)
            return self.send(200, {"slept": True})
        if p == "/echo":
            return self.send(200, {k.lower(): v for k, v in self.headers.items()})
        if p == "/deny":
            key = self.headers.get("x-api-key", "")
            return self.send(401, {"type": "error", "error": {"type": "authentication_error",
                                                             "message": "invalid x-api-key " + key}})
        if p == "/pages":
            page = q.get("page", "p0")
            nxt = {"p0": "p1", "p1": "p2"}.get(page)
            return self.send(200, {"data": [page], "has_more": nxt is not None, "next_page": nxt})
        return self.send(404, {"error": "not found", "message": p})

    def do_POST(self):
        last[0] = time.time()
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        if self.path == "/post":
            return self.send(200, {"len": n, "body": body})
        return self.send(404, {"error": "not found"})


def main():
    idle = float(sys.argv[sys.argv.index("--idle") + 1]) if "--idle" in sys.argv else 60.0
    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    import os
    print(srv.server_address[1], os.getpid(), flush=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    while time.time() - last[0] < idle:
        time.sleep(0.2)
    srv.shutdown()


if __name__ == "__main__":
    main()
