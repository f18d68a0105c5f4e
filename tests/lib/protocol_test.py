#!/usr/bin/python3
"""protocol_test.py PHASE: judgeboxd against proto/PROTOCOL.md, through the
real sockets. Driven by tests/protocol.t, which (re)configures, starts, kills
and stops the daemon between the phases:

  main     every operation; the statuses; the errors of sections 5.3 and 6
           that the default sizes reach; events; 8 concurrent clients
  small    small sizes and queue caps: too_large, the hard cap, queue_full
  crash1   6 sleeping jobs, 2 in boxes, then kill -9 of the daemon
  crash2   (after the restart) every job judged once, with the right attempt
  drain1   SIGTERM with jobs in boxes (one outlasting drain_ms) and queued
  drain2   (after the restart) the queued and requeued jobs ran
  doom1-3  max_attempts 2: a job in a box at two kill -9s ends failed

Prints TAP test lines numbered on from the count in $PT_DIR/n and writes the
new count back there; protocol.t prints the plan. Job ids that a later phase
needs are kept in $PT_DIR/data.json. Run with /usr/bin/python3 (Debian's
python3-zmq and python3-msgpack). Every program below is only ever submitted
to the daemon, which runs it in a box.
"""
import grp

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phasetap import _short, get, is_, load_data, note, ok, run_phase, save_data  # noqa: E402

# The protocol version judgeboxd speaks (PROTOCOL.md section 13).
PROTO_V = 3

EP = os.environ["JUDGEBOX_ENDPOINT"]
EV = os.environ["JUDGEBOX_EVENTS"]
CTX = zmq.Context.instance()

# ---- TAP (tests/lib/phasetap.py) and error replies ----


ABSENT = object()


def err_why(rep, code, field=ABSENT, rid=ABSENT, **more):
    """Why rep is not an error reply with this code (and field, rid and other
    error fields when given; rid=None means: no rid); [] if it is."""
    if rep is None:
        return ["no reply"]
    e = get(rep, "error", default={})
    why = []
    if rep.get("ok") is not False:
        why.append("ok is not false")
    if e.get("code") != code:
        why.append(f"code {e.get('code')!r}, want {code!r}")
    if not isinstance(e.get("message"), str) or not e.get("message"):
        why.append("no message")
    if field is not ABSENT and e.get("field") != field:
        why.append(f"field {e.get('field')!r}, want {field!r}")
    if rid is None and "rid" in rep:
        why.append(f"rid {rep['rid']!r} present, want none")
    if rid is not None and rid is not ABSENT and (rep.get("rid") != rid or type(rep.get("rid")) is not type(rid)):
        why.append(f"rid {rep.get('rid')!r}, want {rid!r}")
    if rep.get("v") != PROTO_V:
        why.append(f"v {rep.get('v')!r}, want {PROTO_V}")
    for k, want in more.items():
        if e.get(k) != want:
            why.append(f"error.{k} {e.get(k)!r}, want {want!r}")
    return why


def is_err(rep, code, name, **kw):
    why = err_why(rep, code, **kw)
    return ok(not why, name, *why, f"reply: {_short(rep)}")


def is_ok(rep, name):
    return ok(rep is not None and rep.get("ok") is True, name, f"reply: {_short(rep)}")


# ---- clients ----

SHAPE_ERRORS = []


def _nils(v, path="reply"):
    if v is None:
        return [path]
    if isinstance(v, dict):
        return [p for k, x in v.items() for p in _nils(x, f"{path}.{k}")]
    if isinstance(v, list):
        return [p for i, x in enumerate(v) for p in _nils(x, f"{path}.{i}")]
    return []


def shape_check(rep):
    """What every reply must be (4.1, 5.2, 5.3); problems are kept for
    t_shapes()."""
    why = []
    if not isinstance(rep, dict) or "undecodable" in rep:
        why.append("not a map")
    else:
        if type(rep.get("ok")) is not bool:
            why.append("ok is not a bool")
        if rep.get("v") != PROTO_V:
            why.append(f"v is {rep.get('v')!r}")
        why += [f"nil at {p}" for p in _nils(rep)]
        e = rep.get("error")
        if (rep.get("ok") is False) != isinstance(e, dict):
            why.append("error present iff ok is false")
        if isinstance(e, dict):
            m = e.get("message")
            if type(e.get("code")) is not str or type(m) is not str or len(m.encode()) > 1024 or "\n" in m:
                why.append("error.code / error.message (one line, at most 1024 bytes)")
    if why:
        SHAPE_ERRORS.append(f"{'; '.join(why)}: {_short(rep, 300)}")


def t_shapes():
    ok(not SHAPE_ERRORS, "every reply of this phase: ok bool, v 1, no nil, error iff not ok, one-line message",
       *SHAPE_ERRORS[:10])

_rids = itertools.count(1)


