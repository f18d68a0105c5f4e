#!/usr/bin/python3
# judgeboxd_bench.py: the measurements of tests/bench/judgeboxd.sh. Runs as
# the unprivileged test user (the shell drops to it); prints figures only.
#
#   throughput N      N one-shot runs of a tiny C program through judgeboxd
#                     (all submitted at once on one DEALER, wait: true);
#                     the first run (which compiles) is not counted
#   direct N HELPER PROG BOX0 BOX1
#                     the same program N times through judgebox-helper alone,
#                     driven by a two-worker loop (run + clean per job): what
#                     the daemon adds on top of its helper
#   served N HELPER PROG BOX0 BOX1
#                     the same through two `judgebox-helper serve` processes
#                     (clean + run requests per job), as judgeboxd drives them
#   overhead N FILE   Python hello: submit-to-result through judgeboxd vs a
#                     bare /usr/bin/python3 FILE start, interleaved, medians
import os, statistics, sys, time
import msgpack, zmq

TINY = b"int main(void) { return 0; }\n"


def dealer():
    s = zmq.Context.instance().socket(zmq.DEALER)
    s.setsockopt(zmq.LINGER, 0)
    s.connect(os.environ["JUDGEBOX_ENDPOINT"])
    return s


def call(s, req, timeout=120000):
    s.send_multipart([b"", msgpack.packb(req)])
    if not s.poll(timeout):
        sys.exit("bench: judgeboxd did not answer")
    return msgpack.unpackb(s.recv_multipart()[-1])


def cpu_s(pid):
    """The daemon's own CPU time (all its threads, not its children), seconds."""
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def throughput(n, pid):
    s = dealer()
    first = call(s, {"op": "run", "rid": 0, "lang": "c", "source": TINY, "wait": True})
    assert first["ok"], first
    t0, c0 = time.monotonic(), cpu_s(pid)
    for i in range(n):
        s.send_multipart([b"", msgpack.packb({"op": "run", "rid": i + 1, "lang": "c",
                                             "source": TINY, "wait": True})])
    statuses = {}
    for _ in range(n):
        if not s.poll(300000):
            sys.exit("bench: judgeboxd stopped answering")
        r = msgpack.unpackb(s.recv_multipart()[-1])
        k = r["job"]["result"]["status"] if r["ok"] else "error:" + r["error"]["code"]
        statuses[k] = statuses.get(k, 0) + 1
    dt, cpu = time.monotonic() - t0, cpu_s(pid) - c0
    print("daemon runs=%d seconds=%.2f runs_per_s=%.1f daemon_cpu_ms_per_run=%.2f statuses=%s"
          % (n, dt, n / dt, cpu * 1000 / n, statuses))


def spawn_wait(argv, fd3=None):
    fa = [(os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
          (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
          (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0),
          (os.POSIX_SPAWN_OPEN, 3, "/dev/null", os.O_WRONLY, 0)]
    pid = os.posix_spawn(argv[0], argv, {"PATH": "/usr/bin:/bin"}, file_actions=fa)
    return pid


def direct(n, helper, prog, b0, b1):
    boxes = [b0, b1]
    todo = n
    running = {}   # pid -> (box, phase)
    t0 = time.monotonic()
    done = 0
    for b in boxes:
        if todo:
            todo -= 1
            running[spawn_wait([helper, "run", b, "--policy=strict", "--result-fd=3", "--", prog])] = (b, "run")
    while running:
        pid, st = os.wait()
        b, phase = running.pop(pid)
        if phase == "run":
            done += 1
            running[spawn_wait([helper, "clean", b])] = (b, "clean")
        elif todo:
            todo -= 1
            running[spawn_wait([helper, "run", b, "--policy=strict", "--result-fd=3", "--", prog])] = (b, "run")
    dt = time.monotonic() - t0
    print("direct runs=%d seconds=%.2f runs_per_s=%.1f" % (done, dt, done / dt))


def bare(n, prog):
    """The ceiling on this host: the program itself, no jail, two workers."""
    todo, running = n, set()
    t0 = time.monotonic()
    while todo or running:
        while todo and len(running) < 2:
            todo -= 1
            running.add(spawn_wait([prog]))
        pid, st = os.wait()
        running.discard(pid)
    dt = time.monotonic() - t0
    print("bare runs=%d seconds=%.2f runs_per_s=%.1f" % (n, dt, n / dt))


def served(n, helper, prog, b0, b1):
    import select, socket, subprocess
    srv = {}
    for b in (b0, b1):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        subprocess.Popen([helper, "serve", b], stdin=theirs, close_fds=True)
        theirs.close()
        srv[b] = ours
    null = os.open("/dev/null", os.O_RDWR)

    def send(b, words):
        r, w = os.pipe()
        socket.send_fds(srv[b], [b"".join(x.encode() + b"\0" for x in words)], [null, null, null, w])
        os.close(w)
        return r
    run = lambda b: send(b, ["run", b, "--policy=strict", "--", prog])
    todo, done, pending = n, 0, {}
    t0 = time.monotonic()
    for b in (b0, b1):
        if todo:
            todo -= 1
            pending[run(b)] = (b, "run")
    while pending:
        ready, _, _ = select.select(list(pending), [], [])
        for r in ready:
            rec = os.read(r, 4096)
            os.close(r)
            b, phase = pending.pop(r)
            if phase == "run":
                done += b"status=ok" in rec
                pending[send(b, ["clean", b])] = (b, "clean")
            elif todo:
                todo -= 1
                pending[run(b)] = (b, "run")
    dt = time.monotonic() - t0
    print("served runs=%d seconds=%.2f runs_per_s=%.1f" % (done, dt, done / dt))


def overhead(n, path):
    src = open(path, "rb").read()
    s = dealer()
    call(s, {"op": "run", "lang": "python3", "source": src, "wait": True})
    jb, bare = [], []
    for i in range(n):
        t = time.monotonic()
        r = call(s, {"op": "run", "rid": i, "lang": "python3", "source": src, "wait": True})
        jb.append(time.monotonic() - t)
        assert r["ok"] and r["job"]["result"]["status"] == "ok", r
        t = time.monotonic()
        pid = spawn_wait(["/usr/bin/python3", path])
        os.waitpid(pid, 0)
        bare.append(time.monotonic() - t)
    mj, mb = statistics.median(jb) * 1000, statistics.median(bare) * 1000
    print("python_hello runs=%d judgeboxd_median_ms=%.1f bare_median_ms=%.1f overhead_ms=%.1f ratio=%.2f"
          % (n, mj, mb, mj - mb, mj / mb))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "throughput":
        throughput(int(sys.argv[2]), int(sys.argv[3]))
    elif mode == "direct":
        direct(int(sys.argv[2]), *sys.argv[3:7])
    elif mode == "bare":
        bare(int(sys.argv[2]), sys.argv[3])
    elif mode == "served":
        served(int(sys.argv[2]), *sys.argv[3:7])
    elif mode == "overhead":
        overhead(int(sys.argv[2]), sys.argv[3])
