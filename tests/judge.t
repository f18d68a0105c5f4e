#!/bin/bash
# judgeboxd's judging, the `test` operation of proto/PROTOCOL.md section 14
# (protocol version 2), through the real ipc sockets. The assertions are in
# tests/lib/judge_test.py, run in phases; this file starts, kills and
# restarts the daemon between them. Every program goes through the daemon,
# which runs it in a box.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

PT=$JB/judge-test		# the TAP count and the ids shared by phases
mkdir -p "$PT"
echo 0 > "$PT/n"
# phase NAME: run judge_test.py NAME, numbering on from our count.
phase() {
	echo "$_tap_n" > "$PT/n"
	PT_DIR=$PT JD_PID=$JD_PID /usr/bin/python3 "$TOP/tests/lib/judge_test.py" "$1"
	_tap_n=$(cat "$PT/n")
}
start() { jd_start || { echo "Bail out! judgeboxd did not start"; exit 1; }; }
# kill_orphans: the helpers (by their pid: those running our test prefix's
# $HELPER) that a daemon killed with -9 left behind; call with no daemon.
kill_orphans() {
	local p pids
	for _ in $(seq 50); do
		pids=
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/exe" 2>/dev/null)" = "$HELPER" ] && pids="$pids ${p#/proc/}"
		done
		[ -z "$pids" ] && return 0
		kill -KILL $pids 2>/dev/null
		sleep 0.1
	done
}
trap 'jd_kill9; kill_orphans; jb_cleanup' EXIT

# 1. The defaults (2 boxes): verdicts, comparisons, errors, events.
start
phase main
jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM after the judging"

# 2. kill -9 in the middle of a test job (the phase sends the signal), then
#    a restart at once: the job runs again from its first test.
start
phase crash1
jd_kill9
if jd_start >"$PT/start.log"; then
	ok 0 "judgeboxd starts again at once after kill -9 in the middle of a test job"
else
	ok 1 "judgeboxd starts again at once after kill -9 in the middle of a test job"
	sed 's/^/#   /' "$PT/start.log"
	kill_orphans
	start
fi
phase crash2
jd_stop
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash or assertion in the daemon's log" || jd_log
plan "$_tap_n"
