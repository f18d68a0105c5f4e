#!/usr/bin/python3
"""soak.py: the kill -9 soak of judgeboxd (issue 11), driven by tests/soak.t
(which builds and installs the helper and the daemon in a temporary prefix:
tests/lib/daemon-env.sh) and run as its one phase (tests/lib/phasetap.py).

SOAK_JOBS (default 2000) mixed requests go to the daemon from SOAK_CLIENTS
(4) concurrent clients (tests/lib/soak_client.py; two as root, two as
jbother: two users, each with their own idem keys, some of the same names):
`run`s in C, Python 3 and Bash (outputs, exit codes, signals, compile
errors), hostile runs of tests/progs (a fork bomb, a memory hog, an
infinite loop, spinning threads, a daemonised orphan, ptrace, a sleeper, an
output flood), `test`s with inline tests and `submit`s to the problem
tests/packages/sum, a third of them with an `idem` key (some resent on
purpose, at once or after a restart, some reused for another request).
Meanwhile the daemon is killed with SIGKILL SOAK_KILLS (10) times, at
random points of the submissions plus a random delay (after a quarter of
the restarts, the next kill comes within a second: a crash while the
daemon recovers), and started again at once each time; the clients
reconnect and settle what got no reply (soak_client.py says how, by what
PROTOCOL.md promises). After each restart, nothing the killed daemon
started (helpers, jobs) may still run. At the end:

  - every request that was answered `ok` (or that its label found) has its
    job in the store, and the store has no job no client asked for: each
    request's label names exactly one job (nothing lost, nothing doubled),
    but for the requests without idem that a client resent blindly, which
    12.2 allows a second job, each found by the label;
  - each (user, idem) names exactly one job, the one every reply named,
    and a reuse of a key for another request was refused with `conflict`;
  - every job is `judged` with the right result for its kind (the status,
    exit code, signal, output or verdicts that its program must give, the
    verdicts of `submit`s computed from the package's own data);
  - exactly one final result: no job published two terminal events, each
    job's events came in seq order, and what a reply or an event said of
    a terminal job is what `get` says;
  - nothing is left, with the daemon idle and after its exit: no helper
    (but a live daemon's warm boxes), daemon or box process, no box
    cgroup, no mount but each box's one tmpfs, and every box is empty;
  - the daemon's RSS (VmRSS, sampled every 0.1 s) stays under
    RSS_BOUND_KB (below: why that bound).

The tally (jobs accepted per kind, kills, restarts, retries, verdict
matches, max RSS, time) is printed as TAP diagnostics. SOAK_SEED makes a
run's plan and kill points repeatable (the moments still vary). Run with
/usr/bin/python3 (Debian's python3-zmq and python3-msgpack). Every program
below is only ever run by the daemon, in a box.
"""
import collections
import glob
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jbclient  # noqa: E402
from phasetap import _short, get, is_, note, ok, run_phase  # noqa: E402

JB = os.environ["JB"]
TOP = os.environ["TOP"]
HELPER = os.environ["HELPER"]
JUDGEBOXD = os.environ["JUDGEBOXD"]
PROGS = os.environ["PROGS"]
CGROUP = os.environ["JB_CGROUP"]
FIRST_UID = int(os.environ["JB_FIRST_UID"])
HELPER_BOXES = 8                      # helper.conf's `boxes` (tests/lib/helper-env.sh)
EP = os.environ["JUDGEBOX_ENDPOINT"]
EV = os.environ["JUDGEBOX_EVENTS"]
CONF = f"{JB}/etc/judgeboxd.conf"
LOG = f"{JB}/judgeboxd.log"
WORK = f"{JB}/soak"

JOBS = int(os.environ.get("SOAK_JOBS", "2000"))
KILLS = int(os.environ.get("SOAK_KILLS", "10"))
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "4"))
SEED = int(os.environ.get("SOAK_SEED") or random.SystemRandom().randrange(1 << 30))
TIMEOUT = int(os.environ.get("SOAK_TIMEOUT", "1500"))   # seconds for the whole soak
# The daemon's RSS bound. Measured: 8.5 to 11 MiB (9 MiB after 600 runs
# without a kill), most of it the libraries (libzmq, SQLite, libyaml, libc)
# and SQLite's page cache, which SQLite caps at 2 MiB by default. On top of
# that the daemon holds, for what is in flight, at most the clients' 16
# requests (WINDOW 4 x 4: a few KiB each, the largest a submission) and
# their replies (64 KiB of output a stream here: 2 MiB in all), and
# ZeroMQ's pipes. 32 MiB is twice all that; what it catches is growth with
# the number of jobs: keeping each job's output (2 x 64 KiB x 2,000 = 250
# MiB), its request, or some KiB per job across a daemon's lifetime of
# hundreds of jobs (the tally prints each lifetime's maximum).
RSS_BOUND_KB = int(os.environ.get("SOAK_RSS_KB", str(32 * 1024)))

TERMINAL = ("judged", "cancelled", "failed")
CTX = zmq.Context.instance()


# ---- a plain client for the driver ----

def Conn():
    return jbclient.Client(EP, v=2)


def health(timeout=1):
    c = Conn()
    rep = c.call({"op": "health"}, timeout)
    c.close()
    return rep if rep and rep.get("ok") else None


# ---- the daemon: start, kill -9, stop; its RSS ----

