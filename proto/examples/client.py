#!/usr/bin/python3
"""Run one program on judgeboxd and print its result (PROTOCOL.md section 15).

usage: client.py FILE LANG [STDIN_FILE]

Uses Debian's python3-zmq and python3-msgpack; run it with /usr/bin/python3.
The endpoint is JUDGEBOX_ENDPOINT, else ipc:///run/judgebox/requests.sock.
Prints status, exit_code, cpu_ms, wall_ms, memory_kb, then the program's
stdout after a "--- stdout" line. Exit status: 0 the program's status was ok,
1 another status, 2 usage, 3 an error reply, 4 no answer.
"""
import os
import sys
import uuid

import msgpack
import zmq

ENDPOINT = os.environ.get("JUDGEBOX_ENDPOINT") or "ipc:///run/judgebox/requests.sock"
WAIT_MS = 60000           # the daemon answers within this, ended or not
TIMEOUT_MS = WAIT_MS + 10000
TERMINAL = ("judged", "cancelled", "failed")


def call(ctx, req, tries=3):
    """Send req on a fresh DEALER; on a timeout, close it and resend the same
    request (same idem, so no second job is made): the lazy pirate pattern."""
    for _ in range(tries):
        s = ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(ENDPOINT)
        try:
            s.send_multipart([b"", msgpack.packb(req)])
            while s.poll(TIMEOUT_MS):
                frames = s.recv_multipart()
                rep = msgpack.unpackb(frames[-1])  # bin -> bytes, str -> str
                if rep.get("rid", req["rid"]) == req["rid"]:
                    return rep
        finally:
            s.close()
    print(f"judgeboxd did not answer at {ENDPOINT} (is it running?)", file=sys.stderr)
    sys.exit(4)


def check(rep):
    if not rep["ok"]:
        err = rep["error"]
        print(f'{err["code"]}: {err["message"]}', file=sys.stderr)
        sys.exit(3)
    return rep["job"]


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, lang = sys.argv[1], sys.argv[2]
    with open(path, "rb") as f:
        req = {"op": "run", "rid": 1, "lang": lang, "source": f.read(),
               "wait": True, "wait_ms": WAIT_MS, "idem": uuid.uuid4().hex}
    if len(sys.argv) == 4:
        with open(sys.argv[3], "rb") as f:
            req["stdin"] = f.read()
    ctx = zmq.Context()
    job = check(call(ctx, req))
    rid = 1
    while job["state"] not in TERMINAL:   # wait_ms ran out, or the daemon drains
        rid += 1
        job = check(call(ctx, {"op": "get", "rid": rid, "id": job["id"],
                               "wait": True, "wait_ms": WAIT_MS}))
    result = job.get("result", {})
    status = result.get("status", job["state"])
    print("status", status)
    for key in ("exit_code", "cpu_ms", "wall_ms", "memory_kb"):
        print(key, result.get(key, "-"))
    print("--- stdout")
    sys.stdout.flush()
    sys.stdout.buffer.write(result.get("stdout", b""))   # bytes: maybe not UTF-8
    return 0 if status == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
