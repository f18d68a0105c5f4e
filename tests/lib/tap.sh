# tap.sh: TAP for shell tests. plan N; ok COND NAME; is GOT WANT NAME; skip WHY.
_tap_n=0
_tap_fail=0
plan() { echo "1..$1"; }
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
