#!/bin/bash
# judgeboxd's judging, the `test` operation of proto/PROTOCOL.md section 14
# (protocol version 2), through the real ipc sockets. The assertions are in
# tests/lib/judge_test.py, run in phases; this file starts, kills and
# restarts the daemon between them. Every program goes through the daemon,
# which runs it in a box.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

# phase NAME: run judge_test.py NAME (jd_phase, tests/lib/daemon-env.sh).
phase() { jd_phase "$TOP/tests/lib/judge_test.py" "$1"; }
start() { jd_must_start; }

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
	jd_kill_orphans
	start
fi
phase crash2
jd_stop
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash or assertion in the daemon's log" || jd_log
done_testing
