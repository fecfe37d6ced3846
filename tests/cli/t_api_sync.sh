#!/usr/bin/env bash
# t_api_sync.sh - /api/sync/* against the real server on a copy of the
# corpus projects tree: the sync at start matches `aiusage sync` on the same
# data, preview and dry run write nothing, 409 while a sync runs (the test
# holds the cross-process sync lock), reset + re-sync converge, a full
# re-read keeps totals, and the watcher picks up appended lines and new
# folders with no API call.
. "$(dirname "$0")/lib.sh"
need_corpus
cp -R "$CC_CORPUS/projects" "$T/projects"
cp -R "$CC_CORPUS/projects" "$T/refprojects"
# the stores under test: SQLite files, or (pg_cli_*) fresh PostgreSQL databases
DBU=$(db "$T/s.db")
REFU=$(db "$T/ref.db")
export AIU_BIN T AIU_SRC DBU REFU PSQL
python3 - <<'PY'
import fcntl, hashlib, json, os, re, signal, sqlite3, subprocess, sys, time, urllib.request, urllib.error

BIN, T = os.environ["AIU_BIN"], os.environ["T"]
sys.path.insert(0, os.environ["AIU_SRC"] + "/tests/cli")
import jsonschema
from api_check import Api
DOC = Api("http://unused", os.environ["AIU_SRC"] + "/data/openapi.json").doc  # nullable-converted
DB, REF = os.environ["DBU"], os.environ["REFU"]
PG = DB.startswith(("postgres://", "postgresql://"))
# The advisory lock key of the PostgreSQL sync lock (store_pg.c LOCK_SYNC).
PG_SYNC_LOCK = "7022344771405555969"
fails = 0
def check(desc, cond):
    global fails
    print(("ok - " if cond else "not ok - ") + desc)
    if not cond:
        fails += 1

def q(db, sql):
    if PG:
        out = subprocess.run([os.environ["PSQL"], db, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             check=True, capture_output=True, text=True).stdout.split("\n")[0]
        return int(out) if out else None
    c = sqlite3.connect(db)
    try:
        return c.execute(sql).fetchone()[0]
    finally:
        c.close()

PG_TABLES = ("meta", "files", "sessions", "usage", "messages", "rollup_usage", "rollup_session",
             "rollup_tools", "bad_lines", "projects", "models", "tools")
def snapshot(db):
    """Everything stored: the SQLite files byte for byte, or every table's rows."""
    if not PG:
        return (sha(db), sha(db + "-wal"))
    sql = " || ".join(f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {t} t)"
                      for t in PG_TABLES)
    return subprocess.run([os.environ["PSQL"], db, "-XAtq", "-c", "SELECT " + sql], check=True,
                          capture_output=True, text=True).stdout

