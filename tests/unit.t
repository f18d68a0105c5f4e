#!/bin/sh
# The C unit tests: every tests/unit/NAME_test.c is a program printing TAP,
# built by `make unit` into $O/unit/NAME_test (O as make's: build, unless
# `make check O=DIR`, which puts O in the environment). Among them:
#   mp_test       the msgpack codec (proto/): PROTOCOL.md section 4, the writer
#   compare_test  the built-in output comparison: the Kattis default output
#                 validator's rules, exact and lines modes, the option
#                 parsers, 100 MiB a side through pipes in bounded memory
#   problem_test  the problem package loader on tests/problems (legacy and
#                 2023-07-draft packages) and broken ones
#   policy_test   the helper's policy parser on good and broken files, and
#                 every shipped policy
#   wire_test     proto/wire.h's tables, and that the helper's limit names
#                 are the same, in the same order
#   (and each further tests/unit/*_test.c: its header says what it checks)
# Each runs from the top of the tree. Their TAP is relayed as one stream,
# renumbered, each name prefixed with its program's; then one test per
# program: it printed its plan, ran all of it, and exited 0 (1 if one of
# its tests failed); a crash or an early exit fails there.
. "$(dirname "$0")/lib/tap.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
make -s -C "$top" O="$O" unit >/dev/null || { echo "Bail out! cannot build tests/unit"; exit 1; }
case $O in /*) bin=$O/unit ;; *) bin=$top/$O/unit ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 1

# relay NAME: a program's TAP on stdin, renumbered from $_tap_n; leaves
# "count failures plan ran" in $tmp/counts (plan -1: none printed).
relay() {
	awk -v n="$_tap_n" -v fail="$_tap_fail" -v name="$1" -v out="$tmp/counts" '
	BEGIN { plan = -1; ran = 0 }
	/^(not )?ok( |$)/ {
		bad = /^not /
		sub(/^(not )?ok */, ""); sub(/^[0-9]+ */, ""); sub(/^- */, "")
		todo = toupper($0) ~ /#[ \t]*TODO/
		n++; ran++
		if (bad && !todo)
			fail++
		print (bad ? "not ok " : "ok ") n " - " name ($0 ~ /^#/ || $0 == "" ? " " : ": ") $0
		fflush()
		next
	}
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; if (toupper($0) ~ /# *SKIP/) print "# " name ": " $0; next }
	/^TAP version / { next }
	{ print; fflush() }
	END { print n, fail, plan, ran > out }'
}

for src in tests/unit/*_test.c; do
	name=$(basename "$src" .c)
	# The programs that take arguments: the files they check.
	case $name in
	policy_test)  set -- "$top"/policies/*.policy ;;
	problem_test) set -- "$top/tests/problems" ;;
	wire_test)    set -- "$top" ;;
	*)            set -- ;;
	esac
	failed=$_tap_fail
	{ "$bin/$name" "$@"; echo $? >"$tmp/rc"; } | relay "$name"
	read -r _tap_n _tap_fail plan ran <"$tmp/counts"
	rc=$(cat "$tmp/rc")
	want=0
	[ "$_tap_fail" = "$failed" ] || want=1
	if [ "$plan" = -1 ]; then why="printed no plan (exit status $rc)"
	elif [ "$ran" != "$plan" ]; then why="planned $plan tests, ran $ran (exit status $rc)"
	elif [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"
	elif [ "$rc" != "$want" ]; then why="exit status $rc, not $want"
	else why=
	fi
	[ -z "$why" ]; ok $? "$name ran its whole plan and exited $want"
	[ -z "$why" ] || diag "  $why"
done
done_testing
