#!/usr/bin/python3
"""judge_test.py PHASE: judgeboxd's judging (`test`, PROTOCOL.md section 14,
protocol version 2) through the real sockets. Driven by tests/judge.t,
which starts, kills and restarts the daemon between the phases:

  main     every verdict, in C and in Python 3; first_failure and all;
           one compile per job; the comparison modes; bad requests; v 2;
           keep false; the `test` events (14.3); a 5 MiB test
  crash1   a test job in its third test, then kill -9 of the daemon
  crash2   (after the restart) that job ran again from its first test,
           attempt 2, each test once in its result

Prints TAP test lines numbered on from the count in $PT_DIR/n and writes the
new count back there; judge.t prints the plan. Run with /usr/bin/python3
(Debian's python3-zmq and python3-msgpack). Every program below is only ever
submitted to the daemon, which runs it in a box.
"""
import os
import random
import re
import signal
import sys
import time

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phasetap import _short, get, is_, load_data, note, ok, run_phase, save_data  # noqa: E402

PROTO_V = 3		# the version judgeboxd speaks (`test` needs 2)
EP = os.environ["JUDGEBOX_ENDPOINT"]
EV = os.environ["JUDGEBOX_EVENTS"]
CTX = zmq.Context.instance()
TERMINAL = ("judged", "cancelled", "failed")

# ---- TAP (tests/lib/phasetap.py) and error replies ----


def is_err(rep, code, name, field=None, **more):
    """rep is an error reply with this code (and field, and other error
    fields, when given)."""
    e = get(rep, "error", default={})
    why = []
    if rep is None:
        why.append("no reply")
    elif rep.get("ok") is not False:
        why.append("ok is not false")
    if e.get("code") != code:
        why.append(f"code {e.get('code')!r}, want {code!r}")
    if field is not None and e.get("field") != field:
        why.append(f"field {e.get('field')!r}, want {field!r}")
    for k, want in more.items():
        if e.get(k) != want:
            why.append(f"error.{k} {e.get(k)!r}, want {want!r}")
    return ok(not why, name, *why, f"reply: {_short(rep)}")


# ---- the client ----

V_SEEN = []	# the v of every reply, for the check that it is 2


