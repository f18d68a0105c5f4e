#!/bin/bash
# judgeboxd against proto/PROTOCOL.md (sections 2-12), through the real ipc
# sockets. The assertions are in tests/lib/protocol_test.py, run in phases;
# this file configures, starts, kills and stops the daemon between them and
# asserts what only the shell sees (exit statuses). Every program goes
# through the daemon, which runs it in a box.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

# phase NAME: run protocol_test.py NAME (jd_phase, tests/lib/daemon-env.sh).
phase() { jd_phase "$TOP/tests/lib/protocol_test.py" "$1"; }
start() { jd_must_start; }
# crash_restart NAME: jd_kill9 (the phase sent the signal), then start at
# once, as section 12.3 needs even with jobs in boxes. If that fails, say so,
# end the old daemon's helpers ourselves and start again, so that the later
# tests still run.
crash_restart() {
	jd_kill9
	if jd_start >"$PT/start.log"; then ok 0 "$1"; return; fi
	ok 1 "$1"; grep failed "$PT/start.log" | tail -n 1
	jd_kill_orphans
	start
}

# 1. The defaults (2 boxes, admins = root): operations, statuses, errors,
#    events, concurrency.
start
phase main
jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM with nothing to drain"

# 2. Small sizes and queue caps: too_large, the hard cap, queue_full.
jd_conf "max_request = 65536" "max_source = 1000" "max_stdin = 1000" "max_args = 3" \
	"max_files = 3" "max_files_total = 1500" \
	"queue_capacity = 3" "queue_per_user = 2" "max_waits = 2" "limit procs 16 1024"
start
phase small
jd_stop

# 3. kill -9 with 2 jobs in boxes and 4 queued (the phase sends the signal).
jd_conf
start
phase crash1
crash_restart "judgeboxd starts again at once after kill -9 with jobs in its boxes (12.3)"
phase crash2
jd_stop

# 4. SIGTERM with jobs in boxes and queued (the phase sends the signal).
jd_conf "drain_ms = 1500"
start
phase drain1
jd_stop; is "$?" 0 "judgeboxd exits 0 once the drain is over"
start
phase drain2
jd_stop; is "$?" 0 "judgeboxd exits 0 after the drained jobs ran"

# 5. max_attempts: a job in a box at two crashes fails.
jd_conf "max_attempts = 2"
start
phase doom1
crash_restart "judgeboxd starts again at once after kill -9 with a long job in a box (12.3)"
phase doom2
crash_restart "and again after a second kill -9 with that job in a box"
phase doom3
jd_stop
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash or assertion in the daemon's log" || jd_log
done_testing