class Daemon:
    def __init__(self):
        self.p = None
        self.lives = []                 # one per start: pid, started_at, rss_max_kb
        self.lock = threading.Lock()

    def start(self):
        log = open(LOG, "ab")
        t0 = time.monotonic()
        p = subprocess.Popen(["setpriv", "--reuid=jbtest", "--regid=jbtest-ctl", "--init-groups", "--",
                              JUDGEBOXD, "-c", CONF], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=log)
        log.close()
        with self.lock:
            self.p = p
            self.lives.append({"pid": p.pid, "rss_max_kb": 0, "started_at": None, "cpu_s": 0})
        while time.monotonic() - t0 < 60 and p.poll() is None:
            h = health()
            if h:
                self.lives[-1]["started_at"] = h.get("started_at")
                self.lives[-1]["ready_s"] = time.monotonic() - t0
                return True
            time.sleep(0.05)
        return False

    def kill9(self):
        with self.lock:
            p, self.p = self.p, None
        if p:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def term(self):
        with self.lock:
            p, self.p = self.p, None
        if not p:
            return None
        p.send_signal(signal.SIGTERM)
        try:
            return p.wait(60)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return "no exit within 60 s of SIGTERM"

    def pid(self):
        with self.lock:
            return self.p.pid if self.p else None

    def sample_rss(self):
        with self.lock:
            if not self.p:
                return
            life = self.lives[-1]
            try:
                for line in open(f"/proc/{self.p.pid}/status"):
                    if line.startswith("VmRSS:"):
                        life["rss_max_kb"] = max(life["rss_max_kb"], int(line.split()[1]))
                st = open(f"/proc/{self.p.pid}/stat").read().rsplit(")", 1)[1].split()
                life["cpu_s"] = sum(int(x) for x in st[11:13]) / os.sysconf("SC_CLK_TCK")
            except (OSError, IndexError, ValueError):
                pass


def sampler(d, stop):
    while not stop.is_set():
        d.sample_rss()
        time.sleep(0.1)


# ---- the events: each job's terminal ones (11) ----

def watch_events(terminal, seqs, counts, stop):
    s = CTX.socket(zmq.SUB)
    s.setsockopt(zmq.RCVHWM, 0)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(EV)
    s.setsockopt(zmq.SUBSCRIBE, b"job.")
    while not stop.is_set():
        if not s.poll(100):
            continue
        while s.poll(0):
            frames = s.recv_multipart()
            if len(frames) != 2:
                counts["bad"] += 1
                continue
            e = msgpack.unpackb(frames[1])
            counts["events"] += 1
            seqs[e.get("id")].append(e.get("seq"))
            if e.get("event") == "state" and e.get("state") in TERMINAL:
                terminal[e.get("id")].append((e.get("state"), e.get("status"), e.get("seq")))
    s.close()


# ---- the programs (only ever run by the daemon, in a box) ----

def c_src(body, tag=""):
    return (f"#include <stdio.h>\n#include <stdlib.h>\n/* soak {tag} */\n"
            f"int main(void)\n{{\n{body}\n}}\n").encode()


def c_mul(k, tag=""):
    return c_src(f"\tlong long x, s = 0;\n\twhile (scanf(\"%lld\", &x) == 1)\n\t\ts += x;\n"
                 f"\tprintf(\"%lld\\n\", s * {k});\n\treturn 0;", tag)


def py_mul(k, tag=""):
    return f"# soak {tag}\nimport sys\nprint(sum(map(int, sys.stdin.read().split())) * {k})\n".encode()


C_ABORT = c_src("\tabort();")
C_SEGV = c_src("\t*(volatile int *)0 = 1;\n\treturn 0;")
PY_EXIT = b"import sys\nsys.exit(int(sys.stdin.read()))\n"
PY_FLOOD = b"import sys\nsys.stdout.write('x' * 1048576)\n"
SH_MUL = b"read a b\necho $((a * b))\n"
# `test` programs: a + b, right, or wrong where the model below says.
AB_PY = b"a, b = map(int, input().split())\nprint(a + b)\n"
AB_PY_WA = b"a, b = map(int, input().split())\nprint(a + b + (1 if a % 5 == 0 else 0))\n"
AB_C = {cond: c_src("\tlong long a, b;\n\tif (scanf(\"%lld %lld\", &a, &b) != 2)\n\t\treturn 1;\n"
                    f"{extra}\tprintf(\"%lld\\n\", a + b);\n\treturn 0;")
        for cond, extra in (("ok", ""), ("rte", "\tif (a < 0)\n\t\treturn 4;\n"),
                            ("tle", "\tif (a % 7 == 0)\n\t\tfor (volatile int i = 0;; i++)\n\t\t\t;\n"))}
AB_MODEL = {"py": lambda a, b: "accepted", "py_wa": lambda a, b: "wrong_answer" if a % 5 == 0 else "accepted",
            "ok": lambda a, b: "accepted", "rte": lambda a, b: "runtime_error" if a < 0 else "accepted",
            "tle": lambda a, b: "time_limit" if a % 7 == 0 else "accepted"}


def hostile(cmd):
    """A Bash job that becomes a program of tests/progs (bound into the
    jail at the same path; it refuses to run outside one)."""
    return f"exec {PROGS}/{cmd}\n".encode()


# ---- the problem: its tests in judging order, and the submissions ----

PKG = f"{TOP}/tests/packages/sum"
INT32 = range(-2 ** 31, 2 ** 31)
# Each submission: its file, and per test (a, b) the verdict its program
# gives there, or None where it is not defined (int32.c on inputs past 32
# bits reads garbage; judging stops at its first failure before them).
SUBMISSIONS = {
    "sub_ok_c": ("accepted/sum.c", lambda a, b: "accepted"),
    "sub_ok_py": ("accepted/sum.py", lambda a, b: "accepted"),
    "sub_ok_cpp": ("accepted/sum.cpp", lambda a, b: "accepted"),
    "sub_wa_py": ("wrong_answer/off_by_one.py", lambda a, b: "wrong_answer"),
    "sub_wa_int32": ("wrong_answer/int32.c", lambda a, b: None if a not in INT32 or b not in INT32
                     else "accepted" if a + b in INT32 else "wrong_answer"),
    "sub_rte": ("run_time_error/exit3.c", lambda a, b: "runtime_error"),
    "sub_ce": ("compile_error/syntax_error.py", None),
    "sub_sv": ("security_violation/unshare.c", lambda a, b: "security_violation"),
    "sub_tle": ("time_limit_exceeded/spin.c", lambda a, b: "time_limit"),
}
LANG_OF = {".c": "c", ".cpp": "cpp", ".py": "python3"}