class Client:
    """One socket to the requests endpoint. mode: "dealer" (the canonical
    form, [""][body]), "bare" (DEALER, [body]) or "req"."""

    def __init__(self, mode="dealer"):
        self.mode = mode
        self.s = CTX.socket(zmq.REQ if mode == "req" else zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(EP)
        self.pending = {}
        self.frames = None          # the frames of the last reply taken

    def send(self, req):
        """Send a request (a dict: a rid is added unless it has one); its rid."""
        if "rid" not in req:
            req = dict(req, rid=next(_rids))
        body = msgpack.packb(req)
        self.s.send_multipart([b"", body] if self.mode == "dealer" else [body])
        return req["rid"]

    def recv(self, timeout):
        """The next reply (frames, decoded body), or None after timeout s."""
        if not self.s.poll(int(timeout * 1000)):
            return None
        frames = self.s.recv_multipart()
        try:
            rep = msgpack.unpackb(frames[-1])
        except Exception as e:  # noqa: BLE001 - reported, not raised
            rep = {"undecodable": frames[-1][:100], "why": str(e)}
        shape_check(rep)
        return frames, rep

    def wait(self, rid, timeout=30):
        """The reply with this rid (others are kept for later); None on timeout."""
        end = time.monotonic() + timeout
        while rid not in self.pending:
            r = self.recv(max(0, end - time.monotonic()))
            if r is None:
                return None
            self.pending[get(r[1], "rid")] = r
        self.frames, rep = self.pending.pop(rid)
        return rep

    def call(self, req, timeout=20):
        return self.wait(self.send(req), timeout)

    def close(self):
        self.s.close()


C = None   # the main client (root, DEALER, canonical form)


def call(req, timeout=20):
    return C.call(req, timeout)


def raw(frames, timeout=5):
    """Send these frames as they are on a fresh DEALER; the reply's (frames,
    body), or None."""
    s = Client("bare")
    s.s.send_multipart(frames)
    r = s.recv(timeout)
    s.close()
    return r


def once(req, timeout=5):
    """req (a rid is added unless it has one) on a fresh DEALER: the first
    reply, whatever its rid (for replies that may lack one), or None."""
    c = Client()
    c.send(req)
    r = c.recv(timeout)
    c.close()
    return r and r[1]


def raw_body(body, timeout=5):
    """A body frame sent in the canonical DEALER form; the decoded reply."""
    r = raw([b"", body], timeout)
    return r[1] if r else None


def health_ok():
    c = Client()
    rep = c.call({"op": "health"}, 5)
    c.close()
    return rep is not None and rep.get("ok") is True


OTHER = r"""
import os, sys, zmq, msgpack
reqs = msgpack.unpackb(sys.stdin.buffer.read())
s = zmq.Context().socket(zmq.DEALER)
s.setsockopt(zmq.LINGER, 0)
s.connect(os.environ["JUDGEBOX_ENDPOINT"])
out = []
for r in reqs:
    s.send_multipart([b"", msgpack.packb(r)])
    out.append(msgpack.unpackb(s.recv_multipart()[-1]) if s.poll(30000) else None)
sys.stdout.buffer.write(msgpack.packb(out))
"""


def other(*reqs, uid="jbother", gid="jbother"):
    """Send reqs one after the other as jbother (not an admin), or as uid and
    gid without supplementary groups; the replies."""
    reqs = [dict(r, rid=r.get("rid", next(_rids))) for r in reqs]
    groups = "--init-groups" if uid == "jbother" else "--clear-groups"
    p = subprocess.run(["setpriv", f"--reuid={uid}", f"--regid={gid}", groups,
                        "/usr/bin/python3", "-c", OTHER],
                       input=msgpack.packb(reqs), capture_output=True, timeout=120)
    if p.returncode:
        note(f"jbother's client failed: {p.stderr.decode(errors='replace')}")
        return [None] * len(reqs)
    reps = msgpack.unpackb(p.stdout)
    for r in reps:
        shape_check(r)
    return reps


def health():
    return call({"op": "health"}, 5) or {}


def idle_health(timeout=3):
    """health, once no box is busy (a box is cleaned after its job's reply)."""
    end = time.monotonic() + timeout
    while True:
        h = health()
        if get(h, "boxes", "busy") == 0 or time.monotonic() > end:
            return h
        time.sleep(0.05)


def wait_state(jid, states, timeout=10):
    """Poll get until job jid is in one of states; the job (or the last seen)."""
    end = time.monotonic() + timeout
    job = {}
    while time.monotonic() < end:
        job = get(call({"op": "get", "id": jid, "output": False}), "job", default={})
        if job.get("state") in states:
            return job
        time.sleep(0.05)
    return job


def wait_job(jid, timeout=30):
    """get with wait: the job once terminal (or as the daemon gave it)."""
    return get(call({"op": "get", "id": jid, "wait": True, "wait_ms": int(timeout * 1000)},
                    timeout + 5), "job", default={})


# ---- programs (only ever run by the daemon, in a box) ----

def py_sleep(sec, out="slept"):
    return f"import time\ntime.sleep({sec})\nprint({out!r})\n".encode()


PY_PRINT = b"print('hello')\n"
PY_ECHO = b"import sys\nprint(sys.argv[1:])\nsys.stdout.write(sys.stdin.read())\nsys.stderr.write('err')\n"
PY_ARG = b"import sys\nprint(sys.argv[1])\n"
PY_BIG = b"import sys\nsys.stdout.write('x' * 204800)\n"
C_EXIT3 = b"int main(void) { return 3; }\n"
C_ABORT = b"#include <stdlib.h>\nint main(void) { abort(); }\n"
C_SPIN = b"int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n"
C_MEM = b"""#include <stdlib.h>
int main(void)
{
	size_t n = 200u << 20;
	char *p = malloc(n);
	if (!p)
		return 7;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = 1;
	return p[4096] + 10;
}
"""
C_FSIZE = b"""#include <stdio.h>
#include <string.h>
int main(void)
{
	static char b[65536];
	FILE *f = fopen("big", "w");	/* a file: stdout is the daemon's pipe */
	memset(b, 'x', sizeof b);
	for (int i = 0; f && i < 160; i++)
		fwrite(b, 1, sizeof b, f);
	return f ? 0 : 5;
}
"""
# ptrace is not in strict.policy (socket is: it fails with EACCES there).
C_PTRACE = b"""#include <unistd.h>
#include <sys/syscall.h>
int main(void)
{
	return syscall(SYS_ptrace, 16, 42, 0, 0, 0, 0) < 0 ? 4 : 5;
}
"""
C_WARN = b"".join(b"#warning %04d %s\n" % (i, b"w" * 60) for i in range(1500)) + b"int main(void) { return 0; }\n"
C_BAD = b"#include <stdio.h>\nint main(void)\n{\n\treturn x;\n}\n"
C_MAIN = b"""#include <stdio.h>
#include "inc/util.h"
int main(int argc, char **argv)
{
	char b[64];
	if (!fgets(b, sizeof b, stdin))
		return 9;
	printf("%d %s %s", twice(21), argc > 1 ? argv[1] : "-", b);
	return 0;
}
"""
C_UTIL = b'#include "inc/util.h"\nint twice(int x) { return 2 * x; }\n'
C_UTIL_H = b"int twice(int x);\n"


def c_hello(tag):
    """A C program whose text is new (so no compile cache can skip compiling)."""
    return f'#include <stdio.h>\n/* {tag} */\nint main(void) {{ puts("{tag}"); return 0; }}\n'.encode()


def run(lang, source, **kw):
    return dict({"op": "run", "lang": lang, "source": source}, **kw)


# ---- phase main ----

def t_transport():
    note("transport: DEALER canonical, DEALER bare, REQ")
    rep = call({"op": "health", "rid": 1})
    ok(C.frames is not None and len(C.frames) == 2 and C.frames[0] == b"",
       "DEALER with the empty delimiter: the reply is [\"\"][body]", f"frames: {_short(C.frames)}")
    is_ok(rep, "DEALER with the empty delimiter: health answers ok")
    b = Client("bare")
    rep = b.call({"op": "health", "rid": "bare"}, 5)
    ok(b.frames is not None and len(b.frames) == 1 and get(rep, "rid") == "bare" and rep.get("ok") is True,
       "DEALER bare form: one frame back, the reply, rid echoed", f"frames: {_short(b.frames)}")
    b.close()
    r = Client("req")
    rep = r.call({"op": "health", "rid": 7}, 5)
    ok(get(rep, "ok") is True and get(rep, "rid") == 7, "REQ: health answers ok with rid 7", _short(rep))
    r.close()
    gid = grp.getgrnam("jbtest-users").gr_gid
    st = [os.stat(e[len("ipc://"):]) for e in (EP, EV)]
    ok(all(x.st_gid == gid and not x.st_mode & 0o007 for x in st),
       "both sockets belong to the clients' group and give others nothing (3.1: umask 007)",
       [(oct(x.st_mode), x.st_gid) for x in st])


def t_health():
    note("health (7.6)")
    rep = call({"op": "health", "rid": "h"})
    is_ok(rep, "health: ok")
    rep = rep or {}
    why = []
    types = {"version": str, "uptime_ms": int, "started_at": int, "draining": bool,
             "cgroup": int, "boxes": dict, "queue": dict, "user": str, "admin": bool,
             "limits": dict}
    for k, t in types.items():
        if type(rep.get(k)) is not t:
            why.append(f"{k}: {rep.get(k)!r} is not {t.__name__}")
    ok(not why, "health: every field of 7.6 with its type", *why)
    bx, q, lim = rep.get("boxes", {}), rep.get("queue", {}), rep.get("limits", {})
    ok(bx.get("total") == 2 and bx.get("busy", -1) + bx.get("free", -1) == 2,
       "health: boxes total 2 (the config), busy + free = total", _short(bx))
    ok(all(type(q.get(k)) is int for k in ("length", "capacity", "per_user", "running"))
       and q.get("capacity") == 10000 and q.get("per_user") == 1000,
       "health: queue length, capacity 10000, per_user 1000, running", _short(q))
    lnames = ["cpu_ms", "wall_ms", "memory_kb", "procs", "fsize_kb", "stack_kb", "nofile", "tmp_kb", "cpu_share",
              "output_kb"]
    sizes = {"max_request": 16777216, "max_source": 1048576, "max_files": 64,
             "max_files_total": 4194304, "max_stdin": 8388608, "max_args": 64}
    ok(all(lim.get(k) == v for k, v in sizes.items())
       and sorted(get(lim, "defaults", default={})) == sorted(lnames)
       and sorted(get(lim, "ceilings", default={})) == sorted(lnames)
       and all(type(v) is int and v > 0 for v in list(lim["defaults"].values()) + list(lim["ceilings"].values())),
       "health: limits has the 6 sizes (defaults) and defaults/ceilings with the 10 limit keys", _short(lim))
    ok(get(lim, "ceilings", "cpu_ms") == 20000 and get(lim, "ceilings", "output_kb") == 1024
       and get(lim, "ceilings", "cpu_share") == 2000 and get(lim, "defaults", "cpu_share") == 2000,
       "health: ceilings are the smaller of judgeboxd's and helper.conf's (cpu_ms 20000), output_kb 1024; "
       "cpu_share's default and ceiling are helper.conf's (2000)",
       _short(lim.get("ceilings")))
    ok(rep.get("user") == "root" and rep.get("admin") is True and rep.get("draining") is False
       and rep.get("rid") == "h" and rep.get("v") == PROTO_V,
       "health: root is user root, admin true; draining false; rid and v", _short(rep))
    o = other({"op": "health"})[0] or {}
    ok(o.get("user") == "jbother" and o.get("admin") is False,
       "health as jbother: user jbother, admin false", _short(o))
    o = other({"op": "health"}, uid="54321", gid="jbtest-users")[0] or {}
    ok(o.get("user") == "uid:54321" and o.get("admin") is False,
       "health as uid 54321 (no passwd entry): user uid:54321, admin false", _short(o))
    return rep


def t_languages():
    note("languages (7.5)")
    rep = call({"op": "languages"})
    langs = get(rep, "languages", default=[])
    is_ok(rep, "languages: ok")
    ids = [l.get("id") for l in langs]
    ok(ids and ids == sorted(ids), "languages: sorted by id", _short(ids))
    why = []
    for l in langs:
        for k, t in (("id", str), ("name", str), ("available", bool), ("source", str),
                     ("extensions", list), ("compiled", bool)):
            if type(l.get(k)) is not t:
                why.append(f"{l.get('id')}: {k} is {l.get(k)!r}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9_+-]{0,31}", str(l.get("id"))):
            why.append(f"bad id {l.get('id')!r}")
        if ("reason" in l) == bool(l.get("available")):
            why.append(f"{l.get('id')}: reason must be present iff not available")
        if "version" in l and type(l["version"]) is not str:
            why.append(f"{l.get('id')}: version {l['version']!r}")
        if "limits" in l and type(l["limits"]) is not dict:
            why.append(f"{l.get('id')}: limits {l['limits']!r}")
        if not all(type(e) is str and e.startswith(".") for e in l.get("extensions", [])):
            why.append(f"{l.get('id')}: extensions {l.get('extensions')!r}")
    ok(langs and not why, "languages: every entry has the fields of 7.5 with their types", *why)
    c = next((l for l in langs if l.get("id") == "c"), {})
    ok(c.get("available") is True and c.get("compiled") is True and c.get("source") == "main.c"
       and ".c" in c.get("extensions", []), "languages: c is available, compiled, main.c, .c", _short(c))
    off = [l.get("id") for l in langs if l.get("available") is False]
    if off:
        is_err(once(run(off[0], b"x")), "unavailable", f"run in {off[0]} (not available here): unavailable",
               field="lang")
    else:
        ok(True, "# SKIP every language is available on this host")
    p = next((l for l in langs if l.get("id") == "python3"), {})
    ok(p.get("available") is True and p.get("compiled") is True and p.get("source") == "main.py",
       "languages: python3 is available, compiled (a syntax check), main.py", _short(p))


def t_run_basic():
    note("run: source, stdin, args, limits, wait; the job object (8.1)")
    t0 = int(time.time() * 1000)
    rep = call(run("python3", PY_ECHO, stdin=b"in put\n", args=["a b", "--x"],
                   limits={"cpu_ms": 1500, "output_kb": 32, "cpu_share": 500}, wait=True, rid="r1"))
    job = get(rep, "job", default={})
    res = job.get("result", {})
    ok(get(rep, "ok") is True and get(rep, "rid") == "r1" and job.get("state") == "judged"
       and res.get("status") == "ok", "run python3 with wait: ok, judged, status ok", _short(rep))
    is_(res.get("stdout"), b"['a b', '--x']\nin put\n", "run: stdout is bin and shows args and stdin")
    why = []
    for k, t in (("id", int), ("kind", str), ("user", str), ("lang", str), ("state", str),
                 ("attempt", int), ("seq", int), ("created_at", int), ("started_at", int),
                 ("finished_at", int), ("limits", dict), ("result", dict)):
        if type(job.get(k)) is not t:
            why.append(f"{k}: {job.get(k)!r}")
    if job.get("kind") != "run" or job.get("user") != "root" or job.get("lang") != "python3":
        why.append("kind/user/lang")
    # a new source is compiled (python3's syntax check): one state more
    want_seq = 3 + ("compile" in res)
    if job.get("attempt") != 1 or job.get("seq") != want_seq:
        why.append(f"attempt {job.get('attempt')}, seq {job.get('seq')} (want 1, {want_seq}: "
                   "queued, [compiling,] running, judged)")
    if not (t0 - 1000 <= job.get("created_at", 0) <= job.get("started_at", 0) <= job.get("finished_at", 0)
            <= int(time.time() * 1000) + 1000):
        why.append("created_at <= started_at <= finished_at, around now")
    for k in ("by", "label", "idem", "files"):
        if k in job:
            why.append(f"{k} present")
    ok(not why, "run: the job has the fields of 8.1 (kind run, user root, attempt 1, seq 3, times)", *why,
       _short(job))
    lim = job.get("limits", {})
    ok(len(lim) == 10 and lim.get("cpu_ms") == 1500 and lim.get("output_kb") == 32 and lim.get("cpu_share") == 500
       and lim.get("wall_ms") == get(HEALTH, "limits", "defaults", "wall_ms"),
       "run: job.limits has every key: the asked cpu_ms, output_kb and cpu_share, the default wall_ms", _short(lim))
    why = []
    for k, t in (("exit_code", int), ("signal", int), ("cpu_ms", int), ("cpu_us", int), ("wall_ms", int),
                 ("wall_us", int), ("memory_kb", int), ("stdout", bytes), ("stdout_bytes", int),
                 ("stdout_truncated", bool), ("stderr", bytes), ("stderr_bytes", int),
                 ("stderr_truncated", bool)):
        if type(res.get(k)) is not t:
            why.append(f"{k}: {res.get(k)!r}")
    if res.get("exit_code") != 0 or res.get("signal") != 0 or "signal_name" in res:
        why.append("exit_code 0, signal 0, no signal_name")
    if res.get("stdout_bytes") != len(res.get("stdout", b"")) or res.get("stdout_truncated") is not False:
        why.append("stdout_bytes / stdout_truncated")
    if res.get("stderr") != b"err" or res.get("stderr_bytes") != 3:
        why.append("stderr 'err', stderr_bytes 3")
    ok(not why, "run: the result has the fields of 8.2 with their types", *why, _short(res))
    return job


def t_bytes():
    note("bin is bytes: a Latin-1 source, NUL and 0xff in stdin and stdout (4.1)")
    src = b"# -*- coding: latin-1 -*-\n# caf\xe9\nimport sys\nsys.stdout.buffer.write(sys.stdin.buffer.read()[::-1])\n"
    rep = call(run("python3", src, stdin=b"\x00\xff\xfe\n", wait=True))
    is_(get(rep, "job", "result", "stdout"), b"\n\xfe\xff\x00", "stdin and stdout bytes pass through unchanged")
    rep = call({"op": "get", "id": get(rep, "job", "id"), "source": True, "output": False})
    is_(get(rep, "job", "files", 0, "content"), src, "get source:true gives the Latin-1 source byte for byte")


def t_files():
    note("run with files: several C files, a header in a subdirectory; get output/source")
    files = [{"name": "main.c", "content": C_MAIN}, {"name": "util.c", "content": C_UTIL},
             {"name": "inc/util.h", "content": C_UTIL_H}]
    rep = call({"op": "run", "lang": "c", "files": files, "stdin": b"abc\n", "args": ["arg1"], "wait": True})
    job = get(rep, "job", default={})
    ok(get(job, "result", "status") == "ok" and get(job, "result", "stdout") == b"42 arg1 abc\n",
       "files: main.c + util.c + inc/util.h compile and run: '42 arg1 abc'", _short(rep))
    comp = get(job, "result", "compile", default={})
    ok(comp.get("status") == "ok" and type(comp.get("output")) is bytes and type(comp.get("output_bytes")) is int
       and comp.get("output_truncated") is False and all(type(comp.get(k)) is int for k in
                                                         ("exit_code", "signal", "cpu_ms", "wall_ms", "memory_kb")),
       "files: result.compile has the fields of 8.4", _short(comp))
    jid = job.get("id")
    rep = call({"op": "get", "id": jid, "output": False})
    res = get(rep, "job", "result", default={})
    ok("stdout" not in res and "stderr" not in res and res.get("stdout_bytes") == 12
       and "stderr_bytes" in res and "stdout_truncated" in res and "output" not in res.get("compile", {})
       and "output_bytes" in res.get("compile", {}) and "files" not in get(rep, "job", default={}),
       "get output:false: no stdout/stderr/compile.output; *_bytes and *_truncated stay", _short(rep))
    rep = call({"op": "get", "id": jid, "source": True})
    got = get(rep, "job", "files", default=[])
    ok(sorted((f.get("name"), f.get("content")) for f in got) == sorted((f["name"], f["content"]) for f in files)
       and get(rep, "job", "result", "stdout") == b"42 arg1 abc\n",
       "get source:true: files as stored (names and bytes), output still there", _short(got))
    rep = call({"op": "get", "id": RUN1.get("id"), "source": True})
    is_([(f.get("name"), f.get("content")) for f in get(rep, "job", "files", default=[])], [("main.py", PY_ECHO)],
        "get source:true of a single-source job: one file under the language's source name")
    return jid


def t_statuses():
    note("statuses (section 9), all submitted at once with wait")
    tag = str(time.time())
    cases = {
        "exit": run("c", C_EXIT3),
        "signal": run("c", C_ABORT),
        "cpu_limit": run("c", C_SPIN, limits={"cpu_ms": 200}),
        "wall_limit": run("python3", py_sleep(5), limits={"wall_ms": 300}),
        "memory_limit": run("c", C_MEM, limits={"memory_kb": 65536}),
        "file_limit": run("c", C_FSIZE, limits={"fsize_kb": 1024}),
        "violation": run("c", C_PTRACE + f"/* {tag} */\n".encode()),
        "compile_error": run("c", C_BAD),
        "truncated": run("python3", PY_BIG, limits={"output_kb": 64}),
        "warnings": run("c", C_WARN),
    }
    rids = {k: C.send(dict(v, wait=True)) for k, v in cases.items()}
    res = {k: get(C.wait(r, 60), "job", "result", default={}) for k, r in rids.items()}
    jobs_state = {k: v.get("status") for k, v in res.items()}
    note(f"statuses: {jobs_state}")
    r = res["exit"]
    ok(r.get("status") == "exit" and r.get("exit_code") == 3 and r.get("signal") == 0,
       "exit 3: status exit, exit_code 3, signal 0", _short(r))
    r = res["signal"]
    ok(r.get("status") == "signal" and r.get("signal") == 6 and r.get("signal_name") == "SIGABRT"
       and r.get("exit_code") == 0, "abort(): status signal, signal 6, signal_name SIGABRT, exit_code 0", _short(r))
    r = res["cpu_limit"]
    ok(r.get("status") == "cpu_limit" and r.get("cpu_ms", 0) >= 150 and r.get("exit_code") == 0,
       "busy loop with cpu_ms 200: status cpu_limit, cpu_ms near 200", _short(r))
    r = res["wall_limit"]
    ok(r.get("status") == "wall_limit" and 250 <= r.get("wall_ms", 0) < 3000 and r.get("signal") == 9
       and r.get("signal_name") == "SIGKILL" and r.get("exit_code") == 0,
       "sleep 5 with wall_ms 300: status wall_limit, wall_ms near 300, signal 9 (SIGKILL)", _short(r))
    r = res["memory_limit"]
    ok(r.get("status") == "memory_limit" and r.get("signal") == 9,
       "200 MiB touched with memory_kb 65536: status memory_limit, signal 9", _short(r))
    r = res["file_limit"]
    ok(r.get("status") == "file_limit" and r.get("signal") == 25 and r.get("signal_name") == "SIGXFSZ"
       and r.get("stdout_bytes", 0) <= 1024 * 1024,
       "10 MiB written into a file with fsize_kb 1024: status file_limit, signal 25 (SIGXFSZ)", _short(r))
    r = res["violation"]
    v = r.get("violation", {})
    args = v.get("args", [])
    ok(r.get("status") == "violation" and v.get("syscall") == "ptrace"
       and args == ["0x10", "0x2a", "0x0", "0x0", "0x0", "0x0"] and r.get("signal") in (9, 31)
       and r.get("exit_code") == 0,
       "ptrace(16, 42, 0...) under strict: status violation, syscall ptrace, args 0x10 0x2a 0x0 0x0 0x0 0x0",
       _short(r))
    r = res["compile_error"]
    comp = r.get("compile", {})
    ok(r.get("status") == "compile_error" and comp.get("status") == "exit" and comp.get("exit_code", 0) > 0
       and b"main.c:4:" in comp.get("output", b"") and comp.get("output_bytes") == len(comp.get("output", b""))
       and "stdout" not in r and "exit_code" not in r,
       "compile error on line 4: compile_error, compile.output has 'main.c:4:', no run fields", _short(r))
    r = res["truncated"]
    ok(len(r.get("stdout", b"")) == 65536 and r.get("stdout_truncated") is True and r.get("stdout_bytes") == 204800
       and r.get("status") == "ok", "200 KiB printed with output_kb 64: 65536 bytes back, truncated, stdout_bytes 204800",
       {k: (len(v) if isinstance(v, bytes) else v) for k, v in r.items()})
    r = res["warnings"]
    comp = r.get("compile", {})
    ok(r.get("status") == "ok" and comp.get("status") == "ok" and len(comp.get("output", b"")) == 65536
       and comp.get("output_truncated") is True and comp.get("output_bytes", 0) > 65536
       and comp.get("output", b"").startswith(b"main.c:"),
       "an ok compile with 200 KiB of warnings: status ok, compile.output cut at 64 KiB, output_truncated",
       {k: (len(v) if isinstance(v, bytes) else v) for k, v in comp.items()})


def t_idem_label_as_user():
    note("idem (12.2), label, as_user")
    req = run("python3", py_sleep(0.5, "idem"), idem="key-1", label="lab3/ex2", stdin=b"x")
    a = call(req)
    b = call(dict(req, wait=True))
    ja, jb = get(a, "job", default={}), get(b, "job", default={})
    ok(get(a, "ok") is True and "dup" not in a and ja.get("idem") == "key-1" and ja.get("label") == "lab3/ex2",
       "run with idem and label: ok, no dup, job has idem and label", _short(a))
    ok(get(b, "dup") is True and jb.get("id") == ja.get("id") and jb.get("state") == "judged"
       and get(jb, "result", "stdout") == b"idem\n" and ja.get("state") != "judged",
       "the same request again, with wait, while the job runs: dup true, the same id, waited for", _short(b))
    c = once(dict(req, stdin=b"y"))
    is_err(c, "conflict", "the same idem with another stdin: conflict", field="idem")
    f = {k: v for k, v in req.items() if k != "source"}
    c = once(dict(f, files=[{"name": "main.py", "content": req["source"]}]))
    is_err(c, "conflict", "the same idem with files instead of source (12.2 compares source and files): conflict",
           field="idem")
    o = other(req)[0]
    OTHER_JOBS.append(get(o, "job", "id"))          # OTHER_JOBS[0]: labelled lab3/ex2
    ok(get(o, "ok") is True and "dup" not in o and get(o, "job", "id") != ja.get("id"),
       "jbother's idem key-1 is another key: a new job", _short(o))
    rep = call(run("python3", PY_PRINT, as_user="teamx", wait=True))
    job = get(rep, "job", default={})
    ok(job.get("user") == "teamx" and job.get("by") == "root" and get(job, "result", "stdout") == b"hello\n",
       "as_user by an admin: job user teamx, by root", _short(job))
    o = other(run("python3", PY_PRINT, as_user="teamx"))[0]
    is_err(o, "unauthorized", "as_user by jbother (not an admin): unauthorized")
    return ja.get("id")


def t_wait_cancel_queue():
    note("wait_ms expiry, cancel (running and queued), get wait on a queued job")
    t = time.monotonic()
    a = call(run("python3", py_sleep(30), wait=True, wait_ms=300), 10)
    dt = time.monotonic() - t
    ja = get(a, "job", default={})
    ok(get(a, "ok") is True and ja.get("state") in ("queued", "running") and "result" not in ja and 0.25 <= dt < 3,
       f"run with wait_ms 300 on a sleeping program: ok after {dt:.2f} s, job not terminal", _short(a))
    b = call(run("python3", py_sleep(30)))
    jb = get(b, "job", default={})
    ok(get(b, "ok") is True and jb.get("state") == "queued" and jb.get("seq") == 1,
       "run without wait: the job as committed, state queued, seq 1", _short(b))
    ida, idb = ja.get("id"), jb.get("id")
    wait_state(ida, ("running",))
    is_(wait_state(idb, ("running",)).get("state"), "running", "both sleepers hold the 2 boxes")
    q1 = get(call(run("python3", b"print('q1')\n")), "job", default={})
    q2 = get(call(run("python3", b"print('q2')\n")), "job", default={})
    is_((q1.get("state"), q2.get("state")), ("queued", "queued"), "two more jobs stay queued behind the full pool")
    w = Client()
    wq1 = w.send({"op": "get", "id": q1.get("id"), "wait": True})
    wb = w.send({"op": "get", "id": idb, "wait": True, "output": False})
    rep = call({"op": "cancel", "id": q2.get("id")})
    ok(get(rep, "cancelled") is True and get(rep, "job", "state") == "cancelled" and "result" not in get(rep, "job", default={}),
       "cancel a queued job: cancelled true, state cancelled, no result", _short(rep))
    ok(w.recv(0.3) is None, "get wait on a queued job: no reply while it is queued")
    rep = call({"op": "cancel", "id": ida})
    job = get(rep, "job", default={})
    ok(get(rep, "cancelled") is True and job.get("state") == "cancelled" and "result" not in job
       and type(job.get("finished_at")) is int, "cancel a sleeping job in a box: cancelled true, state cancelled, no result",
       _short(rep))
    rep = call({"op": "cancel", "id": ida})
    ok(get(rep, "ok") is True and get(rep, "cancelled") is False and get(rep, "job", "state") == "cancelled",
       "cancel it again: ok, cancelled false", _short(rep))
    t = time.monotonic()
    rep = call({"op": "get", "id": idb, "wait": True, "wait_ms": 200}, 5)
    dt = time.monotonic() - t
    ok(get(rep, "job", "state") == "running" and 0.15 <= dt < 2,
       f"get with wait_ms 200 on a sleeping job: answered after {dt:.2f} s, still running", _short(rep))
    rep = w.wait(wq1, 20)
    ok(get(rep, "job", "state") == "judged" and get(rep, "job", "result", "stdout") == b"q1\n",
       "get wait on the queued job: answered once it ran, judged, with its output", _short(rep))
    call({"op": "cancel", "id": idb})
    rep = w.wait(wb, 10)
    ok(get(rep, "job", "state") == "cancelled" and get(rep, "job", "id") == idb,
       "a get waiting on a job is answered when the job is cancelled", _short(rep))
    w.close()
    rep = call({"op": "get", "id": ida})
    is_((get(rep, "job", "state"), "result" in get(rep, "job", default={})), ("cancelled", False),
        "get of the cancelled job: still cancelled, no result (terminal states never change)")
    CANCELLED[ida] = get(call({"op": "get", "id": ida}), "job", "seq")
    CANCELLED[idb] = get(call({"op": "get", "id": idb}), "job", "seq")
    return ida, q2.get("id")


def t_not_found(root_job):
    note("not_found (3.4)")
    is_err(once({"op": "get", "id": 999999999}), "not_found", "get of a missing id: not_found")
    is_err(once({"op": "cancel", "id": 999999999}), "not_found", "cancel of a missing id: not_found")
    g, c = other({"op": "get", "id": root_job}, {"op": "cancel", "id": root_job})
    is_err(g, "not_found", "get of root's job by jbother: not_found")
    is_err(c, "not_found", "cancel of root's job by jbother: not_found")
    rep = call({"op": "get", "id": OTHER_JOBS[0]})
    is_(get(rep, "job", "user"), "jbother", "get of jbother's job by root (admin): ok")
    rep = call({"op": "cancel", "id": RUN1.get("id")})
    ok(get(rep, "cancelled") is False and get(rep, "job", "state") == "judged"
       and get(rep, "job", "result", "status") == "ok" and "stdout" not in get(rep, "job", "result", default={}),
       "cancel of a judged job: cancelled false, still judged, the job without output", _short(rep))


def t_list(cancelled_id, c_job, idem_job):
    note("list (7.4)")
    page_ids = []
    for i in range(5):
        page_ids.append(get(call(run("python3", PY_PRINT, label="page")), "job", "id"))
    mine = [get(r, "job", "id") for r in other(run("python3", PY_PRINT, label="mine"),
                                                 run("python3", PY_PRINT, label="mine"))]
    mine += OTHER_JOBS
    o_all, o_root, o_self = other({"op": "list", "limit": 100}, {"op": "list", "user": "root"},
                                  {"op": "list", "user": "jbother", "limit": 100})
    jobs = get(o_all, "jobs", default=[])
    ok(get(o_all, "ok") is True and sorted(j.get("id") for j in jobs) == sorted(mine)
       and all(j.get("user") == "jbother" for j in jobs),
       "list by jbother: exactly jbother's own jobs", _short(o_all))
    is_err(o_root, "unauthorized", "list by jbother with user root: unauthorized", field="user")
    is_(sorted(j.get("id") for j in get(o_self, "jobs", default=[])), sorted(mine),
        "list by jbother with user jbother (itself): its jobs")
    rep = call({"op": "list", "limit": 100})
    jobs = get(rep, "jobs", default=[])
    ids = [j.get("id") for j in jobs]
    ok({"root", "jbother", "teamx"} <= {j.get("user") for j in jobs} and ids == sorted(ids, reverse=True),
       "list by root (admin): every user's jobs, newest first", _short(ids))
    ok(jobs and all("files" not in j and "stdout" not in j.get("result", {})
                    and (j.get("state") != "judged" or "status" in j.get("result", {})) and "stderr" not in j.get("result", {})
                    and "output" not in get(j, "result", "compile", default={})
                    for j in jobs), "list: summaries carry no files, stdout, stderr or compile output")
    rep = call({"op": "list", "user": "jbother"})
    is_(sorted(j.get("id") for j in get(rep, "jobs", default=[])), sorted(mine), "list by root with user jbother: jbother's jobs")
    rep = call({"op": "list", "state": "cancelled", "limit": 100})
    jobs = get(rep, "jobs", default=[])
    ok(cancelled_id in [j.get("id") for j in jobs] and all(j.get("state") == "cancelled" for j in jobs),
       "list state cancelled: only cancelled jobs, the cancelled one among them", _short(jobs))
    rep = call({"op": "list", "state": ["judged", "failed"], "lang": "c", "limit": 100})
    jobs = get(rep, "jobs", default=[])
    ok(c_job in [j.get("id") for j in jobs]
       and all(j.get("state") in ("judged", "failed") and j.get("lang") == "c" for j in jobs),
       "list state [judged, failed] and lang c: only those", _short([(j.get("id"), j.get("lang"), j.get("state")) for j in jobs]))
    rep = call({"op": "list", "label": "lab3/ex2", "limit": 100})
    jobs = get(rep, "jobs", default=[])
    is_(sorted((j.get("id"), j.get("label")) for j in jobs), sorted((i, "lab3/ex2") for i in [idem_job, OTHER_JOBS[0]]),
        "list label lab3/ex2 by root: the jobs with that label, root's and jbother's")
    seen, cursor, pages, first_next = [], None, 0, None
    while pages < 12:
        req = {"op": "list", "label": "page", "limit": 1}
        if cursor:
            req["cursor"] = cursor
        rep = call(req)
        pages += 1
        seen += [j.get("id") for j in get(rep, "jobs", default=[])]
        cursor = get(rep, "next")
        first_next = first_next or cursor
        if not cursor:
            break
    is_(seen, sorted(page_ids, reverse=True), f"list label page, limit 1, following next ({pages} pages): every job once, newest first")
    rep = once({"op": "list", "label": "mine", "limit": 1, "cursor": first_next or "x"})
    is_err(rep, "bad_request", "a cursor with other filters: bad_request", field="cursor")
    rep = once({"op": "list", "label": "page", "state": "judged", "limit": 1, "cursor": first_next or "x"})
    is_err(rep, "bad_request", "a cursor with an added state filter: bad_request", field="cursor")
    is_err(once({"op": "list", "limit": 101}), "bad_request", "list limit 101: bad_request, limit 100",
           field="limit", limit=100)
    is_err(once({"op": "list", "state": "sleeping"}), "bad_request", "list with an unknown state: bad_request", field="state")
    is_err(once({"op": "list", "state": ["queued"] * 7}), "bad_request", "list with 7 states: bad_request", field="state")
    a, b = call({"op": "list", "kind": "run", "limit": 5}), call({"op": "list", "kind": "submit"})
    ok(len(get(a, "jobs", default=[])) == 5 and get(b, "jobs") == [] and "next" not in b,
       "list kind run finds jobs, kind submit none (and no next)", _short(b))


def t_envelope():
    note("envelope and rid (2.2, 5)")
    body = msgpack.packb({"op": "health", "rid": 5})
    env = [b"a", b"bb", b"", b"x" * 255]
    r = raw(env + [body])
    ok(r is not None and r[0][:-1] == env and get(r[1], "ok") is True,
       "4 envelope frames (one of 255 bytes) are mirrored byte for byte", _short(r and r[0][:-1]))
    r = raw([b"", b"", b"", b"", b"", body])
    ok(r is not None and r[0][:-1] == [b""] and get(r[1], "error", "code") == "bad_request",
       "5 envelope frames: bad_request with an envelope of one empty frame", _short(r))
    r = raw([b"y" * 256, body])
    ok(r is not None and r[0][:-1] == [b""] and get(r[1], "error", "code") == "bad_request",
       "an envelope frame of 256 bytes: bad_request with an envelope of one empty frame", _short(r))
    rep = call({"op": "health", "rid": "str-rid"})
    ok(get(rep, "rid") == "str-rid" and type(rep.get("rid")) is str, "rid as a str is echoed as that str", _short(rep))
    big = 2 ** 53 - 1
    rep = raw_body(msgpack.packb({"op": "health", "rid": big}))
    ok(get(rep, "rid") == big and type(rep.get("rid")) is int, "rid 2^53-1 (uint) is echoed", _short(rep))
    is_err(raw_body(msgpack.packb({"op": "health", "rid": "r" * 65})), "bad_request",
           "rid of 65 bytes: bad_request without rid", rid=None)
    is_err(raw_body(msgpack.packb({"op": "health", "rid": 2 ** 53})), "bad_request",
           "rid 2^53: bad_request without rid", rid=None)
    is_err(raw_body(msgpack.packb({"op": "health", "rid": -1})), "bad_request",
           "rid -1: bad_request without rid", rid=None)
    rep = raw_body(msgpack.packb({"op": "health"}))
    ok(get(rep, "ok") is True and "rid" not in rep, "a request without rid: a reply without rid", _short(rep))
    is_err(once({"op": "health", "rid": 11, "v": PROTO_V + 1}), "version_mismatch",
           f"v {PROTO_V + 1}: version_mismatch with v_max {PROTO_V}, rid echoed", rid=11, v_max=PROTO_V)
    rep = call({"op": "health", "rid": 12, "v": 1, "extra": {"any": [1, 2.5, None]}})
    ok(get(rep, "ok") is True and rep.get("rid") == 12, "v 1 and an unknown field: ok", _short(rep))


def dup_key_map():
    # {"op": "health", "rid": 1, "rid": 2}, written by hand
    return b"\x83\xa2op\xa6health\xa3rid\x01\xa3rid\x02"


def t_malformed():
    note("malformed frames (4, 5.3): each refused, and the daemon keeps serving")
    cases = [
        ("not MessagePack (0xc1)", b"\xc1\xc1\xc1"),
        ("truncated MessagePack", msgpack.packb({"op": "health", "rid": 1})[:-3]),
        ("not a map (an array)", msgpack.packb(["op", "health"])),
        ("not a map (a str)", msgpack.packb("health")),
        ("an empty frame", b""),
        ("trailing bytes after the map", msgpack.packb({"op": "health", "rid": 1}) + b"\x00"),
        ("an ext type", msgpack.packb({"op": "health", "rid": 1, "x": msgpack.ExtType(1, b"ab")})),
        ("a timestamp ext", b"\x83\xa2op\xa6health\xa3rid\x01\xa1t\xd6\xff\x00\x00\x00\x01"),
        ("a duplicate key", dup_key_map()),
        ("a duplicate key in a nested map", b"\x83\xa2op\xa6health\xa3rid\x01\xa1x\x82\xa1a\x01\xa1a\x02"),
        ("a non-str map key", b"\x83\xa2op\xa6health\xa3rid\x01\x01\x02"),
        ("nesting 9 deep", msgpack.packb({"op": "health", "rid": 1, "x": [[[[[[[[1]]]]]]]]})),
        ("an array of 1025 entries", msgpack.packb({"op": "health", "rid": 1, "x": [0] * 1025})),
        ("more than 8192 objects", msgpack.packb({"op": "health", "rid": 1, "x": [[0] * 1000] * 9})),
        ("invalid UTF-8 in a str", b"\x82\xa2op\xa6health\xa3rid\xa2\xc3\x28"),
        ("a NUL in a str", b"\x82\xa2op\xa7heal\x00th\xa3rid\x01"),
    ]
    # PROTOCOL.md 5.2: the rid goes back whenever it can be read, even
    # when the frame breaks a section-4 rule; never when it cannot.
    rids = {"trailing bytes after the map": 1, "an ext type": 1, "a timestamp ext": 1,
            "a duplicate key": 1, "a duplicate key in a nested map": 1,
            "a non-str map key": 1, "nesting 9 deep": 1, "an array of 1025 entries": 1,
            "more than 8192 objects": 1, "a NUL in a str": 1}
    for name, body in cases:
        rep = raw_body(body)
        why = err_why(rep, "bad_request", rid=rids.get(name))
        if not health_ok():
            why.append("health did not answer afterwards")
        ok(not why, f"{name}: bad_request; then health still answers", *why, f"reply: {_short(rep)}")
    rep = raw_body(msgpack.packb({"op": "health", "rid": 1, "x": [[[[[[[1]]]]]]]}))
    ok(get(rep, "ok") is True, "nesting exactly 8 deep is accepted", _short(rep))
    rep = raw_body(msgpack.packb({"op": "health", "rid": 1, "x": [0] * 1024}))
    ok(get(rep, "ok") is True, "an array of exactly 1024 entries is accepted", _short(rep))


def t_bad_requests():
    note("bad requests: op, types, limits, source/files, names, lang (5.3, 7.1)")
    is_err(once({"rid": 21}), "bad_request", "missing op: bad_request, rid echoed", field="op", rid=21)
    is_err(once({"op": "frobnicate", "rid": 22}), "bad_request", "unknown op: bad_request, rid echoed",
           field="op", rid=22)
    is_err(once({"op": 1, "rid": 23}), "bad_request", "op not a str: bad_request", field="op", rid=23)
    is_err(once({"op": "blob_put", "rid": 24}), "bad_request", "op blob_put (planned, in no version yet): bad_request", field="op", rid=24)
    is_err(once({"op": None, "rid": 25}), "bad_request", "op nil (= absent): bad_request", field="op", rid=25)
    src = PY_PRINT
    is_err(once(run("python3", src, wait=1, rid=26)), "bad_request", "wait: 1 (not a bool): bad_request",
           field="wait", rid=26)
    is_err(once(run("python3", src, limits={"cpu_ms": 1.0})), "bad_request", "limits.cpu_ms: 1.0: bad_request",
           field="limits.cpu_ms")
    is_err(once(run("python3", src, stdin=5)), "bad_request", "stdin as an int: bad_request", field="stdin")
    is_err(once(run("python3", src, args="a")), "bad_request", "args as a str: bad_request", field="args")
    is_err(once(run("python3", src, args=["a", 2])), "bad_request", "args.1 as an int: bad_request", field="args.1")
    is_err(once(run("python3", src, wait_ms=0, wait=True)), "bad_request", "wait_ms 0: bad_request, limit 3600000",
           field="wait_ms", limit=3600000)
    is_err(once(run("python3", src, wait_ms=3600001, wait=True)), "bad_request", "wait_ms 3600001: bad_request",
           field="wait_ms", limit=3600000)
    is_err(once(run("python3", src, label="l" * 129)), "bad_request", "label of 129 bytes: bad_request", field="label")
    is_err(once(run("python3", src, idem="")), "bad_request", "idem of 0 bytes: bad_request", field="idem")
    is_err(once(run("python3", src, idem="i" * 65)), "bad_request", "idem of 65 bytes: bad_request", field="idem")
    is_err(once({"op": "get", "id": "7"}), "bad_request", "get id as a str: bad_request", field="id")
    is_err(once({"op": "get"}), "bad_request", "get without id: bad_request", field="id")
    is_err(once({"op": "get", "id": 1, "output": 0}), "bad_request", "get output: 0: bad_request", field="output")
    rep = once(run("python3", src, limits={"cpu_ms": 1000, "bogus_ms": 5}))
    is_err(rep, "bad_request", "an unknown limit key: bad_request, field limits.bogus_ms (its path, 5.3)",
           field="limits.bogus_ms")
    is_err(once(run("python3", src, limits={"cpu-ms": 5})), "bad_request",
           "the helper's spelling cpu-ms is an unknown limit key: bad_request")
    ceil = get(HEALTH, "limits", "ceilings", default={})
    is_err(once(run("python3", src, limits={"cpu_ms": ceil.get("cpu_ms", 0) + 1})), "bad_request",
           "cpu_ms above its ceiling: bad_request with field and limit", field="limits.cpu_ms", limit=ceil.get("cpu_ms"))
    is_err(once(run("python3", src, limits={"cpu_share": ceil.get("cpu_share", 0) + 1})), "bad_request",
           "cpu_share above its ceiling (helper.conf's 2000): bad_request naming the limit",
           field="limits.cpu_share", limit=ceil.get("cpu_share"))
    is_err(once(run("python3", src, limits={"cpu_share": 9})), "bad_request",
           "cpu_share 9 (under the kernel's least quota, 10): bad_request", field="limits.cpu_share")
    is_err(once(run("python3", src, limits={"output_kb": 1025})), "bad_request",
           "output_kb 1025: bad_request, limit 1024", field="limits.output_kb", limit=1024)
    is_err(once(run("python3", src, limits={"memory_kb": 0})), "bad_request",
           "memory_kb 0 (out of 1..ceiling): bad_request with limit (5.3: out-of-range numbers)",
           field="limits.memory_kb", limit=get(HEALTH, "limits", "ceilings", "memory_kb"))
    is_err(once(run("python3", src, limits={"procs": -1})), "bad_request", "procs -1: bad_request",
           field="limits.procs")
    is_err(once({"op": "run", "lang": "python3", "source": src, "files": [{"name": "main.py", "content": src}]}),
           "bad_request", "source and files both: bad_request")
    is_err(once({"op": "run", "lang": "python3"}), "bad_request", "neither source nor files: bad_request")
    is_err(once(run("cobol", src)), "bad_request", "an unknown lang: bad_request", field="lang")
    is_err(once({"op": "run", "source": src}), "bad_request", "no lang: bad_request", field="lang")
    m = {"name": "main.py", "content": src}
    for files, field, what in [
        ([m, {"name": "../x", "content": b""}], "files.1.name", "../x"),
        ([{"name": ".hidden", "content": b""}, m], "files.0.name", ".hidden"),
        ([m, {"name": "-o", "content": b""}], "files.1.name", "-o"),
        ([m, {"name": "a//b", "content": b""}], "files.1.name", "a//b"),
        ([m, {"name": "/abs", "content": b""}], "files.1.name", "/abs"),
        ([m, {"name": "a b", "content": b""}], "files.1.name", "a space"),
        ([m, {"name": "/".join(["d"] * 9), "content": b""}], "files.1.name", "9 components"),
        ([m, {"name": "x" * 65, "content": b""}], "files.1.name", "a 65-byte component"),
        ([m, m], "files.1.name", "a duplicate main.py"),
        ([m, {"name": "a", "content": b""}, {"name": "a/b", "content": b""}], "files.2.name", "a and a/b"),
        ([m, {"name": "a/b", "content": b""}, {"name": "a", "content": b""}], "files.2.name", "a/b and a"),
        ([m, {"name": "x.py"}], "files.1.content", "no content"),
        ([m, {"name": 5, "content": b""}], "files.1.name", "a name that is not a str"),
    ]:
        is_err(once({"op": "run", "lang": "python3", "files": files}), "bad_request",
               f"files with {what}: bad_request", field=field)
    is_err(once({"op": "run", "lang": "python3", "files": [{"name": "x.py", "content": src}]}), "bad_request",
           "files without main.py (the language's source): bad_request", field="files")
    is_err(once({"op": "run", "lang": "python3", "files": []}), "bad_request", "files empty: bad_request", field="files")
    is_err(once({"op": "run", "lang": "python3", "source": src, "rid": 27, "as_user": "Bad User"}),
           "bad_request", "as_user that is not a user name: bad_request", field="as_user", rid=27)
    rep = call({"op": "run", "lang": "python3", "files": [{"name": "main.py", "content": PY_PRINT, "mode": 0o755,
                                                           "x": {"y": [None, 1.5]}}], "wait": True})
    ok(get(rep, "job", "result", "stdout") == b"hello\n", "unknown fields inside a files entry are ignored",
       _short(rep))
    rep = call({"op": "run", "lang": "python3", "source": PY_PRINT.decode(), "wait": True, "label": None})
    ok(get(rep, "job", "result", "stdout") == b"hello\n" and "label" not in get(rep, "job", default={}),
       "source as a str is taken as its bytes; label nil means absent", _short(rep))
    ok(health_ok(), "after all these bad requests the daemon still answers health")


def t_events():
    note("events (11)")
    sub = CTX.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"job.")
    sub.connect(EV)
    time.sleep(0.5)
    src = c_hello(f"events {time.time()}")
    rep = call(run("c", src, wait=True))
    jid = get(rep, "job", "id")
    evs, bad_frames = [], []
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if not sub.poll(200):
            if any(get(e, "state") == "judged" for _, e in evs):
                break
            continue
        frames = sub.recv_multipart()
        if len(frames) != 2:
            bad_frames.append(frames)
            continue
        if frames[0] == f"job.{jid}.".encode():
            evs.append((frames[0], msgpack.unpackb(frames[1])))
    sub.close()
    ok(not bad_frames, "every event has exactly two frames", _short(bad_frames))
    states = [e.get("state") for _, e in evs]
    seqs = [e.get("seq") for _, e in evs]
    is_(states, ["queued", "compiling", "running", "judged"], f"job {jid} published queued, compiling, running, judged")
    is_(seqs, [1, 2, 3, 4], "seq is 1, 2, 3, 4")
    is_(get(rep, "job", "seq"), 4, "the job's seq is that of its latest event")
    why = []
    allowed = {"id", "seq", "event", "kind", "state", "attempt", "at", "status", "exit_code", "signal",
               "cpu_ms", "wall_ms", "memory_kb"}
    ats = []
    for topic, e in evs:
        for k, t in (("id", int), ("seq", int), ("event", str), ("kind", str), ("state", str),
                     ("attempt", int), ("at", int)):
            if type(e.get(k)) is not t:
                why.append(f"{e.get('state')}: {k} {e.get(k)!r}")
        if e.get("id") != jid or e.get("event") != "state" or e.get("kind") != "run" or e.get("attempt") != 1:
            why.append(f"{e.get('state')}: id/event/kind/attempt {_short(e)}")
        extra = set(e) - allowed
        if extra:
            why.append(f"{e.get('state')}: fields not in 11.1: {sorted(extra)}")
        ats.append(e.get("at", 0))
    if ats != sorted(ats):
        why.append(f"at goes backwards: {ats}")
    ok(evs and not why, "event payloads: id, seq, event state, kind run, attempt 1, at; nothing else", *why)
    j = evs[-1][1] if evs else {}
    ok(j.get("status") == "ok" and all(type(j.get(k)) is int for k in ("exit_code", "signal", "cpu_ms", "wall_ms", "memory_kb"))
       and "status" not in (evs[0][1] if evs else {"status": 1}),
       "the judged event has status, exit_code, signal, cpu_ms, wall_ms, memory_kb; queued has no status", _short(j))
    leaked = [k for _, e in evs for k in ("user", "stdout", "stderr", "compile", "files", "stdin", "source", "label")
              if k in e]
    ok(evs and not leaked, "events carry no user, output, source or label", _short(leaked))

    sub = CTX.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"job.")
    sub.connect(EV)
    time.sleep(0.3)
    jid = get(call(run("python3", py_sleep(30))), "job", "id")
    wait_state(jid, ("running",))
    call({"op": "cancel", "id": jid})
    evs = []
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        if sub.poll(100):
            frames = sub.recv_multipart()
            if frames[0] == f"job.{jid}.".encode():
                evs.append(msgpack.unpackb(frames[-1]))
    sub.close()
    is_([(e.get("state"), e.get("seq"), "status" in e) for e in evs],
        [("queued", 1, False), ("running", 2, False), ("cancelled", 3, False)],
        "a job cancelled in its box publishes queued, running, cancelled (no status), then nothing")


