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
diag() { echo "# $*"; }
