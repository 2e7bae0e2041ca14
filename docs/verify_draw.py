#!/usr/bin/env python3
"""Verifies a DRAW-v1 record (docs/draw.md) -> prints valid / invalid: why.

python3 verify_draw.py SOURCE, where SOURCE is a file, - (standard input) or an http(s) URL holding either the draw
record (GET /api/enforcement/plans/{planId}/draw) or the public record of a plan (GET /api/public/enforcement/{planId}),
whose "draw" is the record.
"""
import hashlib, hmac, json, sys, urllib.request
from decimal import Decimal

def sha(text): return hashlib.sha256(text.encode("utf-8")).hexdigest()

def stream(seed, label):
    i = 0
    while True:
        yield int.from_bytes(hmac.new(seed, f"{label}:{i}".encode("utf-8"), hashlib.sha256).digest()[:8], "big")
        i += 1

def uniform(s, n):
    limit = (2**64 // n) * n
    while True:
        u = next(s)
        if u < limit: return u % n

def shuffle(s, items, k):
    for i in range(k):
        j = i + uniform(s, len(items) - i)
        items[i], items[j] = items[j], items[i]
    return items[:k]

def check(r):
    if r["algorithm"] != "DRAW-v1": return "unknown algorithm"
    ts, os_ = r["roster"]["targets"], r["roster"]["officers"]
    if [t["targetId"] for t in ts] != sorted({t["targetId"] for t in ts}): return "targets not sorted or repeated"
    if [(o["department"], o["officerId"]) for o in os_] != sorted((o["department"], o["officerId"]) for o in os_) or len({o["officerId"] for o in os_}) < len(os_): return "officers not sorted or repeated"
    text = "".join(f"T\t{t['targetId']}\t{t['stratum']}\n" for t in ts) + "".join(f"O\t{o['department']}\t{o['officerId']}\n" for o in os_)
    if sha(text) != r["rosterHash"]: return "rosterHash"
    c, n = r["commitments"], r["nonces"]
    if not c or sorted(c) != sorted(n): return "commitments and nonces name different departments"
    for d in c:
        if len(n[d]) < 32 or sha(n[d]) != c[d]: return f"nonce of {d}"
    seed = hashlib.sha256(("DRAW-v1\n" + r["planId"] + "\n" + r["rosterHash"] + "\n" + "".join(n[d] + "\n" for d in sorted(c))).encode("utf-8")).digest()
    if seed.hex() != r["seed"]: return "seed"
    drawn = []
    for st in sorted(r["sampling"]["strata"], key=lambda s: s["name"]):
        items = [t for t in ts if t["stratum"] == st["name"]]
        hundredths = Decimal(str(st["ratioPercent"])) * 100
        if hundredths != int(hundredths) or not 0 <= hundredths <= 10000: return f"ratioPercent of {st['name']}"
        hundredths = int(hundredths)
        k = min(len(items), max(st["minimum"], -(-hundredths * len(items) // 10000)))
        drawn += shuffle(stream(seed, "targets:" + st["name"]), items, k)
    sel, per, recused_by_owner = r["selected"], r["sampling"]["officersPerTarget"], {}
    if [t["targetId"] for t in drawn] != [s["targetId"] for s in sel]: return "selected targets"
    for t, s in zip(drawn, sel):
        if recused_by_owner.setdefault(t["creditCode"], s["recused"]) != s["recused"]: return f"recused of {t['targetId']}"
        pool = [o["officerId"] for o in os_ if o["officerId"] not in s["recused"]]
        if len(pool) != len(os_) - len(s["recused"]) or len(pool) < per: return f"officer pool of {t['targetId']}"
        if shuffle(stream(seed, "officers:" + t["targetId"]), pool, per) != s["officers"]: return f"officers of {t['targetId']}"
    now, gone = {s["targetId"]: list(s["officers"]) for s in sel}, {s["targetId"]: [] for s in sel}
    for i, x in enumerate(r.get("redraws", [])):  # officers replaced after the draw (section 6), in order
        t = x["targetId"]
        if t not in now or x["replaced"] not in now[t] or x["round"] != len(gone[t]) + 1: return f"redraws[{i}]"
        out = set(next(s["recused"] for s in sel if s["targetId"] == t)) | set(now[t]) | set(gone[t])
        pool = [o["officerId"] for o in os_ if o["officerId"] not in out]
        if not pool or shuffle(stream(seed, f"officers:{t}:redraw:{x['round']}"), pool, 1) != [x["officer"]]: return f"redraws[{i}] of {t}"
        gone[t].append(x["replaced"]); now[t][now[t].index(x["replaced"])] = x["officer"]
    return None

def record_of(served):
    # The public record carries the draw record under "draw", for the same plan.
    if isinstance(served, dict) and "algorithm" not in served and "draw" in served:
        draw = served["draw"]
        if draw is None: return None, "the plan has not been drawn yet"
        if draw.get("planId") != served.get("planId"): return None, "the draw record names another plan"
        return draw, None
    return served, None

def verify(served):
    r, problem = record_of(served)
    if problem: return problem
    if not isinstance(r, dict): return "not a draw record"
    if "seed" not in r or "selected" not in r: return "the plan has not been drawn yet (no seed or selection)"
    try:
        return check(r)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError) as e:
        # A record missing a field or holding the wrong kind of value is invalid, not a crash.
        return f"malformed record ({type(e).__name__}: {e})"

def read(source):
    if source == "-": return json.load(sys.stdin)
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=60) as answer: return json.load(answer)
    with open(source, encoding="utf-8") as f: return json.load(f)

if __name__ == "__main__":
    if len(sys.argv) != 2: sys.exit("usage: verify_draw.py record.json | - | https://…/api/public/enforcement/{planId}")
    problem = verify(read(sys.argv[1]))
    print("invalid: " + problem if problem else "valid")
    sys.exit(1 if problem else 0)
