#!/usr/bin/env python3
"""bench/gen_scale.py - one slice of a large synthetic Claude Code history for
bench/scale.sh. Python 3 standard library only, deterministic per (seed, slice).

usage: gen_scale.py OUTDIR ROWS SLICE NSLICES [SEED] [DAYS]

Writes OUTDIR/projects/<project>/<session>.jsonl (new files only) holding
about ROWS/NSLICES deduplicated usage records (assistant requests) for slice
SLICE (0-based). The history spans DAYS days (default 400) ending on
2026-11-01; slice k covers the k-th 1/NSLICES of that span, so syncing the
slices in order is what an incremental sync sees on a real machine.

Shape (transcript format: ../shared/reference/claude-code-logs.md):
  - 40 projects, sessions of 5..400 requests (long-tailed), 3 models
    (opus / sonnet / haiku, 4.5 family) with realistic token counts;
  - streamed requests: 35 % of requests are split over 2-3 lines carrying the
    same message.id, requestId and usage (one content block each);
  - resumed sessions: 4 % of sessions start a new file that repeats the
    first requests of an earlier session of the same slice (copied history);
  - a user prompt line before every ~4 requests (the `messages` table);
  - tool_use blocks (Read/Edit/Bash/Grep/...) on 45 % of requests.
Message text is a few words: this benchmark is about rows, not bytes
(bench/run.sh measures bytes on the 1 GiB corpus).

Prints one line: "rows R lines L files F bytes B" where R counts distinct
(message.id, requestId) pairs written in this slice (the deduplicated
usage rows the store must end up with).
"""
import os
import random
import sys

EPOCH_END_MS = 1793491200000  # 2026-11-01T00:00:00Z
MODELS = [("claude-sonnet-4-5-20250929", 0.62), ("claude-opus-4-5-20251101", 0.23),
          ("claude-haiku-4-5-20251001", 0.15)]
TOOLS = ["Read", "Edit", "Bash", "Grep", "Glob", "Write", "TodoWrite", "WebFetch", "Task"]
BRANCHES = ["main", "dev", "feat/api", "fix/parser", "refactor/store"]


def iso(ms):
    s, m = divmod(ms, 1000)
    # civil-from-days, UTC (no time module: deterministic and fast)
    days, sod = divmod(s, 86400)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    mo = mp + 3 if mp < 10 else mp - 9
    if mo <= 2:
        y += 1
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (y, mo, d, sod // 3600, sod // 60 % 60, sod % 60, m)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    out, rows, sl, nsl = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 20261130
    days = int(sys.argv[6]) if len(sys.argv) > 6 else 400
    if rows <= 0 or nsl <= 0 or not 0 <= sl < nsl or days <= 0:
        sys.exit("gen_scale: bad arguments")
    R = random.Random(seed * 1000003 + sl)
    want = rows // nsl + (1 if sl < rows % nsl else 0)
    span = days * 86400000
    t_lo = EPOCH_END_MS - span + span * sl // nsl
    t_hi = EPOCH_END_MS - span + span * (sl + 1) // nsl
    projects = ["/home/dev/src/proj-%02d" % i for i in range(40)]
    pweights = [1.0 / (i + 1) for i in range(40)]  # a few projects get most of the work
    mnames = [m for m, _ in MODELS]
    mweights = [w for _, w in MODELS]

    def rid(n):  # n hex digits (ids only need to be unique)
        return "%0*x" % (n, R.getrandbits(4 * n))

    def uuid():
        h = "%032x" % R.getrandbits(128)
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[R.getrandbits(2)], h[17:20], h[20:32])

    written = 0
    nlines = 0
    nfiles = 0
    nbytes = 0
    earlier = []  # (project, first lines) of sessions of this slice, for resumes
    while written < want:
        proj = R.choices(projects, pweights)[0]
        folder = proj.replace("/", "-")
        sess = uuid()
        n = min(int(R.paretovariate(1.2) * 5), 400, want - written)
        n = max(n, 1)
        model = R.choices(mnames, mweights)[0]
        branch = R.choice(BRANCHES)
        t = R.randrange(t_lo, max(t_lo + 1, t_hi - 3600000))
        common = ('"userType":"external","entrypoint":"cli","cwd":"%s","sessionId":"%s",'
                  '"version":"2.1.116","gitBranch":"%s"}\n') % (proj, sess, branch)
        lines = []
        resumed = earlier and R.random() < 0.04
        if resumed:
            rp, rlines = R.choice(earlier)
            if rp == proj:
                lines.extend(rlines)  # copied history: duplicates to deduplicate
        parent = None
        ctx = R.randrange(8000, 30000)
        for i in range(n):
            if i % 4 == 0:
                u = uuid()
                lines.append('{"parentUuid":%s,"isSidechain":false,"promptId":"%s","type":"user",'
                             '"message":{"role":"user","content":"step %d of the task"},"uuid":"%s",'
                             '"timestamp":"%s",%s' % ("null" if parent is None else '"%s"' % parent,
                                                      uuid(), i, u, iso(t), common))
                parent = u
                t += R.randrange(2000, 120000)
            if R.random() < 0.08:
                model = R.choices(mnames, mweights)[0]
            mid = "msg_01" + rid(22)
            req = "req_011C" + rid(20)
            inp = R.randrange(1, 40)
            cw = R.randrange(0, 6000) if R.random() < 0.5 else 0
            ctx += cw
            cr = ctx
            outp = R.randrange(20, 2500)
            usage = ('{"input_tokens":%d,"cache_creation_input_tokens":%d,"cache_read_input_tokens":%d,'
                     '"cache_creation":{"ephemeral_5m_input_tokens":%d,"ephemeral_1h_input_tokens":0},'
                     '"output_tokens":%d,"service_tier":"standard"}') % (inp, cw, cr, cw, outp)
            blocks = ['{"type":"text","text":"working on it"}']
            if R.random() < 0.45:
                blocks.append('{"type":"tool_use","id":"toolu_01%s","name":"%s","input":{"n":%d}}'
                              % (rid(22), R.choice(TOOLS), i))
            if R.random() < 0.35 and len(blocks) == 1:
                blocks.append('{"type":"text","text":"done"}')
            streamed = R.random() < 0.35 and len(blocks) > 1
            parts = [[b] for b in blocks] if streamed else [blocks]
            for p in parts:
                u = uuid()
                lines.append('{"parentUuid":"%s","isSidechain":false,"message":{"model":"%s","id":"%s",'
                             '"type":"message","role":"assistant","content":[%s],"stop_reason":"tool_use",'
                             '"stop_sequence":null,"usage":%s},"requestId":"%s","type":"assistant",'
                             '"uuid":"%s","timestamp":"%s",%s'
                             % (parent, model, mid, ",".join(p), usage, req, u, iso(t), common))
                parent = u
                t += R.randrange(200, 3000)
            t += R.randrange(1000, 90000)
            written += 1
        if len(earlier) < 64:
            earlier.append((proj, lines[:12]))
        d = os.path.join(out, "projects", folder)
        os.makedirs(d, exist_ok=True)
        data = "".join(lines).encode()
        with open(os.path.join(d, sess + ".jsonl"), "wb") as f:
            f.write(data)
        nlines += len(lines)
        nbytes += len(data)
        nfiles += 1
    print("rows %d lines %d files %d bytes %d" % (written, nlines, nfiles, nbytes))


main()