def t_fairness():
    note("fairness (12.4): the user with fewer running jobs goes first")
    s1 = get(call(run("python3", py_sleep(0.5))), "job", "id")
    s2 = get(call(run("python3", py_sleep(2), limits={"wall_ms": 10000})), "job", "id")
    wait_state(s1, ("running",))
    wait_state(s2, ("running",))
    r = [get(call(run("python3", b"print('r')\n")), "job", "id") for _ in range(3)]
    o = get(other(run("python3", b"print('o')\n")), 0, "job", "id")
    OTHER_JOBS.append(o)
    jobs = {i: wait_job(i, 20) for i in r + [o]}
    st = {i: j.get("started_at", 0) for i, j in jobs.items()}
    ok(all(j.get("state") == "judged" for j in jobs.values()) and st[o] < st[r[0]],
       "jbother's job, queued after 3 of root's, starts first (root has a job running)",
       f"started_at: {st}")
    ok(st[r[0]] <= st[r[1]] <= st[r[2]], "root's jobs start in the order they were accepted", f"started_at: {st}")
    call({"op": "cancel", "id": s2})


def t_abandon():
    """A client that goes away before its reply (2.2): the job stays accepted."""
    a = Client()
    a.send(run("python3", py_sleep(0.5), wait=True, label="abandoned"))
    time.sleep(0.3)
    a.close()


