#!/bin/bash
# The kill -9 soak (issue 11): SOAK_JOBS (2000) mixed jobs from 4 concurrent
# clients (runs in C, Python 3 and Bash, hostile programs of tests/progs,
# `test`s, `submit`s to tests/packages/sum, a third with idem keys) while
# judgeboxd is killed with SIGKILL at random moments SOAK_KILLS (10) times
# and restarted at once. Then every accepted job has exactly one final
# result and the right one, every idem key one job, nothing is left (boxes,
# mounts, cgroups, processes) and the daemon's RSS stayed bounded; the tally
# is printed as diagnostics. The driver and its assertions are in
# tests/lib/soak.py, the clients in tests/lib/soak_client.py. About three
# minutes on a quiet 2-core host. Every program goes through the daemon,
# which runs it in a box.
. "$(dirname "$0")/lib/tap.sh"
/usr/bin/python3 -c 'import zmq, msgpack' 2>/dev/null ||
	skip_all "needs Debian's python3-zmq and python3-msgpack"
. "$(dirname "$0")/lib/daemon-env.sh"

# Only the languages the soak uses: a start probes every language's version
# (a JVM takes seconds), and the daemon starts again ten times.
JD_LANGS=$JB/languages.d
mkdir -p "$JD_LANGS"
cp "$TOP"/policies/languages.d/{c,cpp,python3,bash}.conf "$JD_LANGS/"
chmod -R a+rX "$JD_LANGS"
# 4 boxes on 2 cores: a box's set-up and clean-up (namespaces, mounts) wait
# on the kernel more than they use a CPU. max_attempts above the number of
# kills: a job in a box at every kill still ends with its own verdict (the
# limit itself is tests/protocol.t's).
jd_conf "boxes = 4" "max_attempts = $(( ${SOAK_KILLS:-10} + 2 ))"

# The driver starts, kills and restarts the daemon itself (JD_PID stays
# empty; daemon-env.sh's exit trap still ends what a failure leaves).
export JB TOP HELPER JUDGEBOXD PROGS JB_CGROUP JB_FIRST_UID
jd_phase "$TOP/tests/lib/soak.py" soak
done_testing
