#!/bin/bash
# tests/bench/sessions.sh: autosave throughput of sessions (`make bench`;
# PROTOCOL.md 18.4). Prints, never asserts. Through the real ipc socket, a
# judgeboxd with store_sync full: BENCH_UPDATES (2000) session_update
# requests of a 1 KiB file, one save in flight per editor (the next names
# the version the last gave), by 1 editor and by 16, BENCH_ROUNDS (5)
# rounds each: the median updates per second, and the median latency.
# Goal from issue 12 (not asserted): >= 1,000 updates/s with store_sync full.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${BENCH_UPDATES:-2000}
ROUNDS=${BENCH_ROUNDS:-5}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (it installs judgebox-helper setuid into a temporary prefix)" >&2
	exit 1
fi
. "$TOP/tests/lib/daemon-env.sh"
trap 'exit 130' INT TERM HUP
jd_conf "store_sync = full"
jd_start || { jd_log; exit 0; }
B=$TOP/tests/bench/sessions_bench.py
echo "sessions (autosave) benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(uname -sr), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg);" \
	"store_sync full on $(df -T "$JB/state" | awk 'NR == 2 { print $2 }')"
for e in 1 16; do
	echo "  $(/usr/bin/python3 "$B" updates "$N" "$e" "$ROUNDS")"
done
echo "  (goal, issue 12: >= 1,000 updates/s with store_sync full)"
exit 0
