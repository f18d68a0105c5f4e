#!/bin/bash
# tests/demo.sh [BUILD_DIR]: `make demo` until the controller exists.
#
# Installs judgebox-helper setuid into a temporary prefix exactly as the tests
# do (tests/lib/helper-env.sh), compiles the example programs of tests/demo/
# into the prefix's program directory (which that config binds into the jail),
# runs each through the helper as the unprivileged controller stand-in
# (jbtest), and prints what the helper's result record said, one row each.
# The prefix, its cgroups and mounts are removed on exit. Needs root.
#
# The example programs include tests/progs/hostile.h: they refuse to run as
# root or outside a fresh pid namespace, so none of them ever runs on the host.
# BUILD_DIR is accepted for symmetry with the other make targets; the helper
# is built inside the temporary prefix with its own compiled-in config path.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

if [ "$(id -u)" != 0 ]; then
	echo "demo: needs root (it installs judgebox-helper setuid into a temporary prefix)" >&2
	exit 1
fi

. "$TOP/tests/lib/helper-env.sh"
trap 'exit 130' INT TERM HUP   # so helper-env.sh's EXIT trap cleans up

# name | helper options | what it shows
DEMOS=(
	"hello   ||a job that behaves"
	"cpuhog  |--cpu-ms=500|a busy loop, 500 ms CPU limit"
	"memhog  |--memory-kb=65536|unbounded allocation, 64 MiB memory limit"
	"network ||connects to the host's 127.0.0.1:22"
	"crash   ||a write through a null pointer"
	"sleeper |--wall-ms=500|sleeps, 500 ms wall-clock limit"
	"escape  ||tries to create a user namespace"
)

for d in "${DEMOS[@]}"; do
	n=${d%%|*}; n=${n// /}
	${CC:-cc} -std=gnu11 -O1 -Wall -o "$PROGS/$n" "$TOP/tests/demo/$n.c" ||
		{ echo "demo: cannot compile tests/demo/$n.c" >&2; exit 1; }
done

signame() { local s; s=$(kill -l "$1" 2>/dev/null) && echo "SIG$s" || echo "signal $1"; }
human_kb() { awk -v k="$1" 'BEGIN { if (k == "") print "-"; else if (k >= 10240) printf "%.1f MiB\n", k / 1024; else printf "%d KiB\n", k }'; }

row() { printf '%-8s %-13s %-12s %7s %7s %10s  %s\n' "$@"; }
row program status exit/signal "cpu ms" "wall ms" "peak mem" "first line of output"
row -------- ------------- ------------ ------- ------- ---------- --------------------
box=0
for d in "${DEMOS[@]}"; do
	IFS='|' read -r n opts what <<<"$d"
	n=${n// /}
	# shellcheck disable=SC2086  # opts is one option or none
	box_run $box $opts -- "$PROGS/$n"
	st=$(field status)
	sig=$(field signal); ec=$(field exitcode)
	if [ -n "$sig" ] && [ "$sig" != 0 ]; then es=$(signame "$sig")
	elif [ -n "$ec" ]; then es="exit $ec"
	else es=-; fi
	line=$(head -n 1 "$OUT/stdout")
	[ -n "$line" ] || line=$(head -n 1 "$OUT/stderr" | sed 's/^/stderr: /')
	[ "$st" = internal_error ] && line="helper: $(field message)"
	[ "$st" = violation ] && line="violation: $(field syscall)($(field args))"
	[ ${#line} -gt 60 ] && line="${line:0:57}..."
	row "$n" "${st:-none}" "$es" "$(field cpu_ms)" "$(field wall_ms)" "$(human_kb "$(field memory_kb)")" "$line"
	box=$(( (box + 1) % 8 ))
done
echo
echo "Each job ran in its own box (0-$((${#DEMOS[@]} - 1))) via: judgebox-helper run BOX [LIMIT] --result-fd=3 -- PROG"
for d in "${DEMOS[@]}"; do
	IFS='|' read -r n opts what <<<"$d"
	printf '  %-8s %-18s %s\n' "${n// /}" "${opts:-(defaults)}" "$what"
done
echo "Default limits (test config): $(awk '$1 == "limit" { printf "%s%s=%s", n++ ? ", " : "", $2, $3 }' "$JB/etc/helper.conf")"