class Client:
    """A DEALER in the canonical form ([""][body])."""

    def __init__(self):
        self.s = CTX.socket(zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(EP)
        self.pending = {}
        self.rid = 0

    def send(self, req):
        self.rid += 1
        self.s.send_multipart([b"", msgpack.packb(dict(req, rid=self.rid))])
        return self.rid

    def wait(self, rid, timeout=60):
        end = time.monotonic() + timeout
        while rid not in self.pending:
            if not self.s.poll(max(0, int((end - time.monotonic()) * 1000))):
                return None
            rep = msgpack.unpackb(self.s.recv_multipart()[-1])
            V_SEEN.append(rep.get("v"))
            self.pending[rep.get("rid")] = rep
        return self.pending.pop(rid)

    def call(self, req, timeout=60):
        return self.wait(self.send(req), timeout)

    def close(self):
        self.s.close()


C = None


def call(req, timeout=60):
    return C.call(req, timeout)


class Sub:
    """A SUB socket on every job's events ("job."), subscribed at once so
    that it takes effect before the jobs it watches are submitted."""

    def __init__(self):
        self.s = CTX.socket(zmq.SUB)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(EV)
        self.s.setsockopt(zmq.SUBSCRIBE, b"job.")
        time.sleep(0.3)

    def take(self, jid, timeout=30, stop=None):
        """Events of job jid until a terminal state event (or one for which
        stop(payload) is true): a list of (arrival time, number of frames,
        topic, payload)."""
        evs, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.s.poll(100):
                continue
            fr = self.s.recv_multipart()
            t = time.monotonic()
            try:
                p = msgpack.unpackb(fr[-1])
            except Exception:  # noqa: BLE001 - kept, checked by the caller
                p = {}
            if p.get("id") != jid:
                continue
            evs.append((t, len(fr), fr[0], p))
            if (p.get("event") == "state" and p.get("state") in TERMINAL) or (stop and stop(p)):
                break
        return evs

    def close(self):
        self.s.close()


def test_req(lang, source, tests, wait=True, **kw):
    """A test request (v 2); tests are (name, input, answer) triples."""
    req = {"op": "test", "v": PROTO_V, "lang": lang, "source": source,
           "tests": [{"name": n, "input": i, "answer": a} for n, i, a in tests]}
    if wait:
        req["wait"] = True
    req.update(kw)
    return req


def judge(lang, source, tests, timeout=90, **kw):
    """Judge and wait: the ended job ({} if none came)."""
    return get(call(test_req(lang, source, tests, **kw), timeout), "job", default={})


def tests_of(job):
    return get(job, "result", "tests", default=[]) or []


def by_name(job):
    return {t.get("name"): t for t in tests_of(job)}


# ---- programs (only ever run by the daemon, in a box) ----

# Each behaves as the first word of its input says.
C_MULTI = rb"""#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(void)
{
	char w[32] = "";
	static char b[65536];
	if (scanf("%31s", w) != 1)
		return 9;
	if (!strcmp(w, "ok"))
		puts("42");
	else if (!strcmp(w, "wa"))
		puts("1 2\n3 4\n5 7");
	else if (!strcmp(w, "cpu"))
		for (volatile unsigned long n = 0;; n++)
			;
	else if (!strcmp(w, "wall"))
		sleep(10);
	else if (!strcmp(w, "mem")) {
		size_t n = 200u << 20;
		char *p = malloc(n);
		if (!p)
			return 7;
		for (size_t i = 0; i < n; i += 4096)
			p[i] = 1;
		return p[4096] + 10;
	} else if (!strcmp(w, "out")) {
		memset(b, 'x', sizeof b);
		for (int i = 0; i < 64; i++)
			fwrite(b, 1, sizeof b, stdout);
	} else if (!strcmp(w, "exit"))
		return 3;
	else if (!strcmp(w, "abort"))
		abort();
	else if (!strcmp(w, "ptrace"))	/* not in strict.policy */
		return syscall(SYS_ptrace, 16, 42, 0, 0, 0, 0) < 0 ? 4 : 5;
	return 0;
}
"""
PY_MULTI = rb"""import os, signal, sys, time
w = sys.stdin.read().split()[0]
if w == "ok":
    print(42)
elif w == "wa":
    print("1 2\n3 4\n5 7")
elif w == "cpu":
    while True:
        pass
elif w == "wall":
    time.sleep(10)
elif w == "mem":
    b = b"x" * (200 << 20)
elif w == "out":
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)   # Python ignores it
    sys.stdout.write("x" * (4 << 20))
    sys.stdout.flush()
elif w == "exit":
    sys.exit(3)
elif w == "abort":
    os.abort()
"""
# (name, input, answer, the verdict, the helper's status)
MULTI = [("ok", b"ok\n", b"42\n", "accepted", "ok"),
         ("wa", b"wa\n", b"1 2\n3 4\n5 6\n", "wrong_answer", "ok"),
         ("cpu", b"cpu\n", b"", "time_limit", "cpu_limit"),
         ("wall", b"wall\n", b"", "time_limit", "wall_limit"),
         ("mem", b"mem\n", b"", "memory_limit", "memory_limit"),
         ("out", b"out\n", b"", "output_limit", "output_limit"),
         ("exit", b"exit\n", b"", "runtime_error", "exit"),
         ("abort", b"abort\n", b"", "runtime_error", "signal"),
         ("ptrace", b"ptrace\n", b"", "security_violation", "violation")]
# cpu_ms leaves room for filling 200 MiB in a 64 MiB cgroup (Python: some
# 300 ms of CPU) before the memory limit ends it.
MULTI_LIMITS = {"cpu_ms": 1000, "wall_ms": 2000, "memory_kb": 65536, "fsize_kb": 1024}

PY_ECHO = b"import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read())\n"
PY_SUM = b"a, b = map(int, input().split())\nprint(a + b)\n"
C_SUM = b"""#include <stdio.h>
int main(void)
{
	long a, b;
	while (scanf("%ld %ld", &a, &b) == 2)
		printf("%ld\\n", a + b);
	return 0;
}
"""
# Leaves marks in the box (write), or says which it finds (check).
PY_MARKS = b"""import os, sys
marks = ("/tmp/mark", "mark", "/dev/shm/mark")
if sys.stdin.read().split()[0] == "write":
    n = 0
    for p in marks:
        try:
            open(p, "w").write("x")
            n += 1
        except OSError:
            pass
    print("wrote", n)
else:
    print(" ".join(p for p in marks if os.path.exists(p)) or "clean")
"""
C_BAD = b"#include <stdio.h>\nint main(void)\n{\n\treturn x;\n}\n"


def py_sleep_echo(sec):
    return (f"import sys, time\ntime.sleep({sec})\n"
            "sys.stdout.buffer.write(sys.stdin.buffer.read())\n").encode()


def c_heavy(tag, n=80):
    """A C echo whose compile takes a while (some 0.5 s of gcc -O2), new
    text each time (no compile cache can skip it)."""
    fns = "".join(f"int f{i}(int x) {{ int s = {i}; for (int k = 0; k < x; k++) "
                  f"s += (k * {i}) ^ (s >> {i % 7 + 1}); return s; }}\n" for i in range(n))
    return (f"/* {tag} */\n#include <stdio.h>\n{fns}"
            "int main(void) { int c; while ((c = getchar()) != EOF) putchar(c); return 0; }\n").encode()


# ---- phase main ----

TEST_FIELDS = {"name": str, "verdict": str, "status": str, "cpu_ms": int, "wall_ms": int,
               "memory_kb": int, "exit_code": int, "signal": int}


def t_accepted():
    note("accepted (C): the job object of a test job (14.1)")
    rep = call(test_req("c", C_SUM, [("one", b"1 2\n", b"3\n"), ("neg", b"-5 2\n", b"-3\n"),
                                     ("two", b"1 1\n2 2\n", b"2\n4\n")], mode="all", label="judge-acc"))
    job = get(rep, "job", default={})
    res = job.get("result", {})
    ok(get(rep, "ok") is True and rep.get("v") == PROTO_V and job.get("kind") == "test"
       and job.get("state") == "judged", "test with wait: ok, v 2, kind test, judged", _short(rep))
    ok(res.get("verdict") == "accepted" and res.get("status") == "ok" and "first_failure" not in res,
       "every test passes: verdict accepted, status ok, no first_failure", _short(res))
    ok(not {"stdout", "stderr", "exit_code", "signal", "stdout_bytes"} & set(res),
       "the result has no stdout, stderr or exit_code of its own (14.1)", _short(res))
    ts = tests_of(job)
    is_([t.get("name") for t in ts], ["one", "neg", "two"], "tests: one map per test, in the order given")
    why = [f"{t.get('name')}.{k}: {t.get(k)!r}" for t in ts for k, ty in TEST_FIELDS.items()
           if type(t.get(k)) is not ty]
    ok(ts and not why and all(t["verdict"] == "accepted" and t["status"] == "ok" and t["exit_code"] == 0
                              and t["signal"] == 0 for t in ts),
       "each test: name, verdict accepted, status ok, exit_code 0, signal 0, cpu_ms, wall_ms, memory_kb",
       *why, _short(ts))
    comp = res.get("compile")
    ok(isinstance(comp, dict) and comp.get("status") == "ok" and not any("compile" in t for t in ts),
       "the compile map appears once, in the result, not per test", _short(res))
    jid = job.get("id")
    g = get(call({"op": "get", "id": jid, "output": False}), "job", "result", default={})
    ok(g.get("verdict") == "accepted" and "tests" not in g,
       "get with output false: verdict, without tests", _short(g))
    lst = get(call({"op": "list", "label": "judge-acc", "kind": "test"}), "jobs", default=[])
    ok([j.get("id") for j in lst] == [jid] and get(lst, 0, "result", "verdict") == "accepted"
       and "tests" not in get(lst, 0, "result", default={}),
       "list kind test: the job, with its verdict, without tests (a summary)", _short(lst))
    return jid


def t_verdicts(lang, src, cases):
    note(f"every verdict in {lang}, one job, mode all")
    t0 = time.monotonic()
    job = judge(lang, src, [c[:3] for c in cases], mode="all", limits=MULTI_LIMITS)
    note(f"{lang}: {time.monotonic() - t0:.1f} s; {[(t.get('name'), t.get('verdict'), t.get('status')) for t in tests_of(job)]}")
    res, bn = job.get("result", {}), by_name(job)
    is_([t.get("name") for t in tests_of(job)], [c[0] for c in cases],
        f"{lang}, mode all: every test ran and is in the result, in order", _short(job))
    for name, _, _, verdict, status in cases:
        t = bn.get(name, {})
        extra, more = True, ""
        if name == "wa":
            m = t.get("message", "")
            extra = re.search(r"\bline 3\b.*\btoken 2\b", m) and '"6"' in m and '"7"' in m
            more = ", message names line 3, token 2, \"6\" and \"7\""
        elif name == "exit":
            extra, more = t.get("exit_code") == 3, ", exit_code 3"
        elif name == "abort":
            extra, more = t.get("signal") == 6, ", signal 6"
        elif name == "ptrace":
            extra, more = get(t, "violation", "syscall") == "ptrace", ", violation.syscall ptrace"
        elif name == "wall":
            extra, more = t.get("wall_ms", 0) >= 1900, ", wall_ms >= 1900"
        elif name == "cpu":
            extra, more = t.get("cpu_ms", 0) >= 900, ", cpu_ms >= 900"
        ok(t.get("verdict") == verdict and t.get("status") == status and extra,
           f"{lang} {name}: {verdict} (status {status}{more})", _short(t))
    ok(res.get("verdict") == "wrong_answer" and res.get("first_failure") == "wa" and res.get("status") == "ok",
       f"{lang}: the job's verdict is the first failing test's (wrong_answer, first_failure wa, status ok)",
       _short(res))


def t_compile_error():
    note("compile_error")
    job = judge("c", C_BAD, [("a", b"", b"")])
    res = job.get("result", {})
    out = get(res, "compile", "output", default=b"")
    ok(res.get("verdict") == "compile_error" and res.get("status") == "compile_error"
       and re.search(rb"main\.c:4:\d+: error", out) and not tests_of(job),
       "a compile error: verdict and status compile_error, compile.output names main.c:4, no test ran",
       _short(res))


def t_first_failure():
    note("first_failure vs all")
    cases = [("t1", b"ok\n", b"42\n"), ("t2", b"ok\n", b"42\n"), ("t3", b"exit\n", b""),
             ("t4", b"ok\n", b"42\n"), ("t5", b"wa\n", b"")]
    sub = Sub()
    jid = get(call(test_req("c", C_MULTI, cases, wait=False)), "job", "id")
    evs = sub.take(jid, 30)
    sub.close()
    ff = get(call({"op": "get", "id": jid}), "job", default={})
    res = ff.get("result", {})
    ok([t.get("name") for t in tests_of(ff)] == ["t1", "t2", "t3"] and res.get("first_failure") == "t3"
       and res.get("verdict") == "runtime_error" and res.get("status") == "exit",
       "mode first_failure (the default): t1-t3 ran, t4 and t5 absent; first_failure t3, runtime_error, status exit",
       _short(res))
    tev = [(p.get("index"), p.get("total"), get(p, "test", "verdict")) for _, _, _, p in evs
           if p.get("event") == "test"]
    is_(tev, [(1, 5, "accepted"), (2, 5, "accepted"), (3, 5, "runtime_error")],
        "its test events: index 1-3 of total 5, the last one runtime_error; none for t4, t5")
    al = judge("c", C_MULTI, cases, mode="all")
    res = al.get("result", {})
    ok([(t.get("name"), t.get("verdict")) for t in tests_of(al)]
       == [("t1", "accepted"), ("t2", "accepted"), ("t3", "runtime_error"), ("t4", "accepted"),
           ("t5", "wrong_answer")]
       and res.get("first_failure") == "t3" and res.get("verdict") == "runtime_error",
       "mode all: every test present; the verdict is the first failing test's (t3), not the last", _short(res))


def t_clean_box():
    note("each test in a freshly cleaned box")
    job = judge("python3", PY_MARKS, [("write", b"write", b"wrote 3"), ("check", b"check", b"clean")], mode="all")
    ok([(t.get("name"), t.get("verdict")) for t in tests_of(job)] == [("write", "accepted"), ("check", "accepted")],
       "a test's files in /box, /tmp and /dev/shm are gone when the next test runs (14.1)",
       _short(tests_of(job)))


def t_compile_once():
    note("one compile per job")
    sub = Sub()
    tag = f"{os.getpid()}-{time.time()}"
    one = judge("c", c_heavy(tag + "a"), [("x", b"a\n", b"a\n")])
    w1 = get(one, "result", "compile", "wall_ms", default=0)
    rep = call(test_req("c", c_heavy(tag + "b"), [(f"t{i:02d}", b"%d\n" % i, b"%d\n" % i) for i in range(10)],
                        wait=False, mode="all"))
    jid = get(rep, "job", "id")
    evs = sub.take(jid, 60)
    sub.close()
    ten = get(call({"op": "get", "id": jid}), "job", default={})
    d10 = (ten.get("finished_at") or 0) - (ten.get("started_at") or 0)
    states = [p.get("state") for _, _, _, p in evs if p.get("event") == "state"]
    note(f"one compile: {w1} ms of wall; the 10-test job took {d10} ms; its states {states}")
    ok(get(ten, "result", "verdict") == "accepted" and len(tests_of(ten)) == 10
       and states.count("compiling") == 1,
       "a 10-test C job: accepted, 10 tests, one 'compiling' state event", _short(states))
    ok(w1 >= 100 and 0 < d10 < 4 * w1,
       f"and it took far less than 10 compiles: {d10} ms from box to end, under 4 x one compile's {w1} ms")


def t_compare():
    note("comparison modes (echo: the output is the test's input)")
    E = "python3"
    groups = [  # (what, compare, [(name, output, answer, verdict)])
        ("default", None, [
            ("case", b"Hello   WORLD\n", b"hello world\n", "accepted"),
            ("space", b"1\n2  3\t4\n\n", b"1 2 3 4", "accepted"),
            ("token", b"abc def\n", b"abc deg\n", "wrong_answer"),
            ("nofloat", b"1.0000001\n", b"1.0\n", "wrong_answer"),
            ("extra", b"1 2 3\n", b"1 2\n", "wrong_answer")]),
        ("default float_tolerance 1e-6", {"mode": "default", "float_tolerance": 1e-6}, [
            ("at", b"0.000001\n", b"0\n", "accepted"),
            ("atneg", b"-0.000001\n", b"0\n", "accepted"),
            ("beyond", b"0.0000011\n", b"0\n", "wrong_answer"),
            ("rel", b"2000002\n", b"2000000\n", "accepted"),
            ("relbeyond", b"2000003\n", b"2000000\n", "wrong_answer"),
            ("words", b"YES 1.0000005\n", b"yes 1\n", "accepted")]),
        ("default float_relative_tolerance 0.5", {"float_relative_tolerance": 0.5}, [
            ("at", b"1500\n", b"1000\n", "accepted"),
            ("beyond", b"1500.5\n", b"1000\n", "wrong_answer")]),
        ("default case_sensitive", {"case_sensitive": True}, [
            ("same", b"Hello  world\n", b"Hello world\n", "accepted"),
            ("case", b"hello world\n", b"Hello world\n", "wrong_answer")]),
        ("default space_change_sensitive", {"space_change_sensitive": True}, [
            ("same", b"a B\nc\n", b"a b\nc\n", "accepted"),
            ("space", b"a  b\nc\n", b"a b\nc\n", "wrong_answer")]),
        ("exact", {"mode": "exact"}, [
            ("same", b"abc \r\n", b"abc \r\n", "accepted"),
            ("nl", b"abc", b"abc\n", "wrong_answer"),
            ("case", b"ABC\n", b"abc\n", "wrong_answer")]),
        ("lines", {"mode": "lines"}, [
            ("same", b"a b\nc\n", b"a b\nc\n", "accepted"),
            ("space", b"a b \nc\n", b"a b\nc\n", "wrong_answer"),
            ("tokens", b"a\nb\n", b"a b\n", "wrong_answer")]),
        ("lines trim", {"mode": "lines", "trim": True}, [
            ("ends", b"  a b \t\nc\n", b"a b\nc\n", "accepted"),
            ("inner", b"a  b\nc\n", b"a b\nc\n", "wrong_answer")]),
        ("lines ignore_trailing_space", {"mode": "lines", "ignore_trailing_space": True}, [
            ("trailing", b"a b \t\r\nc\n", b"a b\nc\n", "accepted"),
            ("leading", b" a b\nc\n", b"a b\nc\n", "wrong_answer")]),
        ("lines ignore_empty_lines", {"mode": "lines", "ignore_empty_lines": True}, [
            ("empty", b"a\n\n\nb\n", b"a\nb\n", "accepted"),
            ("other", b"a\n\nc\n", b"a\nb\n", "wrong_answer")]),
    ]
    rids = []
    for what, cmp, cases in groups:
        kw = {"mode": "all"}
        if cmp is not None:
            kw["compare"] = cmp
        rids.append(C.send(test_req(E, PY_ECHO, [(n, o, a) for n, o, a, _ in cases], **kw)))
    msgs = {}
    for (what, cmp, cases), rid in zip(groups, rids):
        job = get(C.wait(rid, 90), "job", default={})
        bn = by_name(job)
        got = [(n, get(bn, n, "verdict")) for n, *_ in cases]
        want = [(n, v) for n, _, _, v in cases]
        ok(got == want, f"compare {what}: " + ", ".join(f"{n} {v}" for n, v in want),
           f"got: {got}", f"messages: {[(n, get(bn, n, 'message')) for n, *_ in cases]}",
           _short(get(job, "result", default=job)))
        msgs[what] = {n: get(bn, n, "message", default="") for n, *_ in cases}
    m = msgs["default float_tolerance 1e-6"]["beyond"]
    ok(re.search(r"line 1\b", m) and "0.0000011" in m,
       "a float beyond the tolerance: the message names the line and the team's number", repr(m))
    m = msgs["lines"]["space"]
    ok(re.search(r"line 1\b", m), "lines: the message names the line that differs", repr(m))


def t_bad_requests():
    note("bad requests")
    base = test_req("python3", PY_ECHO, [("a", b"", b"")], wait=False)
    one = base["tests"]

    def without(k):
        return {kk: v for kk, v in base.items() if kk != k}

    is_err(call(without("tests")), "bad_request", "tests missing: bad_request, field tests", field="tests")
    is_err(call(dict(base, tests=[])), "bad_request", "tests empty: bad_request, field tests", field="tests")
    is_err(call(dict(base, tests="a")), "bad_request", "tests not an array: bad_request, field tests",
           field="tests")
    is_err(call(dict(base, tests=one + [7])), "bad_request", "a test that is not a map: bad_request, field tests.1",
           field="tests.1")
    is_err(call(dict(base, tests=[{"name": "a/b", "input": b"", "answer": b""}])), "bad_request",
           "a test name with '/': bad_request, field tests.0.name (as files.N.name, 5.3)", field="tests.0.name")
    is_err(call(dict(base, compare={"mode": "default", "bogus": True})), "bad_request",
           "an unknown compare key: bad_request, field compare.bogus", field="compare.bogus")
    is_err(call(dict(base, compare={"mode": "fuzzy"})), "bad_request",
           "compare.mode fuzzy: bad_request, field compare.mode", field="compare.mode")
    is_err(call(dict(base, compare={"float_tolerance": -1.0})), "bad_request",
           "a negative tolerance: bad_request, field compare.float_tolerance", field="compare.float_tolerance")
    is_err(call(dict(base, mode="some")), "bad_request", "mode some: bad_request, field mode", field="mode")
    many = [{"name": f"t{i}", "input": b"", "answer": b""} for i in range(1001)]
    is_err(call(dict(base, tests=many)), "too_large", "1001 tests: too_large, field tests, limit 1000",
           field="tests", limit=1000)
    rep = call(dict(base, tests=many[:1000], mode="first_failure", wait=False))
    ok(get(rep, "ok") is True, "1000 tests: accepted", _short(rep))
    if get(rep, "ok"):
        call({"op": "cancel", "id": get(rep, "job", "id")})


def t_keep():
    note("keep false")
    lab = f"judge-keep-{os.getpid()}"
    kept = judge("python3", PY_ECHO, [("a", b"x\n", b"x\n")], label=lab)
    hidden = judge("python3", PY_ECHO, [("a", b"x\n", b"x\n")], label=lab, keep=False)
    ids = [j.get("id") for j in get(call({"op": "list", "label": lab}), "jobs", default=[])]
    ids_all = [j.get("id") for j in get(call({"op": "list", "kind": "test", "limit": 100}), "jobs", default=[])]
    ok(kept.get("id") in ids and hidden.get("id") and hidden.get("id") not in ids + ids_all,
       "keep false: the job never shows in list (by label or kind); the kept one does",
       f"kept {kept.get('id')}, hidden {hidden.get('id')}, listed {ids}")
    g = get(call({"op": "get", "id": hidden.get("id")}), "job", default={})
    ok(g.get("state") == "judged" and get(g, "result", "verdict") == "accepted" and len(tests_of(g)) == 1,
       "but get gives it, with its verdict and tests", _short(g))


def t_events():
    note("test events (14.3), tests that sleep 200 ms")
    sub = Sub()
    names = ["e1", "e2", "e3", "e4"]
    rep = call(test_req("python3", py_sleep_echo(0.2), [(n, n.encode(), n.encode()) for n in names],
                        wait=False, mode="all"))
    jid = get(rep, "job", "id")
    evs = sub.take(jid, 30)
    sub.close()
    job = get(call({"op": "get", "id": jid}), "job", default={})
    tev = [(t, p) for t, _, _, p in evs if p.get("event") == "test"]
    pay = [p for _, _, _, p in evs]
    note(f"events: {[(p.get('seq'), p.get('event'), p.get('state'), p.get('index')) for p in pay]}")
    ok(evs and all(n == 2 and topic == f"job.{jid}.".encode() and p.get("kind") == "test"
                   for _, n, topic, p in evs),
       "every event (state and test): two frames, topic job.ID., kind test",
       _short([(n, topic, p.get("kind")) for _, n, topic, p in evs]))
    is_([(p.get("index"), p.get("total"), get(p, "test", "name")) for _, p in tev],
        [(i + 1, 4, n) for i, n in enumerate(names)], "one test event per test: index 1..4, total 4, its name")
    why = []
    for _, p in tev:
        want = {"id": jid, "event": "test", "kind": "test", "state": "running", "attempt": 1}
        why += [f"{k}: {p.get(k)!r}" for k, v in want.items() if p.get(k) != v]
        why += [f"{k} not an int" for k in ("seq", "at", "index", "total") if type(p.get(k)) is not int]
        t = p.get("test", {})
        why += [f"test.{k}: {t.get(k)!r}" for k, ty in (("name", str), ("verdict", str), ("cpu_ms", int),
                                                         ("wall_ms", int), ("memory_kb", int))
                if type(t.get(k)) is not ty]
    ok(tev and not why, "each: id, seq, event test, kind test, state running, attempt 1, at, index, total, "
       "test {name, verdict, cpu_ms, wall_ms, memory_kb}", *why)
    leaked = [k for p in pay for k in list(p) + list(p.get("test", {}))
              if k in ("message", "input", "answer", "output", "stdout", "stderr", "user", "source")]
    ok(pay and not leaked, "no event carries a message, input, answer, output or user", leaked)
    seqs = [p.get("seq") for p in pay]
    is_(seqs, list(range(1, len(seqs) + 1)), "seq counts 1, 2, 3 ... through state and test events alike")
    ok(seqs and job.get("seq") == seqs[-1], "and the job's seq is the last event's", f"job seq {job.get('seq')}")
    walls = [t.get("wall_ms", 0) for t in tests_of(job)]
    gaps = [round((tev[i + 1][0] - tev[i][0]) * 1000) for i in range(len(tev) - 1)]
    note(f"test event gaps {gaps} ms; the tests' wall_ms {walls}")
    ok(len(gaps) == 3 and len(walls) == 4 and all(g >= walls[i + 1] - 20 for i, g in enumerate(gaps)),
       "each test event arrives before the next test starts (gap between events i, i+1 >= test i+1's wall_ms)",
       f"gaps {gaps}", f"walls {walls}")


def t_cancel():
    note("cancel between tests")
    sub = Sub()
    rep = call(test_req("python3", py_sleep_echo(0.3), [(f"k{i}", b"x", b"x") for i in range(6)],
                        wait=False, mode="all"))
    jid = get(rep, "job", "id")
    evs = sub.take(jid, 20, stop=lambda p: p.get("event") == "test")
    c = call({"op": "cancel", "id": jid})
    evs += sub.take(jid, 3)			# until the cancelled event
    time.sleep(1)				# and later ones, if any
    while sub.s.poll(0):
        fr = sub.s.recv_multipart()
        p = msgpack.unpackb(fr[-1])
        if p.get("id") == jid:
            evs.append((time.monotonic(), len(fr), fr[0], p))
    sub.close()
    job = get(call({"op": "get", "id": jid}), "job", default={})
    ok(get(c, "cancelled") is True and job.get("state") == "cancelled" and "result" not in job,
       "cancel after the first test: cancelled, no result", _short(c), _short(job))
    kinds = [(p.get("event"), p.get("state")) for _, _, _, p in evs]
    ok(kinds and kinds[-1] == ("state", "cancelled") and kinds.count(("state", "cancelled")) == 1,
       "no test event after the cancelled state event", kinds)


def t_big():
    note("a 5 MiB input echoed back, compared exactly")
    data = random.Random(5).randbytes(5 << 20)
    bad = data[:-1] + bytes([data[-1] ^ 1])
    t0 = time.monotonic()
    # One test each: input and answer of 5 MiB each are 10 MiB of request.
    kw = {"compare": {"mode": "exact"}, "limits": {"fsize_kb": 16384}}
    rids = [C.send(test_req("python3", PY_ECHO, [(n, data, ans)], **kw)) for n, ans in (("big", data), ("bad", bad))]
    big, wrong = [get(C.wait(r, 90), "job", default={}) for r in rids]
    note(f"5 MiB x 2: {time.monotonic() - t0:.1f} s")
    ok(get(big, "result", "verdict") == "accepted" and get(tests_of(big), 0, "verdict") == "accepted",
       "5 MiB of random bytes in, the same 5 MiB as the answer: accepted", _short(big))
    m = get(tests_of(wrong), 0, "message", default="")
    ok(get(wrong, "result", "verdict") == "wrong_answer" and str(5 << 20) in m,
       f"the same with its last byte changed: wrong_answer at byte {5 << 20}", repr(m), _short(wrong))


def phase_main():
    t_accepted()
    t_verdicts("c", C_MULTI, MULTI)
    t_verdicts("python3", PY_MULTI, [c for c in MULTI if c[0] != "ptrace"])
    t_compile_error()
    t_first_failure()
    t_clean_box()
    t_compile_once()
    t_compare()
    t_bad_requests()
    t_keep()
    t_events()
    t_cancel()
    t_big()
    ok(V_SEEN and all(v == PROTO_V for v in V_SEEN),
       f"every reply of this phase ({len(V_SEEN)}) has v 2", sorted(set(map(repr, V_SEEN))))


# ---- phases crash1/crash2: kill -9 in the middle of a test job ----

CRASH_TESTS = [f"c{i}" for i in range(1, 7)]


def phase_crash1():
    sub = Sub()
    rep = call(test_req("python3", py_sleep_echo(0.4), [(n, n.encode(), n.encode()) for n in CRASH_TESTS],
                        wait=False, mode="all", label="judge-crash"))
    jid = get(rep, "job", "id")
    evs = sub.take(jid, 20, stop=lambda p: p.get("event") == "test" and p.get("index") == 2)
    sub.close()
    job = get(call({"op": "get", "id": jid, "output": False}), "job", default={})
    last = evs[-1][3] if evs else {}
    ok(job.get("state") == "running" and job.get("attempt") == 1 and last.get("index") == 2,
       "a 6-test job (0.4 s each) is running, attempt 1, its second test event came: kill -9 the daemon",
       _short(job), _short(last))
    ok("result" not in job, "a running test job has no result yet (8.1: in judged and failed)", _short(job))
    save_data(crash=jid, crash_seq=job.get("seq", 0))
    os.kill(int(os.environ["JD_PID"]), signal.SIGKILL)


def phase_crash2():
    d = load_data()
    jid = d["crash"]
    job = get(call({"op": "get", "id": jid, "wait": True, "wait_ms": 30000}, 40), "job", default={})
    res = job.get("result", {})
    ok(job.get("state") == "judged" and job.get("attempt") == 2 and res.get("verdict") == "accepted",
       "after the restart the job is judged, attempt 2, accepted", _short(job))
    is_([t.get("name") for t in tests_of(job)], CRASH_TESTS,
        "its result has each of the 6 tests once, in order: none of attempt 1 left over")
    dur = (job.get("finished_at") or 0) - (job.get("started_at") or 0)
    ok(dur >= 6 * 400, f"attempt 2 ran from the first test: {dur} ms from its box to the end, >= 6 x 400 ms",
       _short(job))
    ok(job.get("seq", 0) > d["crash_seq"], "its seq went on counting after the restart",
       f"{job.get('seq')} after {d['crash_seq']}")


PHASES = {"main": phase_main, "crash1": phase_crash1, "crash2": phase_crash2}

if __name__ == "__main__":
    C = Client()
    run_phase(sys.argv[1], PHASES[sys.argv[1]], lambda: (C.close(), CTX.destroy(linger=0)))
