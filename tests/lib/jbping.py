#!/usr/bin/python3
# jbping.py: exit 0 if judgeboxd answers health at $JUDGEBOX_ENDPOINT within
# 1 s (used by daemon-env.sh to wait for a start).
import os, sys, zmq, msgpack

s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
s.connect(os.environ["JUDGEBOX_ENDPOINT"])
s.send_multipart([b"", msgpack.packb({"op": "health", "rid": 1})])
if not s.poll(1000):
    sys.exit(1)
_, body = s.recv_multipart()
sys.exit(0 if msgpack.unpackb(body)["ok"] else 1)
