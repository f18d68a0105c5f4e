# daemon-env.sh: sourced by tests that talk to a real judgeboxd. On top of
# helper-env.sh (a setuid helper in a temporary prefix, the users jbtest and
# jbother), builds judgeboxd and judgebox there and runs the daemon as
# jbtest, the way packaging runs it as `judgebox`:
#   $JB/etc/judgeboxd.conf   its config (jd_conf adds lines)
#   $JB/state                its state directory (SQLite store, box files)
#   $JB/run                  the ipc sockets: group jbtest-users, mode 2750,
#                            like /run/judgebox (jbother is a member)
# Exports JUDGEBOX_ENDPOINT, JUDGEBOX_EVENTS; sets JUDGEBOX (the CLI) and
# JUDGEBOXD; defines jd_start, jd_must_start, jd_stop, jd_kill9,
# jd_kill_orphans, jd_phase (tests run in phases), jd_log, as_other, and
# tap_at_end. With SANITIZE (make check SANITIZE=..., tests/lib/tap.sh) the
# daemon and the CLI are built sanitized, and inherit the sanitizers' options.
. "$(dirname "${BASH_SOURCE[0]}")/helper-env.sh"

getent group jbtest-users >/dev/null || groupadd -f jbtest-users
id -nG jbother | grep -qw jbtest-users || usermod -aG jbtest-users jbother

# The daemon and the CLI compile in no test-specific path (their config is
# given with -c, the helper's path in it), so they are built once, in make's
# O (as `make check` passes it; build, or build-san when SANITIZE is set),
# and copied here: each test file used to build its own, about a minute.
_jd_o=${O:-build${SANITIZE:+-san}}
case $_jd_o in /*) ;; *) _jd_o=$TOP/$_jd_o ;; esac
make -s -C "$TOP" O="$_jd_o" controller >/dev/null \
	|| { echo "Bail out! cannot build judgeboxd"; exit 1; }
install -m 0755 "$_jd_o/judgeboxd" "$_jd_o/judgebox" "$JB/build/" \
	|| { echo "Bail out! cannot copy judgeboxd"; exit 1; }
JUDGEBOXD=$JB/build/judgeboxd
JUDGEBOX=$JB/build/judgebox
mkdir -p "$JB/state" "$JB/run"
chown jbtest:jbtest-ctl "$JB/state"
chmod 700 "$JB/state"
chown jbtest:jbtest-users "$JB/run"
chmod 2750 "$JB/run"
export JUDGEBOX_ENDPOINT="ipc://$JB/run/requests.sock"
export JUDGEBOX_EVENTS="ipc://$JB/run/events.sock"
JD_LANGS=${JD_LANGS:-$TOP/policies/languages.d}

# jd_conf [extra lines]: (re)write the daemon's config.
jd_conf() {
	cat > "$JB/etc/judgeboxd.conf" <<CONF
state_dir = $JB/state
helper = $HELPER
helper_conf = $JB/etc/helper.conf
languages_dir = $JD_LANGS
endpoint = $JUDGEBOX_ENDPOINT
events = $JUDGEBOX_EVENTS
boxes = 2
admins = root
CONF
	[ $# -gt 0 ] && printf '%s\n' "$@" >> "$JB/etc/judgeboxd.conf"
	chmod 644 "$JB/etc/judgeboxd.conf"
}
jd_conf

JD_PID=
# jd_start: start the daemon and wait until it answers health (30 s).
jd_start() {
	setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- \
		"$JUDGEBOXD" -c "$JB/etc/judgeboxd.conf" 2>>"$JB/judgeboxd.log" &
	JD_PID=$!
	for _ in $(seq 300); do
		/usr/bin/python3 "$TOP/tests/lib/jbping.py" 2>/dev/null && return 0
		kill -0 "$JD_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# judgeboxd did not start:"; sed 's/^/#   /' "$JB/judgeboxd.log"
	return 1
}
# jd_stop: SIGTERM (a graceful drain) and wait for the exit; its status.
jd_stop() {
	[ -n "$JD_PID" ] || return 0
	kill -TERM "$JD_PID" 2>/dev/null
	wait "$JD_PID"; local r=$?
	JD_PID=
	return $r
}
# jd_kill9: the crash case.
jd_kill9() {
	[ -n "$JD_PID" ] || return 0
	kill -KILL "$JD_PID" 2>/dev/null
	wait "$JD_PID" 2>/dev/null
	JD_PID=
}
jd_log() { sed 's/^/# judgeboxd: /' "$JB/judgeboxd.log"; }
# tap_at_end: done_testing's hook when sanitized (tests/lib/tap.sh): a
# daemon still running is stopped with SIGTERM, not killed, so that it
# exits through main and LeakSanitizer checks it.
tap_at_end() {
	[ -n "$JD_PID" ] || return 0
	jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM at the end (its leak check ran)"
}
# jd_must_start: jd_start, or bail out of the test.
jd_must_start() { jd_start || { echo "Bail out! judgeboxd did not start"; exit 1; }; }
# jd_kill_orphans: end the helpers (by their pid: those running this test
# prefix's $HELPER) that a daemon killed with -9 left behind; call with no
# daemon running.
jd_kill_orphans() {
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
# jd_phase SCRIPT NAME: run the Python test SCRIPT's phase NAME (its TAP
# numbered on from this shell's count, its failures added to this shell's:
# tests/lib/phasetap.py) with the daemon's pid; PT (a directory of the
# prefix) carries the counts and the data that later phases need.
PT=$JB/phases
mkdir -p "$PT"
jd_phase() {
	echo "$_tap_n" > "$PT/n"
	echo "$_tap_fail" > "$PT/failed"
	PT_DIR=$PT JD_PID=$JD_PID /usr/bin/python3 "$1" "$2"
	local r=$?
	_tap_n=$(cat "$PT/n")
	_tap_fail=$(cat "$PT/failed")
	# A script that dies before it can report is a failure, never silence.
	[ $r = 0 ] || ok 1 "$(basename "$1") $2 exited with status $r"
}
# as_other CMD...: run a client as jbother (not an admin, not root).
as_other() { setpriv --reuid=jbother --regid=jbother --init-groups -- "$@"; }

trap 'jd_kill9; jd_kill_orphans; jb_cleanup' EXIT