def package_tests():
    """[(stem, a, b)] in judging order: data/sample, then data/secret, each
    in name order (14.4: the package's order, samples first)."""
    out = []
    for group in ("sample", "secret"):
        for f in sorted(glob.glob(f"{PKG}/data/{group}/*.in")):
            a, b = map(int, open(f).read().split())
            out.append((f"{group}/{os.path.basename(f)[:-3]}", a, b))
    return out


# ---- the plan ----

# kind: weight. Runs ~61%, hostile runs ~7%, tests ~17%, submits ~15%.
WEIGHTS = {"py_mul": 14, "py_exit": 4, "py_syntax": 1, "c_mul": 12, "c_signal": 3, "c_cerr": 2,
           "sh_mul": 12, "h_loop": 1.2, "h_threads": 0.6, "h_mem": 1, "h_fork": 1, "h_orphan": 1,
           "h_ptrace": 1, "h_sleep": 0.6, "h_flood": 0.6,
           "test_py": 6, "test_py_wa": 4, "test_c": 3, "test_c_rte": 2, "test_c_tle": 1.5,
           "sub_ok_c": 3, "sub_ok_py": 3, "sub_ok_cpp": 1, "sub_wa_py": 1.5, "sub_wa_int32": 1.5,
           "sub_rte": 1, "sub_ce": 0.6, "sub_sv": 0.8, "sub_tle": 0.3}
LANGS = {"py": "python3", "c": "c", "sh": "bash", "h": "bash", "test": None}
SLACK = {"wall_ms": 20000}             # no normal job meets a wall limit, however loaded the host


def run_req(lang, src, stdin=b"", **limits):
    return {"op": "run", "lang": lang, "source": src, "stdin": stdin, "limits": dict(SLACK, **limits)}


def plan_run(kind, rng, n):
    """(request, expected) of a run; expected: fields of result (8.2)."""
    nums = [rng.randint(-1000, 1000) for _ in range(rng.randint(1, 5))]
    stdin = " ".join(map(str, nums)).encode() + b"\n"
    fresh = f"n{n}"                       # a text of its own: compiled, not cached
    k = rng.randint(1, 4)
    if kind == "py_mul":
        src = py_mul(k, fresh if rng.random() < 0.1 else "")
        return run_req("python3", src, stdin), {"status": "ok", "exit_code": 0, "stdout": b"%d\n" % (sum(nums) * k)}
    if kind == "c_mul":
        src = c_mul(k, fresh if rng.random() < 0.15 else "")
        return run_req("c", src, stdin), {"status": "ok", "exit_code": 0, "stdout": b"%d\n" % (sum(nums) * k)}
    if kind == "sh_mul":
        a, b = rng.randint(-99, 99), rng.randint(-99, 99)
        return run_req("bash", SH_MUL, b"%d %d\n" % (a, b)), {"status": "ok", "stdout": b"%d\n" % (a * b)}
    if kind == "py_exit":
        code = rng.randint(1, 120)
        return run_req("python3", PY_EXIT, b"%d" % code), {"status": "exit", "exit_code": code, "signal": 0}
    if kind == "py_syntax":
        return run_req("python3", f"# {fresh}\nif True\n    pass\n".encode()), {"status": "compile_error",
                                                                               "compile_status": "exit"}
    if kind == "c_signal":
        src, sig = rng.choice([(C_ABORT, 6), (C_SEGV, 11)])
        return run_req("c", src), {"status": "signal", "signal": sig, "exit_code": 0}
    if kind == "c_cerr":
        tag = fresh if rng.random() < 0.5 else ""
        return run_req("c", c_src("\treturn x;", tag)), {"status": "compile_error", "compile_status": "exit"}
    return plan_hostile(kind)


def plan_hostile(kind):
    """The hostile programs of tests/progs, each with the one status its
    limits leave it (generous limits for all but the one it must meet)."""
    if kind == "h_loop":
        return (run_req("bash", hostile("probe forever"), cpu_ms=150),
                {"status": "cpu_limit", "signal": 9})
    if kind == "h_threads":
        return (run_req("bash", hostile("cpuhog threads 4"), cpu_ms=300),
                {"status": "cpu_limit", "signal": 9})
    if kind == "h_mem":
        return (run_req("bash", hostile("probe alloc 200"), memory_kb=32768, cpu_ms=5000),
                {"status": "memory_limit"})
    if kind == "h_fork":
        return (run_req("bash", hostile("probe forkbomb"), procs=16, cpu_ms=5000),
                {"status": "ok", "forked_below": 16})
    if kind == "h_orphan":
        return run_req("bash", hostile("probe orphan")), {"status": "ok", "exit_code": 0}
    if kind == "h_ptrace":
        return run_req("bash", hostile("probe ptrace")), {"status": "violation", "syscall": "ptrace"}
    if kind == "h_sleep":
        return (run_req("bash", hostile("probe sleep 60000"), wall_ms=300),
                {"status": "wall_limit", "signal": 9})
    if kind == "h_flood":
        return run_req("python3", PY_FLOOD, fsize_kb=64), {"status": "output_limit"}
    raise ValueError(kind)


