#!/usr/bin/python3
# problem_client.py ACTION ARGS: one action of tests/problems.t against
# $JUDGEBOX_ENDPOINT; prints one line.
import os, sys, time
import msgpack, zmq

ctx = zmq.Context()


def dealer():
    s = ctx.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["JUDGEBOX_ENDPOINT"])
    return s


def call(req, t=120000, s=None):
    s = s or dealer()
    req.setdefault("v", 2)
    s.send_multipart([b"", msgpack.packb(req)])
    if not s.poll(t):
        sys.exit("timeout")
    return msgpack.unpackb(s.recv_multipart()[-1])


def err(r):
    return "error " + r["error"]["code"]


def src(text):
    return text.encode().decode("unicode_escape").encode()


a = sys.argv[1:]
if a[0] == "import":
    r = call({"op": "problem_import", "problem": a[1], "path": a[2]})
    print("ok %s %d" % (r["problem"]["id"], r["problem"]["tests"]) if r["ok"] else err(r))
elif a[0] == "import_why":
    r = call({"op": "problem_import", "problem": a[1], "path": a[2]})
    print("ok" if r["ok"] else "%s: %s" % (err(r), r["error"].get("message", "")))
elif a[0] == "get":
    r = call({"op": "problem_get", "problem": a[1]})
    if not r["ok"]:
        print(err(r))
    else:
        p = r["problem"]
        sm = ",".join("%s:%s|%s" % (x["name"], x["input"].decode().strip(), x["answer"].decode().strip())
                      for x in p["samples"])
        print("ok %s %s network=%s tests=%d samples=%s" % (p["id"], p["type"], p["network"], p["tests"], sm))
elif a[0] == "listall":
    ids, pages, cur = [], 0, None
    while True:
        req = {"op": "problem_list"}
        if cur:
            req["cursor"] = cur
        r = call(req)
        pages += 1
        ids += [p["id"] for p in r["problems"]]
        cur = r.get("next")
        if not cur or pages > 5:
            break
    print("%d problems, pages of 100: %d" % (len(set(ids)), pages))
elif a[0] == "list":
    r = call({"op": "problem_list"})
    print("ok " + " ".join(p["id"] for p in r["problems"] if p["id"] == "sum"))
elif a[0] in ("submit", "limits"):
    if a[0] == "limits":
        a = ["submit", a[1], "python3", "print(1)", "first_failure"]
    r = call({"op": "submit", "problem": a[1], "lang": a[2], "source": src(a[3]),
              "mode": a[4], "wait": True})
    if not r["ok"]:
        print(err(r))
    elif sys.argv[1] == "limits":
        l = r["job"]["limits"]
        print("cpu_ms=%d memory_kb=%d" % (l["cpu_ms"], l["memory_kb"]))
    else:
        res = r["job"]["result"]
        line = "%s %s %s %d/%d" % (r["job"]["state"], res.get("verdict"), res.get("first_failure", "-"),
                                   len(res.get("tests", [])), res.get("total", 0))
        if len(a) > 5:
            line += " score=%g" % res.get("score", float("nan"))
        print(line)
elif a[0] == "queue":		# queue PROBLEM LANG SOURCE: the job's id, not waiting
    r = call({"op": "submit", "problem": a[1], "lang": a[2], "source": src(a[3]), "mode": "all"})
    print(r["job"]["id"] if r["ok"] else err(r))
elif a[0] == "verdict":		# verdict ID: when it is judged, "VERDICT RAN/TOTAL"
    while True:
        j = call({"op": "get", "id": int(a[1])})["job"]
        if j["state"] in ("judged", "failed", "cancelled"):
            res = j.get("result", {})
            print("%s %d/%d" % (res.get("verdict"), len(res.get("tests", [])), res.get("total", 0)))
            break
        time.sleep(0.1)
elif a[0] == "reqs":
    r = call({"op": "submit", "problem": a[1], "lang": a[2], "source": src(a[3]), "mode": "all",
              "wait": True})
    q = r["job"]["result"].get("requirements", {})
    print("total=%s covered=%s missing=%s" % (q.get("total"), q.get("covered"), ",".join(q.get("missing", []))))
elif a[0] == "submit_limits":
    r = call({"op": "submit", "problem": a[1], "lang": "python3", "source": b"print(1)",
              "limits": {"cpu_ms": 100}})
    print(err(r) + " " + r["error"].get("field", "") if not r["ok"] else "ok?")
elif a[0] == "events":
    sub = ctx.socket(zmq.SUB)
    sub.connect(os.environ["JUDGEBOX_EVENTS"])
    sub.setsockopt(zmq.SUBSCRIBE, b"job.")
    time.sleep(0.5)
    r = call({"op": "submit", "problem": a[1], "lang": a[2], "source": src(a[3]), "mode": "all",
              "wait": True})
    topic = b"job.%d." % r["job"]["id"]
    evs = []
    while sub.poll(1000):
        t, body = sub.recv_multipart()
        if t == topic:
            evs.append(msgpack.unpackb(body))
    tests = [e for e in evs if e["event"] == "test"]
    seqs = [e["seq"] for e in evs]
    okseq = seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False
    print("ok %d tests, index %s, seq %s" % (len(tests), "1..%d" % len(tests)
          if [e["index"] for e in tests] == list(range(1, len(tests) + 1)) else "wrong",
          "consecutive" if okseq else "gapped %s" % seqs))
