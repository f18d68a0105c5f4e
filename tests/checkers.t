#!/bin/bash
# Output validators and interactive problems through a real judgeboxd
# (PROTOCOL.md 14.4): what the Kattis and testlib conventions give, what a
# broken validator gives (judge_error, never the contestant's fault), custom
# scores, and the corner cases of an interaction: who ended first, a
# program that neither reads nor writes, CPU time counted for the program
# only. The packages are made here, tiny; tests/verify.t judges the bigger
# ones under tests/packages.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
jd_must_start

W=$JB/chk
P=$W/pkgs
mkdir -p "$P"
cd "$W" || exit 1
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
show() { sed 's/^/#   out: /' "$W/o" | head -c 3000; sed 's/^/#   err: /' "$W/e"; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
# r EXPR: a Python expression on the job's result (r) in $W/o.
r() { /usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])).get("result",{}); print(eval(sys.argv[2]))' "$W/o" "$1" 2>&1; }
# pkg NAME YAML: a package with one secret test, "12" -> "2"; val NAME FILE: its validator.
pkg() {
	mkdir -p "$P/$1/data/secret" "$P/$1/output_validators/v"
	printf 'name: %s\n%b' "$1" "$2" > "$P/$1/problem.yaml"
	echo 1 > "$P/$1/.timelimit"
	echo 12 > "$P/$1/data/secret/1.in"
	echo 2 > "$P/$1/data/secret/1.ans"
}
val() { cat > "$P/$1/output_validators/v/$2"; }
imp() { chmod -R a+rX "$P"; "$JUDGEBOX" problem import "$1" "$P/$1" >/dev/null 2>"$W/e" || show; }
judge() { jb judge "$@" --json --all; }

printf 'n = int(input())\nprint(max(d for d in range(2, n) if n %% d == 0))\n' > big.py
printf 'input()\nprint(1)\n' > one.py

# A Kattis validator: a proper divisor of n; its argv and its verdict
# in judgemessage.txt.
pkg div 'validation: custom\nvalidator_flags: --strict\n'
val div div.c <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	long n, d;
	char p[512];
	FILE *in = fopen(argv[1], "r"), *fb;
	snprintf(p, sizeof p, "%s/judgemessage.txt", argv[3]);
	if (!in || !(fb = fopen(p, "w")) || fscanf(in, "%ld", &n) != 1)
		return 1;
	if (scanf("%ld", &d) != 1 || d <= 1 || d >= n || n % d) {
		fprintf(fb, "not a proper divisor (args %d, %s)\n", argc, argc > 4 ? argv[4] : "-");
		return 43;
	}
	fprintf(fb, "%ld divides %ld (args %d, %s)\n", d, n, argc, argc > 4 ? argv[4] : "-");
	return 42;
}
EOF
imp div
judge div big.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "0/accepted/6 divides 12 (args 5, --strict)" \
	"Kattis validator: 42 is accepted; judgemessage.txt is the message; input, answer, feedback dir, then the flags"
judge div one.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "1/wrong_answer/not a proper divisor (args 5, --strict)" \
	"43 is wrong_answer, with the validator's message"

# The same in Python: an interpreted validator's one file runs as main.py.
pkg divpy 'validation: custom\n'
val divpy check.py <<'EOF'
import sys
n = int(open(sys.argv[1]).read())
d = int(sys.stdin.read().split()[0])
open(sys.argv[3] + "judgemessage.txt", "w").write("python says %s\n" % ("yes" if n % d == 0 and 1 < d < n else "no"))
sys.exit(42 if n % d == 0 and 1 < d < n else 43)
EOF
imp divpy
judge divpy big.py
is_ "$RC/$(r 'r["tests"][0]["message"]')" "0/python says yes" "a Python output validator"

# Broken validators: judge_error, never the contestant's verdict.
pkg ex0 'validation: custom\n'
printf 'int main(void) { return 0; }\n' | val ex0 v.c
imp ex0
judge ex0 big.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "judge_error/the output validator failed (exit 0)" \
	"a Kattis validator that exits 0: judge_error (only 42 and 43 are verdicts)"
pkg segv 'validation: custom\n'
printf 'int main(void) { volatile int *p = 0; return *p; }\n' | val segv v.c
imp segv
judge segv big.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "judge_error/the output validator failed (signal 11)" \
	"a validator that crashes: judge_error, with its signal"
pkg nocc 'validation: custom\n'
printf 'int main(void) { return x; }\n' | val nocc v.c
imp nocc
judge nocc big.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'len(r.get("tests", []))')" "1/judge_error/0" \
	"a validator that does not compile: the job is judge_error, no test runs"
case $(r 'r.get("message", "")') in *"does not compile"*"v.c:1:"*) ok 0 "its message quotes the compiler, line included" ;;
	*) ok 1 "its message quotes the compiler, line included"; show ;; esac
pkg slow 'validation: custom\nlimits:\n  validation_time: 1\n'
printf 'int main(void) { for (;;); }\n' | val slow v.c
imp slow
judge slow big.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "judge_error/the output validator failed (cpu_limit)" \
	"a validator past validation_time: judge_error"

# Custom scores: score.txt (legacy validation: custom score).
pkg cs 'type: scoring\nvalidation: custom score\n'
val cs v.c <<'EOF'
#include <stdio.h>
int main(int argc, char **argv)
{
	char p[512];
	long d;
	(void)argc;
	snprintf(p, sizeof p, "%s/score.txt", argv[3]);
	FILE *f = fopen(p, "w");
	if (!f || scanf("%ld", &d) != 1)
		return 1;
	if (d == 1)
		return 42;		/* accepted, but no score */
	fprintf(f, "%ld.5\n", d);
	return 42;
}
EOF
imp cs
judge cs big.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'r["score"]')" "0/accepted/6.5" "custom score: score.txt is the test's score, and the job's"
judge cs one.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "judge_error/the output validator accepted without a number in score.txt" \
	"custom score: accepted without a score is judge_error"