def plan_test(kind, rng):
    """A `test` job: 3 tests of a + b; the verdicts the program's model gives."""
    variant = {"test_py": "py", "test_py_wa": "py_wa", "test_c": "ok", "test_c_rte": "rte",
               "test_c_tle": "tle"}[kind]
    lang = "python3" if variant.startswith("py") else "c"
    src = {"py": AB_PY, "py_wa": AB_PY_WA}.get(variant) or AB_C[variant]
    tests, names, verdicts = [], [], []
    for j in range(3):
        a, b = rng.randint(-30, 30), rng.randint(-30, 30)
        name = f"t{j + 1}-{rng.randrange(1000)}"
        tests.append({"name": name, "input": b"%d %d\n" % (a, b), "answer": b"%d\n" % (a + b)})
        names.append(name)
        verdicts.append(AB_MODEL[variant](a, b))
    mode = rng.choice(["all", "first_failure"])
    req = {"op": "test", "v": 2, "lang": lang, "source": src, "tests": tests, "mode": mode,
           "limits": dict(SLACK, cpu_ms=300)}
    return req, {"verdicts": verdicts, "names": names, "mode": mode}


def plan_submit(kind, rng, subs, ptests):
    path, model = SUBMISSIONS[kind]
    lang = LANG_OF[os.path.splitext(path)[1]]
    mode = rng.choice(["all", "first_failure"]) if kind in ("sub_ok_c", "sub_ok_py", "sub_wa_py") \
        else "first_failure"
    req = {"op": "submit", "v": 2, "problem": "sum", "lang": lang, "source": subs[path], "mode": mode}
    if model is None:
        return req, {"compile_error": True, "names": [t[0] for t in ptests], "mode": mode}
    return req, {"verdicts": [model(a, b) for _, a, b in ptests], "names": [t[0] for t in ptests],
                 "mode": mode, "suffix": True}


def make_plan(rng, langs):
    subs = {p: open(f"{PKG}/submissions/{p}", "rb").read() for p, _ in SUBMISSIONS.values()}
    ptests = package_tests()
    kinds = [k for k in WEIGHTS if k.startswith(("test", "sub")) or LANGS[k.split("_")[0]] in langs]
    kinds = [k for k in kinds if not k.startswith("sub") or LANG_OF[os.path.splitext(SUBMISSIONS[k][0])[1]] in langs]
    kinds = [k for k in kinds if not k.startswith("test") or {"python3", "c"} <= langs]
    items, idem_n = [], collections.Counter()
    for n in range(JOBS):
        kind = rng.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
        if kind.startswith("test"):
            req, exp = plan_test(kind, rng)
        elif kind.startswith("sub"):
            req, exp = plan_submit(kind, rng, subs, ptests)
        else:
            req, exp = plan_run(kind, rng, n)
        client = n % CLIENTS
        req["label"] = f"soak-{SEED}-{n}"
        item = {"n": n, "client": client, "kind": kind, "req": req, "expect": exp,
                "wait": rng.random() < 0.75}
        if rng.random() < 0.35:
            # clients 2i (root) and 2i + 1 (jbother): two users, keys of the same names
            req["idem"] = f"{'abcdefgh'[client // 2 % 8]}{idem_n[client]}"
            idem_n[client] += 1
            r = rng.random()
            item["idem_reuse"] = "soon" if r < 0.08 else "restart" if r < 0.16 else "conflict" if r < 0.19 else None
        else:
            item["blind"] = rng.random() < 0.25      # retried after a drop without a look-up
        items.append(item)
    return items


# ---- checking one job ----

def why_run(exp, job):
    res = job.get("result", {})
    why = []
    for k in ("status", "exit_code", "signal", "stdout"):
        if k in exp and res.get(k) != exp[k]:
            why.append(f"{k} {_short(res.get(k), 80)}, want {_short(exp[k], 80)}")
    if "syscall" in exp and get(res, "violation", "syscall") != exp["syscall"]:
        why.append(f"violation.syscall {get(res, 'violation', 'syscall')!r}, want {exp['syscall']!r}")
    if "compile_status" in exp and get(res, "compile", "status") != exp["compile_status"]:
        why.append(f"compile.status {get(res, 'compile', 'status')!r}")
    if "forked_below" in exp:
        m = re.fullmatch(rb"forked (\d+)\n", res.get("stdout", b""))
        if not m or int(m.group(1)) >= exp["forked_below"]:
            why.append(f"stdout {res.get('stdout')!r}, want 'forked N' with N < {exp['forked_below']}")
    return why


def why_judging(exp, job):
    res = job.get("result", {})
    names, why = exp["names"], []
    if exp.get("compile_error"):
        if res.get("verdict") != "compile_error" or res.get("tests"):
            why.append(f"verdict {res.get('verdict')!r}, tests {len(res.get('tests', []))}: want compile_error, none")
        return why
    verdicts = exp["verdicts"]
    first = next((i for i, v in enumerate(verdicts) if v != "accepted"), None)
    want = "accepted" if first is None else verdicts[first]
    ran = len(names) if exp["mode"] == "all" or first is None else first + 1
    tests = res.get("tests", [])
    if res.get("verdict") != want:
        why.append(f"verdict {res.get('verdict')!r}, want {want!r}")
    if res.get("total") != len(names) or len(tests) != ran:
        why.append(f"total {res.get('total')}, {len(tests)} tests ran: want {len(names)}, {ran}")
    match = (lambda got, w: got.endswith(w)) if exp.get("suffix") else (lambda got, w: got == w)
    for i, t in enumerate(tests[:ran]):
        if not match(str(t.get("name")), names[i]):
            why.append(f"test {i} is {t.get('name')!r}, want {names[i]!r}")
        elif verdicts[i] is not None and (first is None or i <= first) and t.get("verdict") != verdicts[i]:
            why.append(f"test {t.get('name')}: {t.get('verdict')!r}, want {verdicts[i]!r}")
    ff = res.get("first_failure")
    if (first is None) != (ff is None) or (ff is not None and not match(ff, names[first])):
        why.append(f"first_failure {ff!r}, want {None if first is None else names[first]!r}")
    return why


def why_wrong(item, job):
    if job.get("state") != "judged":
        return [f"state {job.get('state')!r}: {_short(job.get('result'), 200)}"]
    if item["req"]["op"] == "run":
        return why_run(item["expect"], job)
    return why_judging(item["expect"], job)


