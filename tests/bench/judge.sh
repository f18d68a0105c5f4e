#!/bin/bash
# tests/bench/judge.sh: judging figures (`make bench`). Prints, never asserts.
# Side by side in one run, on one machine, one box: a C a + b judged on
# BENCH_TESTS (40) tests, with mode all, median wall time of BENCH_REPS (5)
# judgements (the compile is cached after the first), three ways:
#  1. the built-in comparison (per test: clean + run);
#  2. a Kattis output validator in C (per test: clean + run + clean + check);
#  3. interactive, the same validator talking to the program (per test:
#     clean + a peer clean + two helpers at once).
# and, for scale, the bare helper's `run` + `clean` pair, timed the same way.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
N=${BENCH_TESTS:-40}
REPS=${BENCH_REPS:-5}
if [ "$(id -u)" != 0 ]; then
	echo "bench: needs root (it installs judgebox-helper setuid into a temporary prefix)" >&2
	exit 1
fi
. "$TOP/tests/lib/daemon-env.sh"
trap 'exit 130' INT TERM HUP
jd_conf "boxes = 1"
jd_start || { jd_log; exit 0; }
P=$JB/bench-pkgs
mk() {	# mk NAME YAML: a package of N tests "i i" -> "2i"
	mkdir -p "$P/$1/data/secret"
	printf 'name: %s\n%b' "$1" "$2" > "$P/$1/problem.yaml"
	echo 2 > "$P/$1/.timelimit"
	for i in $(seq -w 1 "$N"); do
		echo "$i $i" > "$P/$1/data/secret/$i.in"
		echo $((10#$i * 2)) > "$P/$1/data/secret/$i.ans"
	done
}
mk plain ''
mk kattis 'validation: custom\n'
mk inter 'validation: custom interactive\n'
mkdir -p "$P/kattis/output_validators/v" "$P/inter/output_validators/v"
cat > "$P/kattis/output_validators/v/v.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	long a, b;
	FILE *f = argc > 2 ? fopen(argv[2], "r") : NULL;
	if (!f || fscanf(f, "%ld", &a) != 1)
		return 1;
	return scanf("%ld", &b) == 1 && a == b ? 42 : 43;
}
EOF
cat > "$P/inter/output_validators/v/v.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	long a, b, s;
	FILE *f = argc > 2 ? fopen(argv[1], "r") : NULL;
	if (!f || fscanf(f, "%ld %ld", &a, &b) != 2)
		return 1;
	printf("%ld %ld\n", a, b);
	fflush(stdout);
	return scanf("%ld", &s) == 1 && s == a + b ? 42 : 43;
}
EOF
printf '#include <stdio.h>\nint main(void) { long a, b; if (scanf("%%ld %%ld", &a, &b) == 2) printf("%%ld\\n", a + b); return 0; }\n' > "$JB/sum.c"
chmod -R a+rX "$P" "$JB/sum.c"
for p in plain kattis inter; do "$JUDGEBOX" -q problem import "b$p" "$P/$p" >/dev/null || jd_log; done

# median ms of REPS runs of a command
med() {
	local t=() i s e
	for i in $(seq "$REPS"); do
		s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N)
		t+=($(( (e - s) / 1000000 )))
	done
	printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (REPS + 1) / 2 ))p"
}
echo "judging benchmark — $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(uname -sr), $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg); 1 box"
echo "== a C a + b on $N tests, mode all; median of $REPS judgements (compile cached)"
for p in plain kattis inter; do "$JUDGEBOX" -q judge "b$p" "$JB/sum.c" --all >/dev/null 2>&1; done
declare -A ms
for p in plain kattis inter; do
	ms[$p]=$(med "$JUDGEBOX" -q judge "b$p" "$JB/sum.c" --all)
done
# The bare helper: run + clean of the compiled program, N times, as the daemon's user.
cc -O2 -o "$PROGS/sum" "$JB/sum.c"
bare() {	# one shell as the daemon's user, so that only the helper is timed
	setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- bash -c '
		"$1" clean 7
		for i in $(seq "$3"); do
			"$1" run 7 --policy=strict --result-fd=3 -- "$2" </dev/null 3>/dev/null >/dev/null
			"$1" clean 7
		done' bare "$HELPER" "$PROGS/sum" "$N" >/dev/null 2>&1
}
ms[bare]=$(med bare)
for p in plain kattis inter bare; do
	case $p in
	plain) what="built-in comparison" ;;
	kattis) what="Kattis output validator (C)" ;;
	inter) what="interactive (C validator)" ;;
	bare) what="bare helper run + clean, no daemon" ;;
	esac
	awk -v w="$what" -v m="${ms[$p]}" -v n="$N" -v b="${ms[bare]}" \
		'BEGIN { printf "  %-36s %6d ms  %5.1f ms/test  %5.1f tests/s  (x%.2f the bare pair)\n", w, m, m / n, n * 1000 / m, m / b }'
done
exit 0
