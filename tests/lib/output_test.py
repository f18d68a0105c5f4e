#!/usr/bin/python3
"""output_test.py PHASE: a job's output through pipes the daemon drains
(issue 13, controller/judge_out.c), live output (`stream: true`) and the
per-test output of results (issue 12), through the real sockets. Driven by
tests/output.t (phase main). Every program below is only ever submitted to
the daemon, which runs it in a box.
"""
import os
import sys
import time

import msgpack
import zmq

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import jbclient  # noqa: E402
from phasetap import _short, get, is_, note, ok, run_phase  # noqa: E402

EP = os.environ["JUDGEBOX_ENDPOINT"]
EV = os.environ["JUDGEBOX_EVENTS"]
CTX = zmq.Context.instance()
TERMINAL = ("judged", "cancelled", "failed")
MIB = 1 << 20


C = jbclient.Client(EP, norid=True, timeout=180)


def job(req, timeout=180):
    return get(C.call(dict(req, wait=True), timeout), "job", default={})


def res(j):
    return get(j, "result", default={})


# Writes N MiB of "x" lines (1 KiB each) to stdout (or stderr with "err"),
# the last line's last x a y with "bad"; touches 1 MiB of memory only.
C_FLOOD = rb"""#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	static char b[1 << 20];
	long mib = 0;
	char how[16] = "";
	if (scanf("%ld %15s", &mib, how) < 1)
		return 9;
	for (size_t i = 0; i < sizeof b; i += 1024) {
		memset(b + i, 'x', 1023);
		b[i + 1023] = '\n';
	}
	int fd = strcmp(how, "err") ? 1 : 2;
	for (long m = 0; m < mib; m++) {
		if (m == mib - 1 && !strcmp(how, "bad"))
			b[sizeof b - 2] = 'y';
		for (size_t o = 0; o < sizeof b;) {
			ssize_t n = write(fd, b + o, sizeof b - o);
			if (n <= 0)
				return 3;
			o += (size_t)n;
		}
	}
	return 0;
}
"""
LINE = b"x" * 1023 + b"\n"


def t_memory():
    note("a run printing 200 MiB: its memory figure is its own")
    r = res(job({"op": "run", "lang": "c", "source": C_FLOOD, "stdin": b"200\n",
                 "limits": {"fsize_kb": 262144, "memory_kb": 131072, "output_kb": 64}}))
    ok(r.get("status") == "ok" and r.get("stdout_bytes") == 200 * MIB,
       "200 MiB through the pipe: status ok, stdout_bytes 200 MiB", _short(r, 400))
    ok(len(r.get("stdout", b"")) == 65536 and r.get("stdout_truncated") is True,
       "the reply carries output_kb (64 KiB) of it, truncated", _short(r, 400))
    mem = r.get("memory_kb", 1 << 30)
    ok(mem < 32768, f"peak memory {mem} KiB: the program's own (under 32 MiB), "
       "not the output's page cache", _short(r, 400))


def t_limit():
    note("output_limit: the daemon enforces fsize_kb on stdout and stderr")
    for how in ("out", "err"):
        t0 = time.monotonic()
        r = res(job({"op": "run", "lang": "c", "source": C_FLOOD, "stdin": b"64 " + how.encode() + b"\n",
                     "limits": {"fsize_kb": 1024, "wall_ms": 20000}}))
        took = time.monotonic() - t0
        stream = "stdout" if how == "out" else "stderr"
        ok(r.get("status") == "output_limit" and r.get("signal") == 9,
           f"64 MiB to {stream} with fsize_kb 1024: status output_limit, signal 9", _short(r, 400))
        ok(r.get(f"{stream}_bytes", 0) > 1024 * 1024 and len(r.get(stream, b"")) <= 65536 and took < 15,
           f"{stream}: killed past 1 MiB ({r.get(f'{stream}_bytes')} bytes counted), "
           f"the reply capped, in {took:.1f} s", _short(r, 300))
    r = res(job({"op": "run", "lang": "c", "source": C_FLOOD, "stdin": b"1\n",
                 "limits": {"fsize_kb": 1024}}))
    is_(r.get("status"), "ok", "exactly fsize_kb (1 MiB) of stdout is allowed: ok")


def t_big_answer():
    note("a 100 MiB answer compared with a 100 MiB output (test op)")
    ans = LINE * (100 * 1024)
    base = {"op": "test", "v": 2, "lang": "c", "source": C_FLOOD, "mode": "all",
            "limits": {"fsize_kb": 131072, "memory_kb": 131072, "cpu_ms": 10000, "wall_ms": 30000}}
    t = {}
    for name, inp in (("good", b"100\n"), ("bad", b"100 bad\n")):
        j = job(dict(base, tests=[{"name": name, "input": inp, "answer": ans}]), 600)
        t.update({x.get("name"): x for x in get(j, "result", "tests", default=[]) or []})
    is_(get(t, "good", "verdict"), "accepted", "100 MiB of output equal to the answer: accepted",
        _short(t, 600))
    is_(get(t, "bad", "verdict"), "wrong_answer",
        "one byte wrong 2 bytes before the end of 100 MiB: wrong_answer", _short(t.get("bad"), 400))
    mem = get(t, "good", "memory_kb", default=1 << 30)
    ok(mem < 32768, f"the 100 MiB test's peak memory {mem} KiB: the program's own", _short(t, 600))