def t_after():
    note("the end of the main phase")
    rep = call({"op": "list", "label": "abandoned"})
    jobs = get(rep, "jobs", default=[])
    ok(len(jobs) == 1 and wait_job(jobs[0].get("id"), 10).get("state") == "judged",
       "a run whose client closed before the reply was still carried out", _short(rep))
    now = {i: get(call({"op": "get", "id": i}), "job", default={}) for i in CANCELLED}
    is_({i: (j.get("state"), j.get("seq"), "result" in j) for i, j in now.items()},
        {i: ("cancelled", seq, False) for i, seq in CANCELLED.items()},
        "jobs cancelled in a box stay cancelled, with no result and no later event")
    h = idle_health()
    ok(get(h, "boxes", "busy") == 0 and get(h, "queue", "running") == 0 and get(h, "queue", "length") == 0,
       "health at the end: no box busy, nothing running or queued", _short(h))
    rep = call({"op": "list"})
    ok(len(get(rep, "jobs", default=[])) == 20 and type(rep.get("next")) is str,
       "list without limit: 20 jobs and a next", _short(rep, 300))


def t_concurrency():
    note("concurrency: 8 clients x 10 runs with wait")
    results = {}

    def client(t):
        c = Client()
        rids = {c.send(run("python3", PY_ARG, args=[f"t{t}-{i}"], wait=True)): f"t{t}-{i}" for i in range(10)}
        for rid, arg in rids.items():
            results[arg] = c.wait(rid, 90)
        c.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=client, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    note(f"80 runs took {time.monotonic() - t0:.1f} s")
    answered = [a for a, r in results.items() if get(r, "ok") is True and get(r, "job", "state") == "judged"]
    is_(len(answered), 80, "all 80 runs answered, judged")
    wrong = [a for a, r in results.items() if get(r, "job", "result", "stdout") != f"{a}\n".encode()]
    ok(not wrong, "each reply carries its own run's output", _short(wrong))
    ids = [get(r, "job", "id") for r in results.values()]
    is_(len(set(ids)), 80, "the 80 job ids are distinct")


