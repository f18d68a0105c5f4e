#!/usr/bin/python3
"""jbreq.py: one raw request to judgeboxd, or a listener of its events, for
the shell tests (violations.t, metrics.t):

  jbreq.py req PYTHON-LITERAL     send the map (bytes are bin), print the
                                  reply as one JSON line (bin as text)
  jbreq.py sub PREFIX SECONDS     subscribe to PREFIX, print each event as
                                  a JSON line {"topic": ..., "event": ...}
                                  for SECONDS (a line "ready" first)

At $JUDGEBOX_ENDPOINT and $JUDGEBOX_EVENTS; exit 4 when no reply comes."""
import ast
import json
import os
import sys
import time

import msgpack
import zmq


def plain(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def req(lit):
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["JUDGEBOX_ENDPOINT"])
    m = ast.literal_eval(lit)
    m.setdefault("rid", 1)
    s.send_multipart([b"", msgpack.packb(m, use_bin_type=True)])
    if not s.poll(60000):
        sys.exit(4)
    print(json.dumps(plain(msgpack.unpackb(s.recv_multipart()[-1], raw=False))))


def sub(prefix, seconds):
    s = zmq.Context.instance().socket(zmq.SUB)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["JUDGEBOX_EVENTS"])
    s.setsockopt(zmq.SUBSCRIBE, prefix.encode())
    time.sleep(0.3)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if s.poll(100):
            f = s.recv_multipart()
            if len(f) == 2:
                print(json.dumps({"topic": f[0].decode(), "event": plain(msgpack.unpackb(f[1]))}),
                      flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "req":
        req(sys.argv[2])
    else:
        sub(sys.argv[2], float(sys.argv[3]))