def final_summary(job):
    r = job.get("result", {})
    return {"state": job.get("state"), "seq": job.get("seq"), "status": r.get("status"),
            "verdict": r.get("verdict"), "exit_code": r.get("exit_code"), "signal": r.get("signal"),
            "stdout": r.get("stdout"), "first_failure": r.get("first_failure")}


# ---- the soak ----

def start_clients(items):
    os.makedirs(WORK, exist_ok=True)
    os.chmod(WORK, 0o1777)
    procs = []
    for k in range(CLIENTS):
        mine = [{key: it.get(key) for key in ("n", "req", "wait", "idem_reuse", "blind")}
                for it in items if it["client"] == k]
        with open(f"{WORK}/plan.{k}", "wb") as f:
            f.write(msgpack.packb({"items": mine}))
        cmd = ["/usr/bin/python3", f"{TOP}/tests/lib/soak_client.py",
               f"{WORK}/plan.{k}", f"{WORK}/out.{k}", f"{WORK}/progress.{k}"]
        if k % 2:                        # clients 1 and 3 are jbother, 0 and 2 root
            cmd = ["setpriv", "--reuid=jbother", "--regid=jbother", "--init-groups", "--"] + cmd
        procs.append(subprocess.Popen(cmd, stderr=open(f"{WORK}/client.{k}.log", "wb")))
    return procs


def progress():
    n = 0
    for k in range(CLIENTS):
        try:
            n += int(open(f"{WORK}/progress.{k}").read().strip() or 0)
        except (OSError, ValueError):
            pass
    return n


def kill_points(rng):
    """KILLS points of the submissions (fractions of JOBS accepted), at
    least 2% apart, between 3% and 95%."""
    while True:
        pts = sorted(rng.uniform(0.03, 0.95) for _ in range(KILLS))
        if all(b - a >= 0.02 for a, b in zip(pts, pts[1:])) or KILLS * 0.02 > 0.9:
            return pts


def restart(d, tally):
    """kill -9, and start again at once (12.3); then nothing the killed
    daemon started may run on beside the new one's own."""
    d.kill9()
    tally["kills"] += 1
    if not d.start():
        return ok(False, f"judgeboxd starts again after kill -9 number {tally['kills']}")
    tally["restarts"] += 1
    for _ in range(30):                  # a SIGKILL takes a moment
        left = strays(d.pid())
        if not left:
            break
        time.sleep(0.1)
    tally["strays"] += len(left)
    for s in left[:5]:
        note(f"after restart {tally['restarts']}, left by the killed daemon: {s}")
    return True


def soak(d, rng, procs, tally):
    """Kill -9 and restart at the kill points until the clients are done;
    after a quarter of the restarts the next kill comes at once (0.05 to 1
    s after the new daemon answers: a crash while it recovers)."""
    pts = kill_points(rng)
    t0 = time.monotonic()
    quick = None
    while any(p.poll() is None for p in procs):
        if time.monotonic() - t0 > TIMEOUT:
            note(f"the clients are not done after {TIMEOUT} s: stopping them")
            for p in procs:
                if p.poll() is None:
                    p.kill()
            tally["timeout"] = True
            break
        due = quick is not None and time.monotonic() >= quick
        if not due and pts and progress() >= pts[0] * JOBS:
            time.sleep(rng.uniform(0, 0.6))
            due = True
        if not due:
            time.sleep(0.05)
            continue
        pts.pop(0)
        what = "at once after the last restart" if quick else "at a random point"
        quick = None
        if not restart(d, tally):
            return False
        note(f"kill -9 number {tally['kills']} ({what}) at {progress()} of {JOBS} accepted; "
             f"up again in {d.lives[-1]['ready_s']:.1f} s")
        if pts and rng.random() < 0.25:
            quick = time.monotonic() + rng.uniform(0.05, 1.0)
            tally["quick_kills"] += 1
    for p in procs:
        p.wait()
    return True


# ---- the checks ----

def list_all(c):
    """Every job in the store (admin: every user's), by `list` pages (7.4)."""
    jobs, cursor = [], None
    while True:
        req = {"op": "list", "limit": 100}
        if cursor:
            req["cursor"] = cursor
        rep = c.call(req, 60)
        jobs += get(rep, "jobs", default=[])
        cursor = get(rep, "next")
        if not cursor:
            return jobs


def check_store(items, results, listed, tally):
    by_label = collections.defaultdict(list)
    for j in listed:
        by_label[j.get("label")].append(j.get("id"))
    known = {jid for r in results.values() for jid in r["ids"]}
    listed_ids = {j.get("id") for j in listed}
    is_(sorted(known - listed_ids), [], "every job that a reply or a label lookup named is in the store (none lost)")
    is_(sorted(listed_ids - known), [], "the store holds no job that no client knows of (none doubled)")
    blind = [it for it in items if results[it["n"]]["blind_resent"]]
    bad = [(it["req"]["label"], by_label.get(it["req"]["label"], [])) for it in items
           if len(by_label.get(it["req"]["label"], [])) != 1 and it not in blind]
    ok(not bad, f"each of the {len(items) - len(blind)} requests' labels (but those resent blindly) names exactly "
       "one job: a look-up by label after a drop tells whether a request without idem was committed",
       *[_short(b) for b in bad[:10]])
    bad = [(it["req"]["label"], by_label.get(it["req"]["label"], []), results[it["n"]]["sends"]) for it in blind
           if not 1 <= len(by_label.get(it["req"]["label"], [])) <= results[it["n"]]["sends"]]
    tally["doubled"] = sum(len(by_label.get(it["req"]["label"], [])) - 1 for it in blind)
    ok(not bad, f"the {len(blind)} requests without idem resent blindly after a drop made at least one job and at "
       f"most one per send ({tally['doubled']} more than one in all, as 12.2 allows), each found by its label",
       *[_short(b) for b in bad[:10]])
    bad = [(it["req"]["label"] + "-conflict", by_label[it["req"]["label"] + "-conflict"]) for it in items
           if by_label.get(it["req"]["label"] + "-conflict")]
    ok(not bad, "no job was made for a request whose idem key was already another request's", *bad[:10])
    unanswered = [it["n"] for it in items if not results[it["n"]]["ids"]]
    ok(not unanswered, "every request got a job (an ok reply, or its label found it)", _short(unanswered))
    tally["accepted"] = len(known)


