#!/bin/bash
# A job's output through pipes the daemon drains (issue 13): the output
# limit enforced by the daemon (status output_limit), a memory figure that
# is the program's own, a 100 MiB answer compared; and (issue 12) live
# output with `stream: true`, each test's capped output and passed/total.
# The assertions are in tests/lib/output_test.py; every program goes
# through the daemon, which runs it in a box.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

# A 100 MiB answer travels in the `test` request itself.
jd_conf "max_request = 167772160"
jd_must_start
jd_phase "$TOP/tests/lib/output_test.py" main
jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM"
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash or assertion in the daemon's log" || jd_log
done_testing