def phase_main():
    global HEALTH, RUN1
    t_transport()
    HEALTH = t_health()
    t_languages()
    RUN1 = t_run_basic()
    t_abandon()
    t_bytes()
    c_job = t_files()
    t_statuses()
    idem_job = t_idem_label_as_user()
    cancelled_id, _ = t_wait_cancel_queue()
    t_fairness()
    t_not_found(idem_job)
    t_list(cancelled_id, c_job, idem_job)
    t_envelope()
    t_malformed()
    t_bad_requests()
    t_events()
    t_concurrency()
    t_after()


# ---- phase small: jd_conf with small sizes and queue caps ----

SMALL_PROCS = 16    # protocol.t: limit procs 16 1024
SMALL = {"max_request": 65536, "max_source": 1000, "max_stdin": 1000, "max_args": 3,
         "max_files": 3, "max_files_total": 1500, "queue_capacity": 3, "queue_per_user": 2, "max_waits": 2}


def phase_small():
    h = health()
    lim = h.get("limits", {})
    ok(all(lim.get(k) == SMALL[k] for k in ("max_request", "max_source", "max_stdin", "max_args", "max_files",
                                             "max_files_total"))
       and get(h, "queue", "capacity") == 3 and get(h, "queue", "per_user") == 2,
       "health reports the configured sizes and queue caps", _short(h))
    note("limits: a language's own default beats the administrator's (7.1)")
    langs = get(call({"op": "languages"}), "languages", default=[])
    lj = next((l for l in langs if l.get("available") and get(l, "limits", "procs")), None)
    if lj:
        a = get(call(run(lj["id"], b"x")), "job", default={})
        b = get(call(run("python3", b"x")), "job", default={})
        c = get(call(run(lj["id"], b"x", limits={"procs": 5})), "job", default={})
        for j in (a, b, c):
            call({"op": "cancel", "id": j.get("id")})
        is_((get(h, "limits", "defaults", "procs"), get(a, "limits", "procs"), get(b, "limits", "procs"),
             get(c, "limits", "procs")), (SMALL_PROCS, lj["limits"]["procs"], SMALL_PROCS, 5),
            f"procs: default {SMALL_PROCS}; {lj['id']} gets its own {lj['limits']['procs']}, python3 the default, "
            "and a client's value beats both")
    else:
        ok(True, "# SKIP no available language has limits of its own")
    note("too_large (6)")
    p = b"#" * 1001
    is_err(once(run("python3", p)), "too_large", "source of 1001 bytes: too_large", field="source", limit=1000)
    is_err(once(run("python3", PY_PRINT, stdin=b"i" * 1001)), "too_large", "stdin of 1001 bytes: too_large",
           field="stdin", limit=1000)
    is_err(once(run("python3", PY_PRINT, args=["a", "b", "c", "d"])), "too_large", "4 args (max 3): too_large",
           field="args", limit=3)
    is_err(once(run("python3", PY_PRINT, args=["a", "b" * 4097])), "too_large", "an arg of 4097 bytes: too_large",
           field="args.1", limit=4096)
    m = {"name": "main.py", "content": PY_PRINT}
    f = [m] + [{"name": f"f{i}.py", "content": b""} for i in range(3)]
    is_err(once({"op": "run", "lang": "python3", "files": f}), "too_large", "4 files (max 3): too_large",
           field="files", limit=3)
    is_err(once({"op": "run", "lang": "python3", "files": [m, {"name": "a.py", "content": p}]}), "too_large",
           "a file of 1001 bytes: too_large", field="files.1.content", limit=1000)
    is_err(once({"op": "run", "lang": "python3", "files": [m, {"name": "a.py", "content": b"#" * 800},
                                                             {"name": "b.py", "content": b"#" * 800}]}),
           "too_large", "files of 1600 bytes in all (max 1500): too_large", field="files", limit=1500)
    rep = call(run("python3", PY_PRINT + b"#" * (1000 - len(PY_PRINT)), stdin=b"i" * 1000, args=["a", "b", "c"],
                   wait=True))
    ok(get(rep, "job", "result", "stdout") == b"hello\n", "source, stdin and args exactly at their limits: accepted",
       _short(rep))
    big = msgpack.packb({"op": "health", "rid": 1, "pad": b"p" * 70000})
    is_err(raw_body(big), "too_large", f"a frame of {len(big)} bytes (max_request 65536): too_large, no rid",
           rid=None, limit=65536)
    huge = msgpack.packb({"op": "health", "rid": 1, "pad": b"p" * 140000})
    ok(raw_body(huge, 1.5) is None, "a frame over the hard cap (2 x max_request): no reply")
    ok(health_ok(), "after the hard cap the daemon still answers health")

    note("queue_full (12.4)")
    s1 = get(call(run("python3", py_sleep(30))), "job", "id")
    s2 = get(call(run("python3", py_sleep(30))), "job", "id")
    ok(wait_state(s1, ("running",)).get("state") == "running" and wait_state(s2, ("running",)).get("state") == "running",
       "two sleepers hold both boxes")
    h = health()
    ok(get(h, "boxes", "busy") == 2 and get(h, "boxes", "free") == 0 and get(h, "queue", "running") == 2
       and get(h, "queue", "length") == 0, "health: boxes busy 2, free 0; queue running 2, length 0", _short(h))
    w = Client()
    w.send({"op": "get", "id": s1, "wait": True})
    w.send({"op": "get", "id": s2, "wait": True})
    time.sleep(0.2)
    is_err(w.call({"op": "get", "id": s1, "wait": True, "rid": "w3"}, 5), "queue_full",
           "a third get with wait on one connection (max_waits 2): queue_full scope waits", scope="waits", rid="w3")
    is_err(w.call(run("python3", PY_PRINT, wait=True, rid="w4"), 5), "queue_full",
           "a run with wait on that connection: queue_full scope waits", scope="waits", rid="w4")
    rep = w.call({"op": "get", "id": s1, "rid": "w5"}, 5)
    ok(get(rep, "ok") is True, "a get without wait on that connection still works", _short(rep))
    q = [call(run("python3", PY_PRINT, idem=f"q{i}")) for i in range(3)]
    ok(all(get(r, "ok") is True for r in q[:2]), "root queues 2 jobs (queue_per_user 2)", _short(q[:2]))
    is_err(q[2], "queue_full", "root's third queued job: queue_full scope user", scope="user")
    rep = once(run("python3", PY_PRINT, idem="q0"))
    ok(get(rep, "dup") is True and get(rep, "job", "id") == get(q[0], "job", "id"),
       "a retry of an accepted run (same idem) while root's share is full: dup, not queue_full "
       "(an error would say it was not accepted, 5.3)", _short(rep))
    o1, o2 = other(run("python3", PY_PRINT), run("python3", PY_PRINT))
    ok(get(o1, "ok") is True, "jbother queues 1 job (queue 3 of 3)", _short(o1))
    is_err(o2, "queue_full", "jbother's next job: queue_full scope global", scope="global")
    is_(get(health(), "queue", "length"), 3, "health: queue length 3")
    rep = call({"op": "list", "state": "queued", "limit": 100})
    is_(len(get(rep, "jobs", default=[])), 3, "nothing was committed for the refused runs: 3 jobs queued")
    for jid in [s1, s2] + [get(r, "job", "id") for r in q[:2] + [o1]]:
        call({"op": "cancel", "id": jid})
    got = [w.recv(5) for _ in range(2)]
    ok(all(r and get(r[1], "job", "state") == "cancelled" for r in got), "the 2 waits are answered by the cancels")
    w.close()
    is_(get(health(), "queue", "length"), 0, "admin cancelled everything (jbother's job too): queue empty")