def check_idem(items, results, listed, tally):
    keys = collections.defaultdict(set)
    for j in listed:
        if "idem" in j:
            keys[j.get("user"), j["idem"]].add(j.get("id"))
    users = {0: "root", 1: "jbother"}
    why, dups, reused = [], 0, 0
    for it in items:
        key = it["req"].get("idem")
        if not key:
            continue
        r = results[it["n"]]
        user = users[it["client"] % 2]
        ids = keys.get((user, key), set())
        if len(ids) != 1 or set(r["ids"]) != ids:
            why.append(f"{user}/{key}: store {sorted(ids)}, replies {r['ids']}")
        dups += sum(1 for rep in r["replies"] if rep.get("dup"))
        for rs in r["resends"]:
            reused += 1
            tally["resent_after_restart"] += bool(rs.get("after_restart"))
            if not (rs.get("ok") and rs.get("dup") and [rs.get("id")] == r["ids"]):
                why.append(f"{user}/{key}: a deliberate resend got {_short(rs)}, want dup of {r['ids']}")
        for cf in r["conflicts"]:
            tally["conflicts"] += 1
            if cf.get("err") != "conflict":
                why.append(f"{user}/{key}: reused for another request: {_short(cf)}, want conflict")
    tally["idem_keys"] = len(keys)
    tally["idem_dups"] = dups
    tally["idem_resent"] = reused
    ok(not why, f"each (user, idem) of {len(keys)} names exactly one job, the one every reply named; "
       f"{reused} deliberate resends got dup, {tally['conflicts']} reuses conflict", *why[:10])
    shared = [k for (u, k) in keys if u == "root" and ("jbother", k) in keys]
    ok(shared and all(keys["root", k] != keys["jbother", k] for k in shared),
       f"the {len(shared)} key names both users used name two jobs, one each (12.2: scoped to the user)")


def check_jobs(items, results, terminal, tally):
    c = Conn()
    wrong, changed, never, kinds = [], [], [], collections.Counter()
    multi = {jid: evs for jid, evs in terminal.items() if len(set(evs)) > 1 or len(evs) > 1}
    for it in items:
        r = results[it["n"]]
        for jid in r["ids"]:
            job = get(c.call({"op": "get", "id": jid}, 60), "job", default={})
            if job.get("state") not in TERMINAL:
                never.append((jid, job.get("state")))
                continue
            kinds[it["kind"]] += 1
            tally["attempts>1"] += job.get("attempt", 1) > 1
            why = why_wrong(it, job)
            if why:
                wrong.append(f"{it['req']['label']} ({it['kind']}) job {jid}: " + "; ".join(why))
            else:
                tally["verdict_matches"] += 1
            fin = final_summary(job)
            seen = r["finals"].get(jid)
            if seen is not None and seen != fin:
                changed.append(f"job {jid}: a reply said {_short(seen, 200)}, get says {_short(fin, 200)}")
            for ev in terminal.get(jid, []):
                if ev != (fin["state"], fin["status"], fin["seq"]):
                    changed.append(f"job {jid}: event {ev}, get {(fin['state'], fin['status'], fin['seq'])}")
    c.close()
    tally["kinds"] = kinds
    ok(not never, "every job is terminal at the end", *[_short(x) for x in never[:10]])
    ok(not wrong, f"every job has the right result for its kind ({tally['verdict_matches']} match)", *wrong[:15])
    ok(not multi, "no job published two terminal events (one final result each)",
       *[f"job {j}: {e}" for j, e in list(multi.items())[:10]])
    ok(not changed, "what replies and events said of a terminal job is what get says (terminal never changes)",
       *changed[:10])


def check_clients(procs, results, tally):
    codes = [p.returncode for p in procs]
    is_(codes, [0] * CLIENTS, f"the {CLIENTS} clients finished (exit 0)",
        *[open(f"{WORK}/client.{k}.log").read()[-600:] for k in range(CLIENTS) if codes[k]])
    errs = [(n, r["errors"]) for n, r in results.items() if r["errors"]]
    ok(not errs, "no request got an error reply (none was refused or lost its job)", *[_short(e) for e in errs[:10]])
    stalls = sum(r["stalled"] for r in results.values())
    is_(stalls, 0, f"every request to a live daemon was answered within {30 + 60} s")
    for k in ("drops", "retries", "lookups", "found_by_label", "resent_idem", "stray", "regets",
              "blind_retries", "doubles_found"):
        tally[k] = sum(s.get(k, 0) for s in tally["client_stats"])


def proc(pid):
    """(ppid, uid, exe) of a process, or None if it is gone."""
    try:
        st = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        uid = next(int(line.split()[1]) for line in open(f"/proc/{pid}/status") if line.startswith("Uid:"))
    except (OSError, StopIteration, IndexError):
        return None
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = ""
    return int(st[1]), uid, exe


def ours(info):
    return info and (info[2] == HELPER or FIRST_UID <= info[1] < FIRST_UID + HELPER_BOXES)


def strays(live):
    """Helpers and box processes that do not descend from the live daemon:
    what a killed daemon left running."""
    out = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        info = proc(p)
        if not ours(info):
            continue
        q = info[0]
        while q > 1 and ours(proc(q)):
            q = proc(q)[0]
        if q != live:
            out.append(f"pid {p} uid {info[1]} {info[2]} (its first ancestor not a helper or a box's: {q})")
    return out


