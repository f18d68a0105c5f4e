# tap.sh: TAP for shell tests. ok COND NAME; is GOT WANT NAME; skip WHY;
# done_testing last, which prints the plan ("1..N" at the end, as TAP
# allows) and exits non-zero if a test failed. A script that stops before
# done_testing prints no plan, which prove reports as a failure.
# skip_all WHY: nothing to test here ("1..0 # SKIP WHY"), exit 0.
_tap_n=0
_tap_fail=0
plan() { echo "1..$1"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
# done_testing: the plan; the exit status is the number of failures (at
# most 254), as Test::More's.
done_testing() {
	if [ -n "${SANITIZE:-}" ]; then _san_end; fi
	echo "1..$_tap_n"
	[ "$_tap_fail" -gt 254 ] && _tap_fail=254
	exit "$_tap_fail"
}
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then echo "ok $_tap_n - $2"
	else echo "not ok $_tap_n - $2"; _tap_fail=$((_tap_fail + 1)); fi
}
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; echo "#   got: '$1'"; echo "#  want: '$2'"; fi
}
# within GOT WANT PERCENT NAME: |GOT - WANT| <= WANT * PERCENT / 100
within() {
	case "$1" in ''|*[!0-9]*) ok 1 "$4"; echo "#   got '$1', not a number"; return ;; esac
	d=$(( $1 > $2 ? $1 - $2 : $2 - $1 ))
	if [ $((d * 100)) -le $(($2 * $3)) ]; then ok 0 "$4 ($1, want $2 ±$3%)"
	else ok 1 "$4"; echo "#   got $1, want $2 ±$3%"; fi
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }

# Sanitized builds (`make check SANITIZE=address,undefined`, see Makefile):
# every sanitized program this test starts (unit tests, judgeboxd, judgebox,
# as any user) writes its ASan, LSan or UBSan report to a file in SAN_LOG,
# halts on the first error and aborts, so that no report is lost in a stderr
# nobody reads. done_testing first calls tap_at_end if a harness defined it
# (daemon-env.sh stops judgeboxd with SIGTERM, so its leak check runs),
# then adds one test: SAN_LOG holds nothing but ASan's warnings of a failed
# allocation (allocator_may_return_null, below); a report fails it and is
# shown.
# The caller's ASAN_OPTIONS etc. come last, so they win.
if [ -n "${SANITIZE:-}" ]; then
	SAN_LOG=$(mktemp -d /var/tmp/judgebox-san.XXXXXX) && chmod 1777 "$SAN_LOG" ||
		{ echo "Bail out! cannot make a directory for sanitizer reports"; exit 1; }
	_san="halt_on_error=1:abort_on_error=1:log_path=$SAN_LOG"
	# allocator_may_return_null: the code handles a failed malloc (tests ask
	# for 4 EiB on purpose), as it must without ASan.
	export ASAN_OPTIONS="$_san/asan:detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="$_san/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
fi
_san_end() {
	if command -v tap_at_end >/dev/null 2>&1; then tap_at_end; fi
	set --
	for f in "$SAN_LOG"/*; do
		[ -e "$f" ] || continue
		grep -qv '^==[0-9]*==WARNING: AddressSanitizer failed to allocate 0x[0-9a-f]* bytes$' "$f" &&
			set -- "$@" "$f"
	done
	ok $# "no sanitizer report (SANITIZE=$SANITIZE) from this test's programs"
	for f; do echo "# $f:"; sed 's/^/#   /' "$f" | head -n 80; done
	rm -rf "$SAN_LOG"
}
diag() { echo "# $*"; }