# testlib checkers (checker_style: testlib): input output answer; 0 1 2 3 7.
pkg tl 'type: scoring\nvalidation: custom\nchecker_style: testlib\n'
val tl chk.cpp <<'EOF'
#include <cstdio>
int main(int argc, char **argv)
{
	long d = 0;
	FILE *out = argc > 3 ? fopen(argv[2], "r") : nullptr;
	if (!out || fscanf(out, "%ld", &d) != 1) { fprintf(stderr, "fail: no output file\n"); return 3; }
	if (d == 6) { fprintf(stderr, "ok six\n"); return 0; }
	if (d == 2) { fprintf(stderr, "points 0.25 two is a quarter\n"); return 7; }
	if (d == 3) { fprintf(stderr, "presentation error: three\n"); return 2; }
	if (d == 4) { fprintf(stderr, "checker bug\n"); return 3; }
	fprintf(stderr, "wrong answer %ld\n", d);
	return 1;
}
EOF
imp tl
printf 'input()\nprint(2)\n' > two.py
printf 'input()\nprint(3)\n' > three.py
printf 'input()\nprint(4)\n' > four.py
judge tl big.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "0/accepted/ok six" "testlib: exit 0 is accepted; stderr's first line is the message"
judge tl one.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "wrong_answer/wrong answer 1" "testlib: exit 1 is wrong_answer"
judge tl three.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "presentation_error/presentation error: three" "testlib: exit 2 is presentation_error"
judge tl two.py
is_ "$(r 'r["verdict"]')/$(r 'r["score"]')" "accepted/0.25" "testlib: exit 7 gives the points on stderr as the test's score"
judge tl four.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "judge_error/the checker failed (exit 3): checker bug" \
	"testlib: exit 3 (the checker failed) is judge_error"

# Interactive: guess n; the validator answers lower/higher/correct.
mkdir -p "$P/ia/data/secret" "$P/ia/output_validators/i"
printf 'name: ia\nvalidation: custom interactive\n' > "$P/ia/problem.yaml"
echo 1 > "$P/ia/.timelimit"
echo 37 > "$P/ia/data/secret/1.in"
echo 37 > "$P/ia/data/secret/1.ans"
cat > "$P/ia/output_validators/i/i.c" <<'EOF'
#include <signal.h>
#include <stdio.h>
#include <time.h>
int main(int argc, char **argv)
{
	long n, g;
	int q = 0;
	char p[512];
	FILE *in = fopen(argv[1], "r"), *fb;
	(void)argc;
	signal(SIGPIPE, SIG_IGN);
	snprintf(p, sizeof p, "%s/judgemessage.txt", argv[3]);
	if (!in || !(fb = fopen(p, "w")) || fscanf(in, "%ld", &n) != 1)
		return 1;
	clock_t t = clock();		/* 300 ms of its own CPU first */
	while (clock() - t < CLOCKS_PER_SEC * 3 / 10)
		;
	for (;;) {
		if (scanf("%ld", &g) != 1) { fprintf(fb, "no guess after %d\n", q); return 43; }
		if (++q > 10) { fprintf(fb, "more than 10 guesses\n"); return 43; }
		if (g == n) { printf("correct\n"); fflush(stdout); fprintf(fb, "found in %d\n", q); return 42; }
		printf(g < n ? "higher\n" : "lower\n");
		fflush(stdout);
	}
}
EOF
imp ia
cat > bs.py <<'EOF'
lo, hi = 1, 1000
while True:
    m = (lo + hi) // 2
    print(m, flush=True)
    a = input()
    if a == "correct":
        break
    lo, hi = (m + 1, hi) if a == "higher" else (lo, m - 1)
EOF
judge ia bs.py
is_ "$RC/$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "0/accepted/found in 10" "interactive: the two talk through pipes; judgemessage.txt"
c=$(r 'r["tests"][0]["cpu_ms"]')
[ "${c:-999}" -lt 250 ]; ok $? "interactive: cpu_ms is the program's own ($c ms; the validator spun 300 ms)"
# A program that prints guesses and never reads: the validator says 43
# after ten; the program then dies writing (SIGPIPE) or ends: wrong_answer.
printf 'import sys\nfor i in range(1, 10**7):\n    print(i, flush=True)\n' > flood.py
judge ia flood.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["message"]')" "wrong_answer/more than 10 guesses" \
	"interactive: the validator's wrong_answer wins over the program's later death"
# A program that neither reads nor writes: its wall limit ends it; the
# judge does not hang.
printf 'import os, time\nif os.getuid() == 0 or os.getpid() > 64:\n    raise SystemExit(99)\ntime.sleep(100)\n' > sleep.py
t0=$(date +%s)
judge ia sleep.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["status"]')" "time_limit/wall_limit" "interactive: a program that waits forever: time_limit (wall)"
t=$(( $(date +%s) - t0 ))
[ "$t" -lt 20 ]; ok $? "and the judge went on ($t s)"
# A program that crashes first: its own verdict, not the validator's.
printf 'print(500, flush=True)\ninput()\nraise SystemExit(3)\n' > crash.py
judge ia crash.py
is_ "$(r 'r["verdict"]')/$(r 'r["tests"][0]["exit_code"]')" "runtime_error/3" "interactive: a program that fails first: its runtime_error"

jd_stop
done_testing