def processes(live):
    """What is left of us: any box process (no job runs), any daemon but
    the live one, and any helper but the live daemon's warm boxes: its own
    children (each box's `serve`, which lives as long as its daemon) and
    each serve's one child (the init it made for the box's next run, which
    waits for the request). Also: how many serves there are, and the pids
    of those inits."""
    out, info = [], {}
    for p in filter(str.isdigit, os.listdir("/proc")):
        i = proc(p)
        if i:
            info[int(p)] = i
    serves = {p for p, (ppid, _, exe) in info.items() if exe == HELPER and live is not None and ppid == live}
    inits = {p for p, (ppid, _, exe) in info.items() if exe == HELPER and ppid in serves}
    inits = {p for p in inits if sum(1 for q in inits if info[q][0] == info[p][0]) == 1}
    for p, (ppid, uid, exe) in info.items():
        if p in serves or p in inits:
            continue
        try:
            cmd = open(f"/proc/{p}/cmdline", "rb").read().replace(b"\0", b" ")[:100]
        except OSError:
            cmd = b""
        if exe == HELPER or (exe == JUDGEBOXD and p != live) or FIRST_UID <= uid < FIRST_UID + HELPER_BOXES:
            out.append(f"pid {p} (parent {ppid}) uid {uid} {exe}: {cmd!r}")
    return out, len(serves), inits


def mounts():
    """Mounts under the prefix but each box's one tmpfs."""
    pts = [line.split()[4] for line in open("/proc/self/mountinfo") if line.split()[4].startswith(JB + "/")]
    boxre = re.compile(re.escape(JB) + r"/boxes/\d+/box")
    extra = [m for m in pts if not boxre.fullmatch(m)]
    stacked = [m for m, n in collections.Counter(pts).items() if n > 1]
    return extra + [f"{m} mounted {pts.count(m)} times" for m in stacked]


def cgroups(inits=frozenset()):
    """Box cgroups left under the prefix's cgroup, in every hierarchy, but
    those holding nothing but one of INITS (a warm box's next init)."""
    out = []
    for h in glob.glob(f"/sys/fs/cgroup/*/{CGROUP}") + glob.glob(f"/sys/fs/cgroup/{CGROUP}"):
        for e in os.listdir(h):
            if not os.path.isdir(f"{h}/{e}"):
                continue
            try:
                procs = {int(x) for x in open(f"{h}/{e}/cgroup.procs").read().split()}
            except OSError:
                procs = set()
            if len(procs) != 1 or not procs <= inits:
                out.append(f"{h}/{e}: processes {sorted(procs)}")
    return out


def box_cpu():
    """CPU seconds charged to the prefix's cgroup (every box's run is a
    child of it: cgroup v1 cpuacct charges ancestors too; v2 cpu.stat)."""
    try:
        return int(open(f"/sys/fs/cgroup/cpuacct/{CGROUP}/cpuacct.usage").read()) / 1e9
    except OSError:
        pass
    try:
        for line in open(f"/sys/fs/cgroup/{CGROUP}/cpu.stat"):
            if line.startswith("usage_usec"):
                return int(line.split()[1]) / 1e6
    except OSError:
        pass
    return None


def box_files():
    out = []
    for b in sorted(glob.glob(f"{JB}/boxes/*/box")):
        left = os.listdir(b)
        if left:
            out.append(f"{b}: {_short(left, 200)}")
    return out


def check_left(d, when):
    """Nothing of the jobs, the helpers or the killed daemons is left."""
    live = d.pid()
    left, served, inits = [], 0, set()
    for _ in range(50):                  # a box being cleaned may take a moment
        left, served, inits = processes(live)
        if not left:
            break
        time.sleep(0.1)
    ok(not left, f"{when}: no box process, no killed daemon, no helper but the live daemon's "
       f"{served} warm boxes (a serve and the init it made ahead: {len(inits)})" if live
       else f"{when}: no helper, box process or daemon is left", *left[:10])
    m = mounts()
    ok(not m, f"{when}: no mount under the prefix but each box's one tmpfs", *m[:10])
    cg = cgroups(inits)
    ok(not cg, f"{when}: no box cgroup is left (/sys/fs/cgroup/*/{CGROUP}/)"
       + (" but those of the inits made ahead" if live else ""), *cg[:10])
    bf = box_files()
    ok(not bf, f"{when}: every box is empty", *bf[:10])


def idle(timeout=60):
    end = time.monotonic() + timeout
    h = {}
    while time.monotonic() < end:
        h = health() or {}
        if get(h, "boxes", "busy") == 0 and get(h, "queue", "length") == 0 and get(h, "queue", "running") == 0:
            break
        time.sleep(0.2)
    return h