# ---- phases crash1/crash2: kill -9 with jobs in boxes ----

def phase_crash1():
    ids = [get(call(run("python3", py_sleep(1, f"dur{i}"), label="dur")), "job", "id") for i in range(6)]
    ok(all(isinstance(i, int) for i in ids), "6 sleeping jobs accepted", _short(ids))
    a, b = wait_state(ids[0], ("running",)), wait_state(ids[1], ("running",))
    states = [get(call({"op": "get", "id": i, "output": False}), "job", "state") for i in ids]
    ok(a.get("state") == "running" and b.get("state") == "running" and states[2:] == ["queued"] * 4,
       "2 jobs in the boxes, 4 queued", _short(states))
    seqs = [get(call({"op": "get", "id": i, "output": False}), "job", "seq") for i in ids]
    save_data(crash_ids=ids, crash_states=states, crash_seqs=seqs, crash_at=int(time.time() * 1000))
    os.kill(int(os.environ["JD_PID"]), signal.SIGKILL)


def phase_crash2():
    d = load_data()
    ids, states, seqs = d["crash_ids"], d["crash_states"], d["crash_seqs"]
    jobs = [wait_job(i, 20) for i in ids]
    is_([j.get("state") for j in jobs], ["judged"] * 6, "after kill -9 and a restart every job is judged")
    is_([get(j, "result", "stdout") for j in jobs], [f"dur{i}\n".encode() for i in range(6)],
        "each job printed its own output")
    want = [2 if s == "running" else 1 for s in states]
    is_([j.get("attempt") for j in jobs], want, "the jobs that were in a box have attempt 2, the queued ones 1")
    # in a box: queued, [compiling,] running, (kill -9) queued, running (the
    # compile is cached), judged: +3 from the crash; queued: compiling (a
    # new source), running, judged: +3
    is_([j.get("seq") for j in jobs],
        [s + (3 if st == "running" else 2 + ("compile" in j.get("result", {})))
         for s, st, j in zip(seqs, states, jobs)],
        "seq keeps counting across the crash (requeued +1, [compiling +1,] running +1, judged +1)")
    ok(all(j.get("started_at", 0) > d["crash_at"] for j, s in zip(jobs, states) if s == "running"),
       "the requeued jobs' started_at is that of their second attempt", _short([j.get("started_at") for j in jobs]),
       f"killed at {d['crash_at']}")
    rep = call({"op": "list", "label": "dur", "limit": 100})
    is_(sorted(j.get("id") for j in get(rep, "jobs", default=[])), sorted(ids), "list label dur shows all 6, once each")
    idle_health()
    again = [get(call({"op": "get", "id": i, "output": False}), "job") or {} for i in ids]
    is_([(j.get("state"), j.get("seq")) for j in again], [(j.get("state"), j.get("seq")) for j in jobs],
        "no job runs again afterwards (state and seq unchanged)")
    h = idle_health()
    ok(get(h, "boxes", "busy") == 0 and get(h, "queue", "length") == 0 and get(h, "queue", "running") == 0,
       "health: no box busy, nothing queued or running", _short(h))


