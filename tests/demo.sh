#!/bin/bash
# tests/demo.sh: `make demo`. Starts a local judgeboxd on a temporary state
# directory (tests/lib/daemon-env.sh: a setuid helper in a temporary prefix,
# the daemon as the unprivileged user jbtest) and judges the example
# programs of tests/demo/ through it with the judgebox CLI: well-behaved ones
# in several languages, then hostile ones, each stopped by the jail. Prints
# each program's result as a student would see it, then checks a problem
# package's own submissions with judgebox problem verify, as a problem
# setter would before a contest. Needs root (to install
# the helper setuid); everything is removed on exit.
#
# The hostile C examples include tests/progs/hostile.h: they refuse to run as
# root or outside a fresh pid namespace, so none of them ever runs on the host.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (it installs judgebox-helper setuid into a temporary prefix)" >&2
	exit 1
fi
. "$TOP/tests/lib/daemon-env.sh"
trap 'exit 130' INT TERM HUP   # so the EXIT trap stops the daemon and cleans up
# As many boxes as CPUs (2 to 8): verify judges its submissions in parallel.
boxes=$(nproc 2>/dev/null || echo 2)
boxes=$(( boxes < 2 ? 2 : boxes > 8 ? 8 : boxes ))
sed -i "s/^boxes = .*/boxes = $boxes/" "$JB/etc/judgeboxd.conf"
# The security log blocks a user past 5 violations an hour; metrics for node_exporter.
mkdir -p "$JB/prom" && chown jbtest "$JB/prom"
printf 'violation_action = block\nmetrics_dir = %s\nmetrics_every_ms = 1000\n' "$JB/prom" \
	>> "$JB/etc/judgeboxd.conf"
echo "Starting judgeboxd (state in $JB/state, sockets in $JB/run, $boxes boxes) ..."
jd_start || { jd_log; exit 1; }
jb() { "$JUDGEBOX" -q "$@"; }

# A C example with hostile.h beside it as main.c's include.
SRC=$JB/demo-src
mkdir -p "$SRC"
c_example() {
	mkdir -p "$SRC/$1"
	sed 's|"../progs/hostile.h"|"hostile.h"|' "$TOP/tests/demo/$1.c" > "$SRC/$1/main.c"
	cp "$TOP/tests/progs/hostile.h" "$SRC/$1/"
	echo "$SRC/$1/main.c $SRC/$1/hostile.h"
}

show() {	# show TITLE judgebox-run-args...
	local title=$1; shift
	printf '\n=== %s\n$ judgebox run %s\n' "$title" "$(printf '%s ' "$@" | sed "s|$TOP/||g; s|$SRC/||g")"
	jb run "$@"
	echo "[judgebox exit status $?]"
}

echo
jb languages
show "Python: reads stdin, prints the sum" "$TOP/tests/demo/hello.py" -l python3 --stdin-text "3 4 5"
# shellcheck disable=SC2046  # c_example prints two file names
show "C, a well-behaved job" $(c_example hello)
show "Java" "$TOP/tests/demo/Main.java"
show "JavaScript" "$TOP/tests/demo/hello.js"
show "Go" "$TOP/tests/demo/hello.go"
show "Rust" "$TOP/tests/demo/hello.rs"
show "A compile error: the compiler's message, line numbers intact" "$TOP/tests/demo/broken.c"
# shellcheck disable=SC2046
{
show "A busy loop, 500 ms CPU limit" $(c_example cpuhog) --cpu-ms 500
show "Unbounded allocation, 64 MiB memory limit" $(c_example memhog) --memory-kb 65536
show "Sleeps forever, 500 ms wall-clock limit" $(c_example sleeper) --wall-ms 500
show "A write through a null pointer" $(c_example crash)
show "Tries the host's 127.0.0.1:22" $(c_example network)
show "Tries to create a user namespace (a container escape's first step)" $(c_example escape)
}
printf '\n=== Judging: a + b against tests/demo/sum-tests (three NAME.in/NAME.ans pairs)\n'
mkdir -p "$SRC/judge" && cp "$TOP/tests/demo/sum.c" "$SRC/judge/main.c"
echo '$ judgebox test sum.c --tests tests/demo/sum-tests --all'
jb test "$SRC/judge/main.c" --tests "$TOP/tests/demo/sum-tests" --all
echo "[judgebox exit status $?]"
cp "$TOP/tests/demo/sum_int.c" "$SRC/judge/main.c"
echo '$ judgebox test sum_int.c --tests tests/demo/sum-tests --all   (int overflows)'
jb test "$SRC/judge/main.c" --tests "$TOP/tests/demo/sum-tests" --all
echo "[judgebox exit status $?]"

