#!/bin/bash
# tests/bench/judgeboxd.sh: judgeboxd benchmark figures (`make bench`).
# Prints, never asserts. Side by side in one run, on one machine:
#  1. throughput: BENCH_JOBS (1000) one-shot runs of a tiny C program
#     through judgeboxd with two boxes (compiled once: the compile cache),
#     and the same program through judgebox-helper alone, driven by a
#     two-worker loop (run + clean per job), one-shot and served (two
#     `serve` processes, as judgeboxd drives them), and bare (the program
#     itself, no jail, two workers: this host's ceiling): runs per second of
#     each, and their ratio (what the daemon costs on top of its helper);
#  2. a Python hello-world: submit-to-result time through judgeboxd minus a
#     bare /usr/bin/python3 start, medians of BENCH_HELLO (50) interleaved runs.
# Context goals from issue 13 (not asserted): >= 800 runs/s; the daemon's own
# CPU <= 0.4 ms per run (store_sync full); Python hello <= 2 ms over bare.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JOBS=${BENCH_JOBS:-1000}
HELLO=${BENCH_HELLO:-50}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (it installs judgebox-helper setuid into a temporary prefix)" >&2
	exit 1
fi
. "$TOP/tests/lib/daemon-env.sh"
trap 'exit 130' INT TERM HUP
jd_conf "queue_per_user = 100000" "queue_capacity = 100000" "max_waits = 100000"
jd_start || { jd_log; exit 0; }
as_jbtest() { setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$@"; }
B=$TOP/tests/bench/judgeboxd_bench.py

echo "judgeboxd benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(uname -sr), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg); 2 boxes, store_sync full"
echo
echo "== throughput: $JOBS runs of a tiny C program (int main(void) { return 0; })"
printf 'int main(void) { return 0; }\n' > "$JB/tiny.c"
cc -O2 -o "$PROGS/tiny" "$JB/tiny.c"
d=$(/usr/bin/python3 "$B" throughput "$JOBS" "$JD_PID")
h=$(as_jbtest /usr/bin/python3 "$B" direct "$JOBS" "$HELPER" "$PROGS/tiny" 6 7)
v=$(as_jbtest /usr/bin/python3 "$B" served "$JOBS" "$HELPER" "$PROGS/tiny" 4 5)
b=$(as_jbtest /usr/bin/python3 "$B" bare "$JOBS" "$PROGS/tiny")
echo "  judgeboxd (2 boxes, pipelined client)   : ${d#daemon }"
echo "  judgebox-helper one-shot, two workers   : ${h#direct }"
echo "  judgebox-helper served, two workers     : ${v#served }"
echo "  bare spawn (no jail), two workers       : ${b#bare }   (this host's ceiling)"
dr=$(sed -n 's/.*runs_per_s=\([0-9.]*\).*/\1/p' <<<"$d")
vr=$(sed -n 's/.*runs_per_s=\([0-9.]*\).*/\1/p' <<<"$v")
awk -v d="$dr" -v h="$vr" 'BEGIN { if (h > 0) printf "  daemon / served helper loop: %.2f   (goals: judgeboxd >= 800 runs/s, its own CPU <= 0.4 ms per run)\n", d / h }'
echo
echo "== Python hello world: $HELLO interleaved runs"
printf 'print("hello")\n' > "$JB/hello.py"
chmod 644 "$JB/hello.py"
o=$(as_jbtest env JUDGEBOX_ENDPOINT="$JUDGEBOX_ENDPOINT" /usr/bin/python3 "$B" overhead "$HELLO" "$JB/hello.py")
echo "  ${o#python_hello }   (goal: overhead <= 2 ms)"
exit 0
