#!/usr/bin/python3
# sessions_bench.py: the measurements of tests/bench/sessions.sh (autosave,
# PROTOCOL.md 18.4). Prints figures only.
#
#   updates N EDITORS ROUNDS
#       EDITORS editors, each with a session of one 1 KiB file, autosave N
#       times in all through the socket, each editor one save at a time
#       (the next save names the version the last reply gave, as an editor
#       does); ROUNDS rounds; updates per second of each round, their
#       median, and the median latency of one save
import os, statistics, sys, time
import msgpack, zmq

CTX = zmq.Context.instance()
SRC = (b"#include <stdio.h>\nint main(void)\n{\n" + b"\tputs(\"line\");\n" * 60 + b"}\n")[:1024]


def dealer():
    s = CTX.socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["JUDGEBOX_ENDPOINT"])
    return s


def recv(s):
    if not s.poll(60000):
        sys.exit("bench: judgeboxd did not answer")
    r = msgpack.unpackb(s.recv_multipart()[-1])
    if not r.get("ok"):
        sys.exit(f"bench: {r.get('error')}")
    return r


def update(s, sid, base, i):
    body = SRC[:-40] + b"/* %08d */\n" % i + SRC[-28:]
    s.send_multipart([b"", msgpack.packb({"op": "session_update", "rid": i, "id": sid,
                                         "base_version": base,
                                         "files": [{"name": "main.c", "content": body}]})])


def one_round(n, socks, sids):
    """n saves by len(socks) editors, one in flight each: (seconds, latencies)."""
    versions = {}
    for s, sid in zip(socks, sids):
        s.send_multipart([b"", msgpack.packb({"op": "session_get", "id": sid})])
        versions[sid] = recv(s)["session"]["version"]
    poller = zmq.Poller()
    for s in socks:
        poller.register(s, zmq.POLLIN)
    sent, done, lat, t_sent = 0, 0, [], {}
    t0 = time.monotonic()
    for s, sid in zip(socks, sids):
        if sent < n:
            update(s, sid, versions[sid], sent)
            t_sent[s] = time.monotonic()
            sent += 1
    by_sock = dict(zip(socks, sids))
    while done < sent:
        for s, _ in poller.poll(60000):
            r = recv(s)
            lat.append(time.monotonic() - t_sent[s])
            done += 1
            sid = by_sock[s]
            if sent < n:
                update(s, sid, r["session"]["version"], sent)
                t_sent[s] = time.monotonic()
                sent += 1
    return time.monotonic() - t0, lat


def updates(n, editors, rounds):
    socks = [dealer() for _ in range(editors)]
    sids = []
    for s in socks:
        s.send_multipart([b"", msgpack.packb({"op": "session_create", "lang": "c",
                                             "files": [{"name": "main.c", "content": SRC}]})])
        sids.append(recv(s)["session"]["id"])
    rates, lats = [], []
    for _ in range(rounds):
        t, lat = one_round(n, socks, sids)
        rates.append(n / t)
        lats += lat
    print(f"editors={editors} updates={n}x{rounds} median_updates_per_s={statistics.median(rates):.0f}"
          f" rounds=[{' '.join(f'{r:.0f}' for r in rates)}]"
          f" median_latency_ms={statistics.median(lats) * 1000:.2f}")


if __name__ == "__main__":
    updates(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