def t_per_test():
    note("per-test output: a capped copy, and passed/total")
    j = job({"op": "test", "v": 2, "lang": "c", "source": C_FLOOD, "mode": "all",
             "tests": [{"name": "one", "input": b"1\n", "answer": LINE * 1024},
                       {"name": "wrong", "input": b"1 bad\n", "answer": LINE * 1024}]})
    r = res(j)
    tests = get(r, "tests", default=[]) or []
    one = tests[0] if tests else {}
    ok(one.get("output") == LINE * 4 and one.get("output_truncated") is True
       and one.get("output_bytes") == MIB,
       "a test result carries its output's first 4 KiB, output_truncated, output_bytes",
       _short(one, 300))
    ok(r.get("passed") == 1 and r.get("total") == 2, "the result's passed/total: 1 of 2",
       _short({k: v for k, v in r.items() if k != "tests"}, 400))


def t_coverage():
    note("inline tests with requirement ids report coverage as problems do")
    src = b"a, b = map(int, input().split())\nprint(a + b if a < 5 else 0)\n"
    r = res(job({"op": "test", "v": 2, "lang": "python3", "source": src, "mode": "all",
                 "tests": [{"name": "small", "input": b"1 2\n", "answer": b"3\n",
                            "requirements": ["R1", "R2"]},
                           {"name": "big", "input": b"7 1\n", "answer": b"8\n",
                            "requirements": ["R2", "R3"]},
                           {"name": "plain", "input": b"2 2\n", "answer": b"4\n"}]}))
    is_(r.get("requirements"), {"total": 3, "covered": 1, "missing": ["R2", "R3"]},
        "requirements of inline tests: R1 covered; R2, R3 missing (test big failed)")
    rep = C.call({"op": "test", "v": 2, "lang": "python3", "source": src,
                  "tests": [{"name": "x", "input": b"1 1\n", "answer": b"2\n",
                             "requirements": ["has space"]}]})
    is_(get(rep, "error", "field"), "tests.0.requirements",
        "a requirement id with a space: bad_request naming tests.0.requirements", _short(rep, 300))


def t_stream():
    note("live output: stream true publishes stdout and stderr while it runs")
    sub = CTX.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.connect(EV)
    sub.setsockopt(zmq.SUBSCRIBE, b"job.")
    time.sleep(0.3)
    src = (b"import sys, time\nfor i in range(5):\n    print('line', i, flush=True)\n"
           b"    print('err', i, file=sys.stderr, flush=True)\n    time.sleep(0.05)\n"
           b"sys.stdout.write('z' * 200000)\n")
    rep = C.call({"op": "run", "lang": "python3", "source": src, "stream": True,
                  "limits": {"output_kb": 64}})
    jid = get(rep, "id", default=get(rep, "job", "id"))
    evs, end = [], time.monotonic() + 60
    while time.monotonic() < end:
        if not sub.poll(100):
            continue
        p = msgpack.unpackb(sub.recv_multipart()[-1])
        if p.get("id") != jid:
            continue
        evs.append(p)
        if p.get("event") == "state" and p.get("state") in TERMINAL:
            break
    sub.close()
    out = [e for e in evs if e.get("event") == "output"]
    chunks = [e.get("chunk") for e in out]
    ok(out and chunks == list(range(1, len(out) + 1)),
       f"{len(out)} output events, chunk numbered 1, 2, ... in order", _short(evs, 600))
    so = b"".join(e.get("data", b"") for e in out if e.get("stream") == "stdout")
    se = b"".join(e.get("data", b"") for e in out if e.get("stream") == "stderr")
    ok(so.startswith(b"line 0\nline 1\n") and len(so) == 65536 and se == b"".join(
        b"err %d\n" % i for i in range(5)),
       "stdout streamed in order and capped at output_kb (64 KiB); stderr whole",
       f"stdout {len(so)} bytes: {so[:40]!r}", f"stderr: {se!r}")
    last = evs[-1] if evs else {}
    ok(out and last.get("event") == "state" and last.get("state") == "judged",
       "the final state event comes after the last chunk", _short(last, 300))


def main():
    t_limit()
    t_memory()
    t_big_answer()
    t_per_test()
    t_coverage()
    t_stream()


if __name__ == "__main__":
    run_phase(sys.argv[1], {"main": main, "stream": t_stream,
                               "coverage": t_coverage}[sys.argv[1]], C.s.close)