# An editor's session (PROTOCOL.md 18): its files saved as the user types,
# each save naming the version it was made from; a run takes the files as
# saved at that moment, and the session keeps its runs.
printf '\n=== An editor'"'"'s session: create, two autosaves, run, history\n'
echo '$ judgebox session new -l python3        (from the Python template)'
sid=$(jb session new -l python3) && echo "$sid"
printf 'import sys\nprint("hello,", sys.stdin.read().strip())\n' > "$SRC/editor.py"
echo '$ judgebox session edit ID editor.py     (autosave 1)'
jb session edit "$sid" "$SRC/editor.py"
sed -i 's/hello,/good morning,/' "$SRC/editor.py"
echo '$ judgebox session edit ID editor.py     (autosave 2)'
jb session edit "$sid" "$SRC/editor.py"
echo '$ judgebox session run ID --stdin-text world'
jb session run "$sid" --stdin-text world
echo "[judgebox exit status $?]"
echo '$ judgebox session history ID'
jb session history "$sid"

echo
echo "=== The history of this session so far (judgebox history)"
jb history --limit 20

# A whole problem package checked before a contest: imported, and each of
# its own submissions judged against what its directory says it should get.
# The daemon reads the package as its user: a readable copy.
cp -r "$TOP/tests/packages/sum" "$JB/sum" && chmod -R a+rX "$JB/sum"
n=$(find "$JB/sum/submissions" -mindepth 2 -maxdepth 2 ! -name '.*' | wc -l)
printf '\n=== Checking a problem package: tests/packages/sum (a + b) and its %d submissions\n' "$n"
echo '    (accepted, wrong, slow, memory-hungry, crashing, non-compiling and hostile ones,'
echo '    in C, C++, Python and Java, in submissions/<expected verdict>/)'
echo '$ judgebox problem verify tests/packages/sum'
"$JUDGEBOX" problem verify "$JB/sum"
echo "[judgebox exit status $?]"

# An interactive one: each submission and the problem's validator run at
# the same time, each in its own jail, joined by pipes.
cp -r "$TOP/tests/packages/interactive" "$JB/interactive" && chmod -R a+rX "$JB/interactive"
printf '\n=== An interactive problem: guess the number (tests/packages/interactive)\n'
echo '$ judgebox problem verify tests/packages/interactive'
"$JUDGEBOX" problem verify "$JB/interactive"
echo "[judgebox exit status $?]"

# The security-violation log: a user (jbother, not an admin) whose program
# calls ptrace(2), which the default policy forbids, six times in an hour.
printf '#include <unistd.h>\n#include <sys/syscall.h>\nint main(void) { return syscall(SYS_ptrace, 16, 42, 0, 0, 0, 0) < 0; }\n' \
	> "$SRC/ptrace.c" && chmod a+r "$SRC/ptrace.c"
printf '\n=== Security: jbother runs a program that calls ptrace(2), six times\n'
for i in 1 2 3 4 5 6; do
	printf '$ judgebox run ptrace.c    (as jbother, #%d)\n' "$i"
	as_other "$JUDGEBOX" -q run "$SRC/ptrace.c" --cpu-ms 1000 | head -n 1
done
echo '$ judgebox run ptrace.c    (as jbother, a seventh time)'
as_other "$JUDGEBOX" -q run "$SRC/ptrace.c"
echo "[judgebox exit status $?]"
echo '$ judgebox flags    (as root, an admin)'
jb flags
echo '$ judgebox violations --limit 3'
jb violations --limit 3 2>/dev/null
echo "The authpriv lines in the daemon's log:"
grep -o 'security: .*' "$JB/judgeboxd.log" | tail -n 2
echo '$ judgebox unflag jbother'
jb unflag jbother

printf '\n=== Metrics: %s/judgebox.prom, for node_exporter'"'"'s textfile collector (excerpt)\n' "$JB/prom"
sleep 1.2
P=$JB/prom/judgebox.prom
grep '^judgebox_jobs_total' "$P" | head -n 6
grep -E '^judgebox_(queue_length|boxes|users_flagged|compile_cache_total|violations_total|helper_errors_total|store_errors_total)' "$P"
grep -E '^judgebox_run_seconds_(bucket\{le="(0.1|1|\+Inf)"\}|sum|count)' "$P"
echo '$ judgebox metrics    (the last hour, as an admin; then the same text)'
jb metrics | sed -n '1,/^$/p'
echo
jd_stop && echo "judgeboxd drained and stopped (exit 0)."
