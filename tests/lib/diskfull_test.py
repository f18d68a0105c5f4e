#!/usr/bin/python3
"""diskfull_test.py main: judgeboxd with its state directory on a small
tmpfs that fills up while jobs are accepted and waiting (issue 11, defect
1), through the real sockets. Driven by tests/diskfull.t, which mounts the
tmpfs ($DF), imports nothing and starts the daemon.

The jobs: two sleepers hold both boxes; behind them a C run (a compile),
a Python print(1), a `test` of a C program with two inline tests, and two
`submit`s of the package `sum` (accepted and wrong_answer). The disk is
then filled with one file (dd), for FILL_S seconds, during which two more
runs are sent, health and the store's own view (list) are compared, and
the daemon's log is counted; then the file goes. Every job must end with
its right result, or `failed` with status internal_error and a message:
never `judged` with anything else. New runs must then succeed.

TAP numbered on from the count in $PT_DIR/n (tests/lib/phasetap.py). Every
program here is only ever submitted to the daemon, which runs it in a box.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jbclient  # noqa: E402
from phasetap import _short, get, is_, note, ok, run_phase  # noqa: E402

EP = os.environ["JUDGEBOX_ENDPOINT"]
DF = os.environ["DF"]			# the state directory, a small tmpfs
LOG = os.environ["JD_LOG"]		# the daemon's stderr
PKG = os.environ["PKG"]			# the package sum, readable by the daemon
FILL_S = float(os.environ.get("FILL_S", "8"))
LOG_MAX = int(os.environ.get("LOG_MAX", "60"))
TERMINAL = ("judged", "cancelled", "failed")
C = None


def call(req, timeout=30):
    return C.call(req, timeout)


SUM_C = b"""#include <stdio.h>
int main(void)
{
	int a, b;
	if (scanf("%d %d", &a, &b) != 2)
		return 3;
	printf("sum %d\\n", a + b);
	return 0;
}
"""
TWICE_C = b"""#include <stdio.h>
int main(void)
{
	long n;
	if (scanf("%ld", &n) != 1)
		return 3;
	printf("%ld\\n", 2 * n);
	return 0;
}
"""
SLEEP_PY = b"import time\ntime.sleep(2.5)\nprint('woke')\n"


def src(path):
    return open(os.path.join(PKG, "submissions", path), "rb").read()


# Each job: its request and what its right end is (a function of the job
# that returns a list of what is wrong, [] if it is right).
def want_run(stdout, compiled):
    def check(job):
        why = []
        r = job.get("result") or {}
        if r.get("status") != "ok" or r.get("exit_code") != 0:
            why.append(f"status {r.get('status')} exit {r.get('exit_code')}, want ok 0")
        if r.get("stdout") != stdout:
            why.append(f"stdout {r.get('stdout')!r}, want {stdout!r}")
        if compiled and get(r, "compile", "status") != "ok":
            why.append(f"compile {_short(r.get('compile'), 200)}, want a compile section with status ok")
        return why
    return check


def want_verdict(verdict, ntests):
    def check(job):
        why = []
        r = job.get("result") or {}
        if r.get("verdict") != verdict:
            why.append(f"verdict {r.get('verdict')!r}, want {verdict!r}")
        tests = r.get("tests") or []
        if verdict == "accepted" and (len(tests) != ntests or
                                      any(t.get("verdict") != "accepted" for t in tests)):
            why.append(f"tests {_short(tests, 300)}, want {ntests} accepted")
        return why
    return check


def jobs_spec():
    lim = {"wall_ms": 6000}
    return [
        ("sleeper 1", {"op": "run", "lang": "python3", "source": SLEEP_PY, "limits": lim},
         want_run(b"woke\n", False)),
        ("sleeper 2", {"op": "run", "lang": "python3", "source": SLEEP_PY, "limits": lim},
         want_run(b"woke\n", False)),
        ("C run (a compile)", {"op": "run", "lang": "c", "source": SUM_C, "stdin": b"20 22\n"},
         want_run(b"sum 42\n", False)),
        ("Python print(1)", {"op": "run", "lang": "python3", "source": b"print(1)\n"},
         want_run(b"1\n", False)),
        ("test: a C program, two inline tests",
         {"op": "test", "lang": "c", "source": TWICE_C, "mode": "all",
          "tests": [{"name": "three", "input": b"3\n", "answer": b"6\n"},
                    {"name": "five", "input": b"5\n", "answer": b"10\n"}]},
         want_verdict("accepted", 2)),
        ("submit sum accepted/sum.c", {"op": "submit", "problem": "sum", "lang": "c",
                                       "source": src("accepted/sum.c")},
         want_verdict("accepted", 6)),
        ("submit sum wrong_answer/int32.c", {"op": "submit", "problem": "sum", "lang": "c",
                                             "source": src("wrong_answer/int32.c"),
                                             "mode": "all"},
         want_verdict("wrong_answer", 6)),
    ]


def end_ok(name, job, check):
    """A job that ended: its right result, or failed/internal_error with a
    message; never judged with another result."""
    state, r = job.get("state"), job.get("result") or {}
    if state == "failed":
        return ok(r.get("status") == "internal_error" and bool(job.get("message") or r.get("message")),
                  f"{name}: failed with internal_error and a message "
                  f"({(job.get('message') or r.get('message') or '')[:90]!r})", _short(job, 1500))
    why = check(job) if state == "judged" else [f"state {state}, want judged or failed"]
    return ok(not why, f"{name}: {state} with its right result", *why, _short(job, 1500))


def log_lines():
    try:
        with open(LOG, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def fill():
    """Fill the tmpfs: one file, written until ENOSPC."""
    subprocess.run(["dd", "if=/dev/zero", f"of={DF}/filler", "bs=64k"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    st = os.statvfs(DF)
    return st.f_bavail * st.f_frsize


def active():
    """The unfinished jobs as the store has them (list): (queued, in a box)."""
    rep = call({"op": "list", "state": ["queued", "compiling", "running"], "limit": 100})
    js = get(rep, "jobs", default=None)
    if js is None:
        return None
    return (sum(j.get("state") == "queued" for j in js),
            sum(j.get("state") != "queued" for j in js))


def health_sample():
    """health's queue length and running, between two equal views of the
    store; None if the jobs moved in between."""
    a = active()
    h = call({"op": "health"})
    b = active()
    if a is None or a != b or not get(h, "ok"):
        return None
    return (get(h, "queue", "length"), get(h, "queue", "running")), a


def wait_end(jid, timeout):
    end = time.monotonic() + timeout
    job = None
    while time.monotonic() < end:
        rep = call({"op": "get", "id": jid, "wait": True,
                    "wait_ms": int(max(1, min(5, end - time.monotonic())) * 1000)}, timeout=10)
        job = get(rep, "job", default=job)
        if job and job.get("state") in TERMINAL:
            return job
    return job


def main():
    global C
    C = jbclient.Client(EP, v=2)
    rep = call({"op": "problem_import", "problem": "sum", "path": PKG}, timeout=60)
    if not ok(get(rep, "ok") is True, "problem_import sum (before the disk fills)", _short(rep)):
        return
    rep = call({"op": "run", "lang": "python3", "source": b"print(7)\n", "wait": True}, timeout=60)
    ok(get(rep, "job", "result", "stdout") == b"7\n", "a run before the disk fills is judged right",
       _short(rep))

    spec = jobs_spec()
    ids = []
    for name, req, _ in spec:
        rep = call(req)
        jid = get(rep, "job", "id")
        if not ok(jid is not None, f"{name}: accepted before the disk fills", _short(rep)):
            return
        ids.append(jid)
        if name == "sleeper 2":
            time.sleep(0.5)		# both sleepers in their boxes first
    l0 = log_lines()
    t0 = time.monotonic()
    left = fill()
    note(f"the state directory is full ({left} bytes left); jobs queued: {len(ids) - 2}")

    extra, samples = [], []
    while time.monotonic() - t0 < FILL_S:
        if len(extra) < 2 and time.monotonic() - t0 > 1.5 * (len(extra) + 1):
            rep = call({"op": "run", "lang": "python3",
                        "source": f"print({len(extra) + 100})\n".encode()})
            extra.append((len(extra), rep))
        s = health_sample()
        if s:
            samples.append(s)
        time.sleep(0.4)
    l1 = log_lines()
    os.unlink(f"{DF}/filler")
    note(f"space freed after {time.monotonic() - t0:.1f} s; {l1 - l0} log lines in the window")

    ok(l1 - l0 <= LOG_MAX, f"no tight loop: {l1 - l0} log lines in {FILL_S:.0f} s of a full disk "
       f"(at most {LOG_MAX})")
    bad = [s for s in samples if s[0] != s[1]]
    ok(samples and not bad,
       f"health's queue (length, running) matches the store's unfinished jobs "
       f"({len(samples)} quiet samples while full)",
       f"mismatches (health, store): {bad[:5]}", f"samples: {samples[:8]}")

    for k, rep in extra:
        if get(rep, "ok") is True:
            spec.append((f"run sent while full {k}", None, want_run(f"{k + 100}\n".encode(), False)))
            ids.append(get(rep, "job", "id"))
        else:
            is_(get(rep, "error", "code"), "unavailable",
                f"run sent while full {k}: refused as unavailable")

    for (name, _, check), jid in zip(spec, ids):
        job = wait_end(jid, 40)
        if not job or job.get("state") not in TERMINAL:
            ok(False, f"{name}: ended after space returned", _short(job, 800))
            continue
        end_ok(name, job, check)

    s = health_sample()
    is_(s and s[0], (0, 0), "health: nothing queued or running at the end", _short(s))
    rep = call({"op": "run", "lang": "c", "source": SUM_C.replace(b"sum %d", b"total %d"),
                "stdin": b"1 2\n", "wait": True}, timeout=60)
    j = get(rep, "job", default={})
    ok(j.get("state") == "judged" and not want_run(b"total 3\n", True)(j),
       "after space returns, a new C run (a fresh compile) is judged right", _short(rep, 1200))
    rep = call({"op": "run", "lang": "python3", "source": b"print(2 + 2)\n", "wait": True},
               timeout=60)
    ok(get(rep, "job", "result", "stdout") == b"4\n",
       "after space returns, a new Python run is judged right", _short(rep, 1200))


if __name__ == "__main__":
    run_phase(sys.argv[1] if len(sys.argv) > 1 else "main", main, lambda: None)