class SyncLock:
    """Holds the store's cross-process sync lock, as another aiusage would:
    the flock of <db>.lock on SQLite, the session advisory lock on PostgreSQL
    (held by a psql session until released)."""
    def __init__(self, db):
        if PG:
            self.p = subprocess.Popen([os.environ["PSQL"], db, "-XAtq"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)
            self.p.stdin.write(f"SELECT pg_advisory_lock({PG_SYNC_LOCK});\n\\echo locked\n")
            self.p.stdin.flush()
            while self.p.stdout.readline().strip() != "locked":
                pass
        else:
            self.f = open(db + ".lock", "a+")
            fcntl.flock(self.f, fcntl.LOCK_EX)
    def release(self):
        if PG:
            self.p.stdin.close()   # the session ends, and its lock with it
            self.p.wait(timeout=30)
        else:
            fcntl.flock(self.f, fcntl.LOCK_UN)
            self.f.close()

def ref_counts():
    return dict(sessions=q(REF, "SELECT count(*) FROM sessions WHERE first_ts > 0"),
                requests=q(REF, "SELECT count(*) FROM usage"),
                prompts=q(REF, "SELECT count(*) FROM messages"),
                bad=q(REF, "SELECT count(*) FROM bad_lines"),
                output=q(REF, "SELECT sum(output) FROM usage"))

def store_counts(db):
    return dict(sessions=q(db, "SELECT count(*) FROM sessions WHERE first_ts > 0"),
                requests=q(db, "SELECT count(*) FROM usage"),
                prompts=q(db, "SELECT count(*) FROM messages"),
                bad=q(db, "SELECT count(*) FROM bad_lines"),
                output=q(db, "SELECT sum(output) FROM usage"))

def daily(db):
    out = subprocess.run([BIN, "--db", db, "daily", "--json", "--no-sync"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["totals"]

class Server:
    def __init__(self, *extra):
        self.p = subprocess.Popen([BIN, "serve", "--db", DB, "--claude-dir", f"{T}/projects",
                                   "--listen", "127.0.0.1:0", *extra],
                                  stdout=subprocess.PIPE, stderr=open(f"{T}/serve.err", "a"), text=True)
        line = self.p.stdout.readline()
        m = re.search(r"serving (http://\S+/)", line)
        if not m:
            print("server did not start: " + line + open(f"{T}/serve.err").read())
            sys.exit(1)
        self.url = m.group(1)
    def call(self, method, path, body=None):
        data = None if body is None else body.encode()
        req = urllib.request.Request(self.url + path.lstrip("/"), data=data, method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                code, js = r.status, json.load(r)
        except urllib.error.HTTPError as e:
            code, js = e.code, json.load(e)
        valid(method, path, code, js)
        return code, js
    def get(self, path):
        return self.call("GET", path)
    def idle(self, timeout=60, after=None):
        """Polls status until a run has finished (after syncId `after`, if given) and none runs."""
        end = time.time() + timeout
        while time.time() < end:
            _, s = self.get("/api/sync/status")
            d = s["data"]
            if not d["isRunning"] and d["lastSync"] and (after is None or d["syncId"] != after):
                return d
            time.sleep(0.05)
        return None
    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        try:
            return self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return -1

schema_fails = []
def valid(method, path, code, body):
    """Every response must match its documented schema in data/openapi.json."""
    try:
        op = DOC["paths"][path][method.lower()]
        schema = dict(op["responses"][str(code)]["content"]["application/json"]["schema"])
        schema["components"] = DOC["components"]
        jsonschema.validate(body, schema)
    except (KeyError, jsonschema.ValidationError) as e:
        schema_fails.append(f"{method} {path} {code}: {str(e)[:300]}")

def sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest() if os.path.exists(path) else None

subprocess.run([BIN, "--db", REF, "--claude-dir", f"{T}/refprojects", "sync", "-q"], check=True)
ref = ref_counts()
nfiles = sum(1 for r, _, fs in os.walk(f"{T}/projects") for f in fs if f.endswith(".jsonl"))

# --- phase 1: no watcher, no timer: only the sync at start and API calls
srv = Server("--no-watch", "--sync-interval", "0")
st = srv.idle()
check("sync at start finished", st is not None)
check("watch mode off", st["watch"] == "off")
check("syncId is a UUID v4", re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", st["syncId"]) is not None)
ls = st["lastSyncStats"]
check(f"filesProcessed {ls['filesProcessed']} = {nfiles} transcripts", ls["filesProcessed"] == nfiles)
check(f"sessionsAdded {ls['sessionsAdded']} = aiusage sync's {ref['sessions']}", ls["sessionsAdded"] == ref["sessions"])
check(f"messagesAdded {ls['messagesAdded']} = requests + prompts {ref['requests'] + ref['prompts']}",
      ls["messagesAdded"] == ref["requests"] + ref["prompts"])
check(f"errors {ls['errors']} = bad lines {ref['bad']}", ls["errors"] == ref["bad"])
check("lastSyncDuration is ms", isinstance(st["lastSyncDuration"], int) and st["lastSyncDuration"] >= 0)
check("store equals aiusage sync's store", store_counts(DB) == ref)

code, s = srv.get("/api/sync/stats")
d = s["data"]
check("stats 200", code == 200 and s["success"])
check("stats totals", d["totalSessions"] == ref["sessions"] and d["totalMessages"] == ref["requests"] + ref["prompts"])
check("retention forever by default", d["retentionDays"] is None and d["retention"] == "forever")
check("databaseSize human string", re.fullmatch(r"\d+(\.\d)? (B|kB|MB|GB|TB)", d["databaseSize"]) is not None and d["databaseBytes"] > 0)
check("oldest <= newest", d["oldestSession"] <= d["newestSession"])

code, s = srv.get("/api/sync/preview")
check("preview: nothing pending after a sync", code == 200 and s["data"]["totalPendingFiles"] == 0)

# append a request and a prompt to a transcript (the server does not watch)
target = f"{T}/projects/sample-project/fe5e1c67-53e7-4862-81ae-d0e013e3270b.jsonl"
extra = (json.dumps({"type": "user", "sessionId": "t-api-sync-1", "uuid": "t-api-sync-u1", "cwd": "/tmp/x",
                     "timestamp": "2026-01-02T10:00:00.000Z", "message": {"role": "user", "content": "hello there"}}) + "\n" +
         json.dumps({"type": "assistant", "sessionId": "t-api-sync-1", "uuid": "t-api-sync-a1", "cwd": "/tmp/x",
                     "requestId": "req_t_api_sync_1", "timestamp": "2026-01-02T10:00:05.000Z",
                     "message": {"id": "msg_t_api_sync_1", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
                                 "content": [{"type": "text", "text": "hi"}],
                                 "usage": {"input_tokens": 11, "output_tokens": 7, "cache_creation_input_tokens": 0,
                                           "cache_read_input_tokens": 0}}}) + "\n")
for p in (target, target.replace("/projects/", "/refprojects/")):
    with open(p, "a") as f:
        f.write(extra)
code, s = srv.get("/api/sync/preview")
pf = s["data"]["pendingFiles"]
check("preview lists the grown file", code == 200 and len(pf) == 1 and pf[0]["path"] == target and pf[0]["reason"] == "grown")
check("preview pendingBytes = appended bytes", pf and pf[0]["pendingBytes"] == len(extra.encode()))
check("preview estimates 2 messages, 1 new session", s["data"]["estimatedNewMessages"] == 2 and s["data"]["estimatedNewSessions"] == 1)
check("preview lastModified is RFC 3339", pf and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", pf[0]["lastModified"]) is not None)

before = snapshot(DB)
_, s0 = srv.get("/api/sync/status")
code, s = srv.call("POST", "/api/sync/run", '{"dryRun": true}')
check("dry run answers with the preview", code == 200 and s["data"]["started"] is False and s["data"]["dryRun"] is True
      and s["data"]["preview"]["totalPendingFiles"] == 1)
_, s1 = srv.get("/api/sync/status")
check("dry run writes nothing (store byte-identical)", snapshot(DB) == before)
check("dry run changes no data version", s0["data"]["dataVersion"] == s1["data"]["dataVersion"])

for body, field in (('{"incremental": "yes"}', "incremental"), ('{"dryRun": 1}', "dryRun"), ('[1]', "body"), ('{', "body")):
    code, s = srv.call("POST", "/api/sync/run", body)
    check(f"bad body {body} -> 400 naming {field}", code == 400 and s["error"]["code"] == "VALIDATION_ERROR"
          and s["error"]["details"].get("field") == field)
code, s = srv.call("POST", "/api/sync/run", "{" + " " * 5000 + "}")
check("body over 4 KiB -> 413", code == 413)

# 409: hold the cross-process sync lock so the run waits, visibly running
lk = SyncLock(DB)
code, s = srv.call("POST", "/api/sync/run", '{"incremental": true}')
check("run starts", code == 200 and s["data"]["started"] is True)
sid = s["data"]["syncId"]
_, st = srv.get("/api/sync/status")
check("status shows it running with its syncId", st["data"]["isRunning"] and st["data"]["syncId"] == sid and st["data"]["progress"] is not None)
code, s = srv.call("POST", "/api/sync/run", "")
check("concurrent run -> 409 SYNC_IN_PROGRESS", code == 409 and s["error"]["code"] == "SYNC_IN_PROGRESS")
code, s = srv.call("POST", "/api/sync/reset", "")
check("reset while running -> 409", code == 409 and s["error"]["code"] == "SYNC_IN_PROGRESS")
lk.release()
st = srv.idle()
check("the run completes once the lock is free", st is not None and st["syncId"] == sid and st["lastError"] is None)
check("it ingested the appended lines", st["lastSyncStats"]["messagesAdded"] == 2 and st["lastSyncStats"]["sessionsAdded"] == 1)
subprocess.run([BIN, "--db", REF, "--claude-dir", f"{T}/refprojects", "sync", "-q"], check=True)
ref = ref_counts()
check("store equals aiusage sync's after the append", store_counts(DB) == ref)
code, s = srv.get("/api/sync/stats")
check("stats serve the new figures", s["data"]["totalMessages"] == ref["requests"] + ref["prompts"])

code, s = srv.call("POST", "/api/sync/reset", "")
check("reset -> 200", code == 200 and s["data"]["message"] == "Sync metadata reset successfully")
code, s = srv.get("/api/sync/preview")
check("after reset every file is pending again", s["data"]["totalPendingFiles"] == nfiles)
tot = daily(REF)
code, s = srv.call("POST", "/api/sync/run", "{}")
st = srv.idle(after=None)
st = srv.idle()
check("re-sync after reset converges to identical totals", daily(DB) == tot and store_counts(DB) == ref)
code, s = srv.call("POST", "/api/sync/run", '{"incremental": false}')
check("full re-read starts", code == 200)
fid = s["data"]["syncId"]
end = time.time() + 60
while time.time() < end:
    _, st = srv.get("/api/sync/status")
    if st["data"]["syncId"] == fid and not st["data"]["isRunning"]:
        break
    time.sleep(0.05)
check(f"full re-read processed every file ({st['data']['lastSyncStats']['filesProcessed']})",
      st["data"]["lastSyncStats"]["filesProcessed"] == nfiles)
check("full re-read keeps totals", daily(DB) == tot and store_counts(DB) == ref)
check("server stops on SIGTERM", srv.stop() == 0)

# --- phase 2: the watcher
srv = Server()
st = srv.idle()
check("watch mode inotify", st is not None and st["watch"] == "inotify")
v0 = st["dataVersion"]
line = json.dumps({"type": "assistant", "sessionId": "t-api-sync-1", "uuid": "t-api-sync-a2", "cwd": "/tmp/x",
                   "requestId": "req_t_api_sync_2", "timestamp": "2026-01-02T10:01:00.000Z",
                   "message": {"id": "msg_t_api_sync_2", "role": "assistant", "model": "claude-sonnet-4-5-20250929",
                               "content": [{"type": "text", "text": "again"}],
                               "usage": {"input_tokens": 5, "output_tokens": 1000, "cache_creation_input_tokens": 0,
                                         "cache_read_input_tokens": 0}}}) + "\n"
with open(target, "a") as f:
    f.write(line)
def wait_version(v, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        _, s = srv.get("/api/sync/status")
        if s["data"]["dataVersion"] != v and not s["data"]["isRunning"]:
            return s["data"]
        time.sleep(0.1)
    return None
d = wait_version(v0)
check("appended line: data version changes with no sync call", d is not None)
code, s = srv.get("/api/analytics/overview")
check("new figures served", code == 200 and s["data"]["outputTokens"] == ref["output"] + 1000)
os.makedirs(f"{T}/projects/-brand-new-project")
v1 = d["dataVersion"] if d else v0
with open(f"{T}/projects/-brand-new-project/t-api-sync-2.jsonl", "w") as f:
    f.write(line.replace("t-api-sync-1", "t-api-sync-2").replace("msg_t_api_sync_2", "msg_t_api_sync_3")
            .replace("req_t_api_sync_2", "req_t_api_sync_3"))
d = wait_version(v1)
check("a new project folder is watched too", d is not None)
code, s = srv.get("/api/sync/stats")
check("its session is counted", s["data"]["totalSessions"] == ref["sessions"] + 1)
check("server stops on SIGTERM", srv.stop() == 0)
# --- phase 3: retention set through serve equals the CLI's on the same data
with open(target.replace("/projects/", "/refprojects/"), "a") as f:
    f.write(line)
os.makedirs(f"{T}/refprojects/-brand-new-project")
with open(f"{T}/refprojects/-brand-new-project/t-api-sync-2.jsonl", "w") as f, \
     open(f"{T}/projects/-brand-new-project/t-api-sync-2.jsonl") as g:
    f.write(g.read())
subprocess.run([BIN, "--db", REF, "--claude-dir", f"{T}/refprojects", "sync", "-q"], check=True)
ref = ref_counts()
check("reference store caught up with phase 2", store_counts(DB) == ref)
# a retention that cuts through the middle of the data, whatever today is
median = q(REF, "SELECT ts FROM usage ORDER BY ts LIMIT 1 OFFSET (SELECT count(*) / 2 FROM usage)")
DAYS = str(int((time.time() * 1000 - median) // 86400000) + 1)
srv = Server("--no-watch", "--sync-interval", "0", "--retention-days", DAYS)
st = srv.idle()
code, s = srv.get("/api/sync/stats")
check("--retention-days is stored and reported", s["data"]["retentionDays"] == int(DAYS) and s["data"]["retention"] == DAYS + " days")
check("server stops on SIGTERM", srv.stop() == 0)
out = subprocess.run([BIN, "--db", REF, "retention", DAYS], check=True, capture_output=True, text=True).stdout
check(f"aiusage retention {DAYS} prunes the reference store", out.startswith("pruned ") and f"{DAYS} days" in out)
pruned = ref_counts()
check(f"the prune removed data ({ref['requests']} -> {pruned['requests']} requests)", 0 < pruned["requests"] < ref["requests"])
check("server and CLI prune to the same store", store_counts(DB) == pruned and daily(DB) == daily(REF))
check("stats report the pruned totals", s["data"]["totalMessages"] == pruned["requests"] + pruned["prompts"])

check("every response matched the OpenAPI document" + ("" if not schema_fails else ": " + "; ".join(schema_fails[:3])),
      not schema_fails)
sys.exit(1 if fails else 0)
PY