# ---- phases drain1/drain2: SIGTERM (drain_ms = 1500) ----

def phase_drain1():
    specs = [(py_sleep(1, "drain0"), {}),                            # in a box, ends within the drain
             (py_sleep(2.5, "drain1"), {"limits": {"wall_ms": 10000}}),  # in a box, outlasts drain_ms
             (py_sleep(0.2, "drain2"), {}),                          # queued
             (py_sleep(0.2, "drain3"), {})]                          # queued, cancelled while draining
    ids = [get(call(run("python3", src, label="drain", **kw)), "job", "id") for src, kw in specs]
    ok(wait_state(ids[0], ("running",)).get("state") == "running"
       and wait_state(ids[1], ("running",)).get("state") == "running", "2 jobs in the boxes, 2 queued")
    w = Client()
    waits = [w.send({"op": "get", "id": i, "wait": True}) for i in ids[:3]]
    time.sleep(0.1)
    t0 = time.monotonic()
    os.kill(int(os.environ["JD_PID"]), signal.SIGTERM)
    time.sleep(0.15)
    rep = once(run("python3", PY_PRINT))
    is_err(rep, "unavailable", "run while draining: unavailable")
    is_(get(rep, "error", "message"), "draining", "its message is 'draining'")
    h = health()
    ok(h.get("draining") is True, "health while draining: draining true", _short(h))
    rep = call({"op": "get", "id": ids[2], "output": False}, 5)
    is_(get(rep, "job", "state"), "queued", "get still works while draining; a queued job is not started")
    rep = call({"op": "list", "label": "drain"}, 5)
    is_(len(get(rep, "jobs", default=[])), 4, "list still works while draining")
    rep = call({"op": "cancel", "id": ids[3]}, 5)
    ok(get(rep, "cancelled") is True, "cancel still works while draining", _short(rep))
    rep = w.wait(waits[0], 10)
    ok(get(rep, "job", "state") == "judged" and get(rep, "job", "result", "stdout") == b"drain0\n",
       "the job that ends within drain_ms finishes: judged, with its output", _short(rep))
    rep = w.wait(waits[1], 10)
    dt = time.monotonic() - t0
    ok(get(rep, "ok") is True and get(rep, "job", "state") == "queued" and get(rep, "job", "attempt") == 2
       and 1.3 <= dt < 2.4,
       f"the job still in a box after drain_ms (1.5 s) is put back in queued, attempt 2; its wait answered ({dt:.1f} s)",
       _short(rep))
    rep = w.wait(waits[2], 10)
    ok(get(rep, "ok") is True and get(rep, "job", "state") == "queued",
       "a wait on a queued job is answered before the exit: ok, still queued", _short(rep))
    w.close()
    save_data(drain_ids=ids)


