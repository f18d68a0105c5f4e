#!/usr/bin/python3
"""soak_client.py PLAN OUT PROGRESS: one client of the kill -9 soak
(tests/soak.t, driven by tests/lib/soak.py), written from proto/PROTOCOL.md
alone, as a careful client would be.

PLAN (msgpack) lists this client's requests (`run`, `test`, `submit`), each
with a label of its own and some with an `idem` key. The client keeps
WINDOW of them in flight on one DEALER socket (ZMQ_IMMEDIATE, so that a
request is never queued for a connection that is not there) and watches the
socket's monitor: the daemon is killed with SIGKILL at random moments, and
a dropped ipc connection is how a client learns it. Then, as 2.4 and 12
say, it closes the socket, opens a new one, and once a daemon answers again
it settles every request that got no reply:

  - with an `idem` key: resend it as it was (12.1, 12.2: the reply is the
    job, `dup: true` if the first one had been committed);
  - without one (12.2: "a retry after a lost reply may create a second
    job"): the request's label tells, through `list` (7.4), whether it was
    committed (8.1: the label is kept with the job); if it was, the job is
    adopted and watched with `get`; if not, the request is sent again.
    A quarter of them ("blind") are sent again without looking: at the
    end the label finds every job they made (the second ones that 12.2
    allows are detectable), and each is watched to its end;
  - `get` (with `wait`) is resent as it is: waits do not survive a restart.

Some keys are resent on purpose once their job is known, at once or after
the next restart this client sees (a `dup` of the same job is expected),
and some are reused with a different request (`conflict` is expected).
Writes everything it saw to OUT (msgpack) and the number of requests that
have a job so far to PROGRESS, for the driver's kill schedule. Exits 0
when every job it knows of is terminal.
"""
import os
import sys
import time
from collections import deque

import msgpack
import zmq
from zmq.utils.monitor import recv_monitor_message

EP = os.environ["JUDGEBOX_ENDPOINT"]
WINDOW = int(os.environ.get("SOAK_WINDOW", "4"))
WAIT_MS = 30000                       # a wait's longest; the daemon then answers anyway
STALL_S = WAIT_MS / 1000 + 60         # no reply from a live daemon for this long: a defect
CONNECT_S = 120                       # a daemon must answer within this after a drop
TERMINAL = ("judged", "cancelled", "failed")


def summary(job):
    """What must never change once a job is terminal (10.2)."""
    r = job.get("result", {})
    return {"state": job.get("state"), "seq": job.get("seq"), "status": r.get("status"),
            "verdict": r.get("verdict"), "exit_code": r.get("exit_code"), "signal": r.get("signal"),
            "stdout": r.get("stdout"), "first_failure": r.get("first_failure")}


class Task:
    """One request to send: kind "req" (the planned request), "resend" and
    "conflict" (the deliberate reuses of its key), "get" (watch job jid)."""

    def __init__(self, kind, entry, jid=None, gen=None):
        self.kind, self.entry, self.jid, self.gen = kind, entry, jid, gen

    def request(self):
        e = self.entry
        if self.kind == "get":
            return {"op": "get", "id": self.jid, "wait": True, "wait_ms": WAIT_MS, "output": True}
        req = dict(e["req"], wait=e["wait"], wait_ms=WAIT_MS)
        if self.kind == "conflict":           # the same key, another request
            req["label"] = e["req"]["label"] + "-conflict"
            req["wait"] = False
        return req


