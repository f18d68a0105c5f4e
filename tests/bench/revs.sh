#!/bin/bash
# tests/bench/revs.sh REV: judgeboxd as built from REV (a git revision)
# against judgeboxd from this tree, side by side in one run (`make
# bench-revs REV=...`). Both drive the same setuid helper (this tree's) in
# the same prefix; they take turns, BENCH_ROUNDS (3) rounds each, each
# round on a fresh state directory: BENCH_JOBS (1000) tiny C runs through
# the daemon with two boxes (runs per second, and the daemon's own CPU per
# run), and BENCH_HELLO (30) Python hello-worlds.
# Prints the median of the rounds for each and their ratio; never asserts.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
REV=${1:?usage: tests/bench/revs.sh REV}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JOBS=${BENCH_JOBS:-1000}
HELLO=${BENCH_HELLO:-30}
ROUNDS=${BENCH_ROUNDS:-3}
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
. "$TOP/tests/lib/daemon-env.sh"
trap 'exit 130' INT TERM HUP
mkdir -p "$JB/rev-src"
git -C "$TOP" archive "$REV" | tar -x -C "$JB/rev-src" ||
	{ echo "bench: cannot read revision $REV" >&2; exit 1; }
make -s -C "$JB/rev-src" O="$JB/rev-build" HELPER_CONF="$JB/etc/helper.conf" controller >/dev/null ||
	{ echo "bench: judgeboxd at $REV does not build" >&2; exit 1; }
jd_conf "queue_per_user = 100000" "queue_capacity = 100000" "max_waits = 100000"
B=$TOP/tests/bench/judgeboxd_bench.py
printf 'print("hello")\n' > "$JB/hello.py"
chmod 644 "$JB/hello.py"
NEW=$JUDGEBOXD
declare -A TP OV CPU

# one NAME BINARY: a round of both measurements on a fresh state.
one() {
	JUDGEBOXD=$2
	find "$JB/state" -mindepth 1 -delete
	jd_start || { jd_log; exit 1; }
	local d o
	d=$(/usr/bin/python3 "$B" throughput "$JOBS" "$JD_PID")
	o=$(setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- env \
		JUDGEBOX_ENDPOINT="$JUDGEBOX_ENDPOINT" /usr/bin/python3 "$B" overhead "$HELLO" "$JB/hello.py")
	jd_stop
	TP[$1]+="$(sed -n 's/.*runs_per_s=\([0-9.]*\).*/\1/p' <<<"$d") "
	CPU[$1]+="$(sed -n 's/.*daemon_cpu_ms_per_run=\([0-9.]*\).*/\1/p' <<<"$d") "
	OV[$1]+="$(sed -n 's/.*overhead_ms=\([0-9.]*\).*/\1/p' <<<"$o") "
	echo "  round: $1: $d; $o"
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "?" }'; }

echo "judgeboxd at $REV against this tree — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(uname -sr), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg); 2 boxes, store_sync full"
for r in $(seq "$ROUNDS"); do
	one "$REV" "$JB/rev-build/judgeboxd"
	one tree "$NEW"
done
tb=$(median <<<"${TP[$REV]}"); tn=$(median <<<"${TP[tree]}")
ob=$(median <<<"${OV[$REV]}"); on=$(median <<<"${OV[tree]}")
cb=$(median <<<"${CPU[$REV]}"); cn=$(median <<<"${CPU[tree]}")
echo
printf '%-28s %14s %22s %22s\n' "judgeboxd" "runs/s" "daemon CPU per run" "python hello overhead"
printf '%-28s %14s %19s ms %19s ms\n' "$REV" "$tb" "$cb" "$ob" "this tree" "$tn" "$cn" "$on"
awk -v b="$tb" -v n="$tn" -v cb="$cb" -v cn="$cn" 'BEGIN {
	if (b + 0 > 0) printf "this tree / %s, runs per second: %.2f\n", "'"$REV"'", n / b
	if (cb + 0 > 0) printf "this tree / %s, daemon CPU per run: %.2f\n", "'"$REV"'", cn / cb }'
exit 0