def phase_drain2():
    ids = load_data()["drain_ids"]
    jobs = [wait_job(i, 20) for i in ids[:3]]
    is_([j.get("state") for j in jobs], ["judged"] * 3, "after the restart the drained jobs are judged")
    is_([get(j, "result", "stdout") for j in jobs], [f"drain{i}\n".encode() for i in range(3)],
        "each with its own output")
    is_([j.get("attempt") for j in jobs], [1, 2, 1],
        "attempts: 1 for the job that finished, 2 for the one requeued by the drain, 1 for the queued one")
    job = get(call({"op": "get", "id": ids[3]}), "job", default={})
    ok(job.get("state") == "cancelled" and "result" not in job and "started_at" not in job,
       "the job cancelled while draining never ran", _short(job))


# ---- phases doom1-3: max_attempts = 2, a job in a box at two crashes ----

def phase_doom1():
    jid = get(call(run("python3", py_sleep(8), label="doomed", limits={"wall_ms": 20000})), "job", "id")
    is_(wait_state(jid, ("running",)).get("state"), "running", "a long job is in a box (attempt 1)")
    save_data(doomed=jid)
    os.kill(int(os.environ["JD_PID"]), signal.SIGKILL)


def phase_doom2():
    jid = load_data()["doomed"]
    job = wait_state(jid, ("running",))
    ok(job.get("state") == "running" and job.get("attempt") == 2, "after kill -9: running again, attempt 2",
       _short(job))
    os.kill(int(os.environ["JD_PID"]), signal.SIGKILL)


def phase_doom3():
    jid = load_data()["doomed"]
    job = get(call({"op": "get", "id": jid}), "job", default={})
    res = job.get("result", {})
    ok(job.get("state") == "failed" and res.get("status") == "internal_error" and type(res.get("message")) is str
       and not set(res) - {"status", "message", "compile"} and job.get("attempt") == 2
       and type(job.get("finished_at")) is int,
       "after kill -9 in its last attempt (max_attempts 2): failed, internal_error with message only", _short(job))
    rep = call({"op": "list", "state": "failed"})
    is_([j.get("id") for j in get(rep, "jobs", default=[])], [jid], "list state failed shows it")


PHASES = {"main": phase_main, "small": phase_small, "crash1": phase_crash1, "crash2": phase_crash2,
          "drain1": phase_drain1, "drain2": phase_drain2,
          "doom1": phase_doom1, "doom2": phase_doom2, "doom3": phase_doom3}
HEALTH, RUN1, OTHER_JOBS, CANCELLED = {}, {}, [], {}

if __name__ == "__main__":
    C = Client()
    run_phase(sys.argv[1], lambda: (PHASES[sys.argv[1]](), t_shapes()), lambda: (C.close(), CTX.destroy(linger=0)))
