#!/bin/bash
# A full state disk never changes a verdict (issue 11, defect 1): judgeboxd
# with its state directory on a small tmpfs that fills up while accepted
# jobs wait (a compile, a `test`, two `submit`s, runs), through the real
# sockets. Every job ends with its right result or `failed`
# (internal_error, with a message), never `judged` with a wrong one; the
# daemon does not spin (its log is counted over the full window); health
# counts what the store holds; once space returns the daemon carries on by
# itself. The assertions are in tests/lib/diskfull_test.py.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

command -v mount >/dev/null && command -v dd >/dev/null || skip_all "needs mount and dd"
DF=$(mktemp -d /tmp/judgebox-diskfull.XXXXXX)
if ! mount -t tmpfs -o size=12m,mode=0700 judgebox-diskfull "$DF"; then
	rmdir "$DF"
	skip_all "cannot mount a tmpfs (not allowed in this container?)"
fi
chown jbtest:jbtest-ctl "$DF"
trap 'jd_kill9; jd_kill_orphans; umount -l "$DF"; rmdir "$DF"; jb_cleanup' EXIT

# The package sum, where the daemon (jbtest) can read it.
PKG=$JB/packages/sum
mkdir -p "$JB/packages"
cp -r "$TOP/tests/packages/sum" "$PKG"
chmod -R a+rX "$JB/packages"

# Short retries, so that some jobs outlast the full window and some do not.
jd_conf "state_dir = $DF" "max_attempts = 8" "retry_ms = 200" "retry_max_ms = 2000"
jd_must_start
export DF PKG JD_LOG=$JB/judgeboxd.log
jd_phase "$TOP/tests/lib/diskfull_test.py" main
jd_stop
is "$?" 0 "judgeboxd exits 0 on SIGTERM after the full disk"
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash or assertion in the daemon's log" || jd_log
done_testing