class Client:
    def __init__(self, plan, progress_path):
        self.ctx = zmq.Context()
        self.entries = plan["items"]
        for e in self.entries:
            e.update(ids=[], replies=[], found=[], finals={}, errors=[], sends=0,
                     resends=[], conflicts=[], stalled=0, blind_resent=False)
        self.pending = deque(Task("req", e) for e in self.entries)
        self.after_restart = []
        self.inflight = {}
        self.rid = 0
        self.accepted = 0
        self.progress = os.open(progress_path, os.O_WRONLY | os.O_CREAT, 0o644)
        self.stats = dict(drops=0, retries=0, lookups=0, found_by_label=0, resent_idem=0,
                          resend_after_restart=0, stray=0, stalls=0, regets=0, eagain=0,
                          blind_retries=0, doubles_found=0)
        self.sock = self.mon = None
        self.gen = None
        self.connect()

    # ---- the socket ----

    def _open(self):
        self.sock = self.ctx.socket(zmq.DEALER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.setsockopt(zmq.IMMEDIATE, 1)
        self.mon = self.sock.get_monitor_socket(zmq.EVENT_DISCONNECTED)
        self.sock.connect(EP)

    def _close(self):
        self.sock.disable_monitor()
        self.mon.close(linger=0)
        self.sock.close(linger=0)
        self.sock = self.mon = None

    def _send(self, req):
        """Send req with a new rid, without blocking; its rid, or None when
        no daemon is connected (ZMQ_IMMEDIATE: nothing is queued)."""
        self.rid += 1
        try:
            self.sock.send_multipart([b"", msgpack.packb(dict(req, rid=self.rid))], zmq.NOBLOCK)
        except zmq.Again:
            self.stats["eagain"] += 1
            return None
        return self.rid

    def _recv(self):
        try:
            return msgpack.unpackb(self.sock.recv_multipart()[-1])
        except Exception as e:  # noqa: BLE001 - recorded as a stray reply
            return {"undecodable": str(e)}

    def _direct(self, req, timeout):
        """req on the current socket, outside the window (nothing else is in
        flight then): its reply, or None on a timeout or a drop."""
        end = time.monotonic() + timeout
        rid = None
        while rid is None and time.monotonic() < end:
            rid = self._send(req)
            if rid is None:
                time.sleep(0.05)
        while rid is not None and time.monotonic() < end:
            if self.mon.poll(0):
                if recv_monitor_message(self.mon)["event"] == zmq.EVENT_DISCONNECTED:
                    return None
            if self.sock.poll(100):
                rep = self._recv()
                if rep.get("rid") == rid:
                    return rep
                self.stats["stray"] += 1
        return None

    def connect(self):
        """A new socket, once a daemon answers health on it (2.4: a daemon
        that is not running gives silence)."""
        end = time.monotonic() + CONNECT_S
        while time.monotonic() < end:
            self._open()
            rep = self._direct({"op": "health"}, 3)
            if rep and rep.get("ok"):
                self.gen = rep.get("started_at")
                return
            self._close()
            time.sleep(0.1)
        sys.exit(f"soak_client: no daemon answered for {CONNECT_S} s")

    def call(self, req):
        """req outside the window, reconnecting through any number of drops."""
        while True:
            rep = self._direct(req, 10)
            if rep is not None:
                return rep
            self._close()
            self.connect()

    # ---- replies ----

    def _accept(self, e, jid):
        if jid not in e["ids"]:
            e["ids"].append(jid)
            if len(e["ids"]) == 1:
                self.accepted += 1
                os.pwrite(self.progress, b"%-12d" % self.accepted, 0)

    def _job(self, e, job, watch):
        """A job in a reply: terminal, or to be watched with get."""
        jid = job.get("id")
        if job.get("state") in TERMINAL:
            e["finals"].setdefault(jid, summary(job))
        elif watch:                         # watched next, not after every other request
            self.pending.appendleft(Task("get", e, jid))

    def handle(self, rep):
        t, _ = self.inflight.pop(rep.get("rid"), (None, None))
        if t is None:
            self.stats["stray"] += 1
            return
        e = t.entry
        job = rep.get("job") if rep.get("ok") else None
        err = None if rep.get("ok") else (rep.get("error") or {}).get("code", "?")
        if t.kind == "get":
            if job is None:
                e["errors"].append(f"get {t.jid}: {err}")
            elif job.get("state") in TERMINAL:
                e["finals"].setdefault(t.jid, summary(job))
            else:
                self.pending.append(t)
            return
        rec = {"ok": rep.get("ok"), "dup": rep.get("dup", False), "id": (job or {}).get("id"),
               "state": (job or {}).get("state"), "err": err, "gen": self.gen}
        if t.kind == "conflict":
            e["conflicts"].append(rec)
            return
        if t.kind == "resend":
            e["resends"].append(dict(rec, after_restart=t.gen != self.gen))
            if job is not None:
                self._job(e, job, False)
            return
        e["replies"].append(rec)
        if job is None:
            e["errors"].append(err)
            return
        first = not e["ids"]
        self._accept(e, job["id"])
        self._job(e, job, True)
        if first and e.get("idem_reuse") == "soon":
            self.pending.append(Task("resend", e, gen=self.gen))
        elif first and e.get("idem_reuse") == "restart":
            self.after_restart.append(Task("resend", e, gen=self.gen))
        elif first and e.get("idem_reuse") == "conflict":
            self.pending.append(Task("conflict", e))

    # ---- a drop: the daemon died ----

    def lost(self):
        """Settle what was in flight when the connection dropped (above)."""
        while self.sock.poll(0):            # replies that made it before the drop
            self.handle(self._recv())
        limbo = [t for t, _ in self.inflight.values()]
        self.inflight.clear()
        self.stats["drops"] += 1
        self._close()
        self.connect()
        time.sleep(0.2)                     # nothing of the old socket can still be on its way
        for t in limbo:
            e = t.entry
            if t.kind != "req" or e["req"].get("idem") or e["ids"]:
                self.stats["regets" if t.kind == "get" else "retries"] += 1
                self.pending.appendleft(t)
                continue
            if e.get("blind"):
                self.stats["blind_retries"] += 1
                e["blind_resent"] = True
                self.pending.appendleft(t)
                continue
            self.stats["lookups"] += 1
            rep = self.call({"op": "list", "label": e["req"]["label"], "limit": 100})
            ids = [j.get("id") for j in rep.get("jobs", [])] if rep.get("ok") else []
            e["found"] += ids
            if ids:
                self.stats["found_by_label"] += 1
                for jid in ids:
                    self._accept(e, jid)
                    self.pending.append(Task("get", e, jid))
            else:
                self.stats["retries"] += 1
                self.pending.appendleft(t)
        keep = []
        for t in self.after_restart:        # deliberate resends waiting for a restart
            if t.gen != self.gen:
                self.stats["resend_after_restart"] += 1
                self.pending.append(t)
            else:
                keep.append(t)
        self.after_restart = keep

    # ---- the loop ----

    def run(self):
        self.loop()
        for e in self.entries:              # what blind resends made, by label
            if e["blind_resent"]:
                rep = self.call({"op": "list", "label": e["req"]["label"], "limit": 100})
                for jid in [j.get("id") for j in rep.get("jobs", [])] if rep.get("ok") else []:
                    if jid not in e["ids"]:
                        self.stats["doubles_found"] += 1
                        e["found"].append(jid)
                        self._accept(e, jid)
                        self.pending.append(Task("get", e, jid))
        self.loop()

    def loop(self):
        while self.pending or self.inflight or self.after_restart:
            if not self.pending and not self.inflight:      # no restart came: resend now
                self.pending.extend(self.after_restart)
                self.after_restart = []
            while len(self.inflight) < WINDOW and self.pending:
                t = self.pending.popleft()
                rid = self._send(t.request())
                if rid is None:
                    self.pending.appendleft(t)
                    break
                if t.kind == "req":
                    t.entry["sends"] += 1
                elif t.kind == "resend":
                    self.stats["resent_idem"] += 1
                self.inflight[rid] = (t, time.monotonic())
            p = zmq.Poller()
            p.register(self.sock, zmq.POLLIN)
            p.register(self.mon, zmq.POLLIN)
            ready = dict(p.poll(200))
            if self.sock in ready:
                while self.sock.poll(0):
                    self.handle(self._recv())
            if self.mon in ready and recv_monitor_message(self.mon)["event"] == zmq.EVENT_DISCONNECTED:
                self.lost()
                continue
            now = time.monotonic()
            stalled = [t for t, at in self.inflight.values() if now - at > STALL_S]
            if stalled:                     # a live daemon that never answered
                self.stats["stalls"] += len(stalled)
                for t in stalled:
                    t.entry["stalled"] += 1
                self.lost()

    def result(self):
        out = []
        for e in self.entries:
            out.append({k: e[k] for k in ("n", "ids", "replies", "found", "finals", "errors", "sends",
                                          "resends", "conflicts", "stalled", "blind_resent")})
        return {"entries": out, "stats": self.stats}


def main():
    plan = msgpack.unpackb(open(sys.argv[1], "rb").read(), strict_map_key=False)
    c = Client(plan, sys.argv[3])
    try:
        c.run()
    finally:
        with open(sys.argv[2] + ".tmp", "wb") as f:
            f.write(msgpack.packb(c.result()))
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])


if __name__ == "__main__":
    main()
