#!/bin/sh
# fuzz.t: the libFuzzer targets of tests/fuzz/ (each NAME_fuzz.c) replayed
# in `make check`: built with clang (`make fuzz-build`, into $O/fuzz), each
# runs once over its committed corpus, tests/fuzz/corpus/NAME (libFuzzer
# runs the files it is given once each), then fuzzes for a bounded number
# of runs from it, new inputs kept in a scratch directory. Each must end
# without a crash, a leak or a sanitizer report. Long runs: `make fuzz`.
# Skipped without clang.
. "$(dirname "$0")/lib/tap.sh"
top=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in /*) bin=$O/fuzz ;; *) bin=$top/$O/fuzz ;; esac
RUNS=${FUZZ_RUNS:-2000}
cd "$top" || exit 1
if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
	skip "no clang: the fuzz targets are not built (make deps installs it)"
	done_testing
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
if ! make -s -C "$top" O="$O" fuzz-build >"$tmp/build.log" 2>&1; then
	ok 1 "the fuzz targets build with clang"
	sed 's/^/#   /' "$tmp/build.log" | tail -30
	done_testing
fi

# report NAME LOG RC WHAT: one assertion; the sanitizer's summary on failure.
report() {
	[ "$3" = 0 ] && ! grep -q '^SUMMARY: ' "$2"
	ok $? "$1: $4"
	[ "$3" = 0 ] || { diag "  exit status $3; the end of its log:"; tail -25 "$2" | sed 's/^/#   /'; }
}

for src in tests/fuzz/*_fuzz.c; do
	name=$(basename "$src" _fuzz.c)
	corpus=tests/fuzz/corpus/$name
	set -- "$corpus"/*
	if [ ! -e "$1" ]; then
		ok 1 "$name: has a committed corpus in $corpus"
		continue
	fi
	"$bin/${name}_fuzz" -artifact_prefix="$tmp/$name-" "$@" >"$tmp/$name.replay" 2>&1
	report "$name" "$tmp/$name.replay" $? "its $# corpus inputs run clean"
	mkdir -p "$tmp/$name"
	"$bin/${name}_fuzz" -runs="$RUNS" -max_total_time=10 -artifact_prefix="$tmp/$name-" \
		"$tmp/$name" "$corpus" >"$tmp/$name.fuzz" 2>&1
	report "$name" "$tmp/$name.fuzz" $? "$RUNS fuzzed runs from its corpus, clean"
done
done_testing
