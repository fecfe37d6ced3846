#!/usr/bin/env python3
"""Independent reference computation of Claude Code usage totals.

Reads a projects/ tree with Python's json module (not aiusage's scanner),
deduplicates assistant usage on (message.id, requestId) keeping the record
with the largest usage (a non-sidechain record wins a tie) and prints totals
as JSON. Used by tests to check aiusage's numbers; stdlib only.
"""
import datetime, json, os, re, sys
try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover
    ZoneInfo = None

def usage_total(u):
    return sum(int(u.get(k) or 0) for k in ("input_tokens", "output_tokens",
               "cache_creation_input_tokens", "cache_read_input_tokens"))

def cw_split(u):
    cc = u.get("cache_creation")
    total = int(u.get("cache_creation_input_tokens") or 0)
    if isinstance(cc, dict):
        m5 = int(cc.get("ephemeral_5m_input_tokens") or 0)
        h1 = int(cc.get("ephemeral_1h_input_tokens") or 0)
        if m5 + h1 == total:
            return m5, h1
        return total - h1, h1
    return total, 0

def scan(root):
    best = {}
    bad = 0
    for dirpath, _dirs, files in os.walk(root):
        for f in sorted(files):
            if not f.endswith(".jsonl"):
                continue
            with open(os.path.join(dirpath, f), "rb") as fh:
                for raw in fh:
                    raw = raw.strip()
                    if not raw:
                        continue
                    try:
                        o = json.loads(raw)
                    except Exception:
                        bad += 1
                        continue
                    if not isinstance(o, dict):
                        bad += 1
                        continue
                    m = o.get("message")
                    if not isinstance(m, dict) or not isinstance(m.get("usage"), dict):
                        continue
                    if o.get("type") != "assistant":
                        continue
                    mid = m.get("id")
                    if not mid:
                        continue
                    key = (mid, o.get("requestId") or "")
                    u = m["usage"]
                    rec = (usage_total(u), not o.get("isSidechain"), o, m, u)
                    old = best.get(key)
                    if old is None or rec[0] > old[0] or (rec[0] == old[0] and rec[1] and not old[1]):
                        best[key] = rec
    return best, bad

TS_RE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$")

def local_day(ts, tz):
    mt = TS_RE.match(ts)
    frac = ((mt.group(2) or "") + "000000")[:6]
    off = "+00:00" if mt.group(3) == "Z" else mt.group(3)
    t = datetime.datetime.fromisoformat(mt.group(1) + "." + frac + off)
    return t.astimezone(ZoneInfo(tz) if tz != "UTC" else datetime.timezone.utc).strftime("%Y-%m-%d")

def main():
    root = sys.argv[1]
    tz = sys.argv[2] if len(sys.argv) > 2 else "UTC"
    best, bad = scan(root)
    tot = dict(records=0, input=0, output=0, cache_write=0, cache_write_5m=0,
               cache_write_1h=0, cache_read=0)
    per_model = {}
    per_day = {}
    for (_t, _ns, o, m, u) in best.values():
        model = m.get("model") or "unknown"
        if model == "<synthetic>":
            continue
        m5, h1 = cw_split(u)
        row = per_model.setdefault(model, dict(records=0, input=0, output=0,
                                   cache_write_5m=0, cache_write_1h=0, cache_read=0))
        drow = per_day.setdefault(local_day(o["timestamp"], tz), {}).setdefault(model, dict(
            records=0, input=0, output=0, cache_write_5m=0, cache_write_1h=0, cache_read=0))
        for d in (tot, row, drow):
            d["records"] += 1
            d["input"] += int(u.get("input_tokens") or 0)
            d["output"] += int(u.get("output_tokens") or 0)
            d["cache_write_5m"] += m5
            d["cache_write_1h"] += h1
            d["cache_read"] += int(u.get("cache_read_input_tokens") or 0)
        tot["cache_write"] += m5 + h1
    print(json.dumps(dict(totals=tot, models=per_model, days=per_day, malformed=bad),
                     indent=1, sort_keys=True))

if __name__ == "__main__":
    main()