def print_tally(d, tally, t0):
    kinds = tally.get("kinds", collections.Counter())
    groups = collections.Counter()
    for k, n in kinds.items():
        groups["hostile" if k.startswith("h_") else k.split("_")[0] if k.startswith(("test", "sub")) else "run"] += n
    note(f"tally: seed {SEED}; {JOBS} requests from {CLIENTS} clients; {tally.get('accepted', 0)} jobs accepted: "
         + ", ".join(f"{k} {n}" for k, n in sorted(groups.items())))
    note("tally: per kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    note(f"tally: kills {tally['kills']} ({tally['quick_kills']} right after a restart), restarts "
         f"{tally['restarts']}; the clients saw {tally.get('drops', 0)} "
         f"drops, resent {tally.get('retries', 0)} requests, looked {tally.get('lookups', 0)} up by label "
         f"({tally.get('found_by_label', 0)} found), resent {tally.get('blind_retries', 0)} blindly "
         f"({tally.get('doubled', 0)} second jobs), re-sent {tally.get('regets', 0)} gets; "
         f"{tally['attempts>1']} jobs ran again after a kill")
    note(f"tally: idem: {tally.get('idem_keys', 0)} keys, {tally.get('idem_dups', 0)} dup replies to retries, "
         f"{tally.get('idem_resent', 0)} deliberate resends ({tally['resent_after_restart']} after a restart), "
         f"{tally['conflicts']} conflicts")
    note(f"tally: verdict matches {tally['verdict_matches']} of {tally.get('accepted', 0)}; "
         f"events {tally['events']}, terminal ones for {tally['terminal_jobs']} jobs")
    rss = [life["rss_max_kb"] for life in d.lives]
    note(f"tally: max RSS {max(rss) / 1024:.1f} MiB (bound {RSS_BOUND_KB / 1024:.0f} MiB); per start: "
         + " ".join(f"{r / 1024:.1f}" for r in rss))
    cpu = sum(life["cpu_s"] for life in d.lives)
    jobs = (box_cpu() - tally["box_cpu0"]) if tally["box_cpu0"] is not None else float("nan")
    note(f"tally: time {time.monotonic() - t0:.0f} s; CPU: the jobs (and compilers) {jobs:.0f} s in their boxes, "
         f"the daemons {cpu:.0f} s, the helpers outside the boxes not counted")


def main():
    t0 = time.monotonic()
    rng = random.Random(SEED)
    note(f"soak: {JOBS} requests, {CLIENTS} clients, {KILLS} kills, seed {SEED} (SOAK_SEED to repeat)")
    d = Daemon()
    stop = threading.Event()
    terminal, seqs, counts = collections.defaultdict(list), collections.defaultdict(list), collections.Counter()
    tally = collections.Counter(client_stats=[])
    threads = [threading.Thread(target=sampler, args=(d, stop), daemon=True),
               threading.Thread(target=watch_events, args=(terminal, seqs, counts, stop), daemon=True)]
    procs = []
    try:
        if not ok(d.start(), "judgeboxd starts"):
            return
        for t in threads:
            t.start()
        c = Conn()
        rep = c.call({"op": "languages"}, 60)
        langs = {l["id"] for l in get(rep, "languages", default=[]) if l.get("available")}
        if not ok({"c", "python3", "bash"} <= langs, "languages: c, python3 and bash are available", _short(rep)):
            return
        rep = c.call({"op": "problem_import", "problem": "sum", "path": PKG}, 120)
        ok(get(rep, "ok") is True, "problem_import sum (tests/packages/sum)", _short(rep))
        c.close()
        items = make_plan(rng, langs)
        tally["box_cpu0"] = box_cpu()
        note(f"languages used: {sorted(langs & {'c', 'cpp', 'python3', 'bash'})}")
        procs = start_clients(items)
        if not soak(d, rng, procs, tally):
            return
        is_(tally["kills"], KILLS, f"judgeboxd was killed with SIGKILL {KILLS} times during the soak")
        is_(tally["restarts"], tally["kills"], "and restarted each time")
        is_(tally["strays"], 0, "once a restarted daemon answers, nothing the killed one started runs on "
            "(no helper or box process but its own)")
        results = {}
        for k in range(CLIENTS):
            try:
                out = msgpack.unpackb(open(f"{WORK}/out.{k}", "rb").read(), strict_map_key=False)
            except OSError:
                out = {"entries": [], "stats": {}}
            tally["client_stats"].append(out["stats"])
            results.update({e["n"]: e for e in out["entries"]})
        check_clients(procs, results, tally)
        ok(len(results) == JOBS, f"the clients reported on all {JOBS} requests", len(results))
        if len(results) != JOBS:
            return
        h = idle()
        time.sleep(0.5)                  # the last events
        tally["events"] = counts["events"]
        tally["terminal_jobs"] = len(terminal)
        ok(get(h, "boxes", "busy") == 0 and get(h, "queue", "length") == 0,
           "at the end nothing is queued, running or in a box (health)", _short(h))
        c = Conn()
        listed = list_all(c)
        c.close()
        check_store(items, results, listed, tally)
        check_idem(items, results, listed, tally)
        check_jobs(items, results, terminal, tally)
        bad = [f"job {j}: seq {_short(s, 200)}" for j, s in seqs.items() if any(a >= b for a, b in zip(s, s[1:]))]
        ok(not bad, f"each job's events came in seq order, no seq twice, across the restarts (11.1, 11.2: "
           f"{tally['events']} events)", *bad[:10])
        check_left(d, "with the daemon idle")
        stop.set()
        rss_max = max(life["rss_max_kb"] for life in d.lives)
        if os.environ.get("SANITIZE"):
            ok(True, f"# SKIP the RSS bound: a sanitized daemon's RSS is ASan's shadow memory and quarantine "
               f"(max {rss_max / 1024:.1f} MiB)")
        else:
            ok(0 < rss_max <= RSS_BOUND_KB, f"the daemon's RSS stayed under {RSS_BOUND_KB // 1024} MiB "
               f"(max {rss_max / 1024:.1f} MiB over {len(d.lives)} starts)")
        is_(d.term(), 0, "judgeboxd exits 0 on SIGTERM after the soak")
        check_left(d, "after the daemon's exit")
        log = open(LOG, errors="replace").read()
        bad = [line for line in log.splitlines() if re.search(r"assert|Segmentation|AddressSanitizer|runtime error", line)]
        ok(not bad, "no crash or assertion in the daemon's log", *bad[:5])
        tally["stale_helpers"] = log.count("left by a previous daemon")
        note(f"tally: {tally['stale_helpers']} helpers of killed daemons ended by the next daemon (spawn_kill_stale)")
        print_tally(d, tally, t0)
    finally:
        stop.set()
        for t in threads:
            if t.is_alive():
                t.join()
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        d.kill9()


if __name__ == "__main__":
    run_phase("soak", main, lambda: CTX.destroy(linger=0))
