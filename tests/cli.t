#!/bin/bash
# judgebox(1), the command-line client, against a real judgeboxd
# (tests/lib/daemon-env.sh): every command, the output forms, the exit
# statuses of judgebox(1), EXIT STATUS.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
jd_must_start

W=$JB/cli
mkdir -p "$W/multi" "$W/nomain"
cd "$W" || exit 1
# jb ARGS...: the CLI; its stdout in $W/o, stderr in $W/e, exit status in RC.
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
line1() { head -n 1 "$W/o"; }
has() { grep -q -- "$2" "$W/$1"; }
show() { sed 's/^/#   out: /' "$W/o"; sed 's/^/#   err: /' "$W/e"; }
# ok_, is_: as ok and is, and show the output when the test fails.
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
# json EXPR: evaluate a Python expression on the JSON in $W/o (as j).
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/o" "$1" 2>&1; }

cat > hello.c <<'EOF'
#include <stdio.h>
int main(void)
{
	char s[64];
	if (fgets(s, sizeof s, stdin))
		printf("got %s", s);
	puts("hello from c");
	return 0;
}
EOF
printf 'print("hello from python")\n' > hello.py
printf 'int main(void) { return 3; }\n' > exit3.c
printf '#include <stdio.h>\nint main(void)\n{\n\treturn x;\n}\n' > bad.c
printf 'int main(void) { volatile int *p = 0; return *p; }\n' > segv.c
printf 'import sys\nprint(" ".join(sys.argv[1:]))\n' > args.py
printf 'import sys\nsys.stdout.write("y" * 5000)\n' > big.py
printf 'import time\ntime.sleep(1.5)\nprint("slept")\n' > slow.py
printf 'import time\ntime.sleep(60)\n' > sleep.py
printf 'int twice(int);\n' > multi/util.h
printf '#include "util.h"\nint twice(int x) { return 2 * x; }\n' > multi/util.c
printf '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%%d\\n", twice(21)); return 0; }\n' > multi/main.c
cp multi/util.c multi/util.h nomain/

# run: C and Python, status line, stdout, stdin.
jb run hello.c
is "$RC/$(line1 | cut -c1-10)" "0/ok  exit 0" "run hello.c: exit 0, status line 'ok  exit 0 ...'"
grep -Eq '^ok  exit 0  cpu [0-9]+ ms  wall [0-9]+ ms  mem [0-9.]+ (KiB|MiB)$' "$W/o"; ok_ $? "the status line has cpu, wall and memory"
is "$(sed -n 2p "$W/o")" "hello from c" "the program's stdout follows the status line"
jb run hello.c --stdin-text $'abc\n'
is "$(sed -n 2p "$W/o")" "got abc" "--stdin-text is the program's standard input"
printf 'from a file\n' > in.txt
jb run hello.c -i in.txt
is "$(sed -n 2p "$W/o")" "got from a file" "-i FILE is the program's standard input"
jb run -l python3 hello.py
is "$RC/$(sed -n 2p "$W/o")" "0/hello from python" "run -l python3 hello.py: exit 0, its stdout"
jb run -l python3 args.py -- one 'two words' three
is_ "$(sed -n 2p "$W/o")" "one two words three" "words after -- are the program's arguments"

# The language: from the extension, from -l, or a clear error.
jb languages
jb run hello.py
is "$RC/$(sed -n 2p "$W/o")" "0/hello from python" ".py is python3's (pypy3 claims .pypy): exit 0, its stdout"
cp hello.c hello.zz
jb run hello.zz
is "$RC" 2 "an extension no language claims: exit 2"
has e 'cannot tell the language' && has e 'c (.c)'; ok_ $? "and the error lists the languages with their extensions"
jb run -l nosuchlang hello.c hello.py
is "$RC" 2 "an unknown -l (checked against languages): exit 2"
jb run -l nosuchlang hello.c
is "$RC" 3 "an unknown -l with one file (the daemon decides): exit 3"
has e '^judgebox: bad_request: '; ok_ $? "and the daemon's code and message are printed"

# Other statuses: exit 1.
jb run exit3.c
is "$RC" 1 "a program that exits 3: judgebox exits 1"
line1 | grep -Eq '^exit 3  cpu'; ok_ $? "and its status line starts 'exit 3'"
jb run segv.c
is "$RC/$(line1 | cut -c1-14)" "1/signal SIGSEGV" "a segfault: exit 1, 'signal SIGSEGV'"
jb run bad.c
is "$RC/$(line1 | cut -c1-13)" "1/compile_error" "a compile error: exit 1, status compile_error"
has e '^bad\.c:4:[0-9]*: error: .x. undeclared'; ok_ $? "the compiler's messages, verbatim on stderr, name the file (bad.c:4)"
jb run -l python3 big.py --output-kb 1
is "$(($(wc -c < "$W/o") - $(line1 | wc -c)))" 1024 "--output-kb 1: 1024 bytes of stdout shown"
has e 'stdout truncated: 1024 of 5000 bytes shown'; ok_ $? "and a note says it was cut"

# Several files: base names; the entry point by the Kattis format's rule
# (the one source file, else main.*, else the first source file).
jb run multi/main.c multi/util.c multi/util.h
is "$RC/$(sed -n 2p "$W/o")" "0/42" "three files (main.c util.c util.h) compile together"
jb run nomain/util.h in.txt -l c
is "$RC" 2 "several files, none a source file of the language: exit 2"
has e 'no file is a source file of c'; ok_ $? "and the error says so"
printf 'import helper\nhelper.hi()\n' > multi/Go.py
printf 'def hi():\n    print("hi from", __name__)\n' > multi/helper.py
jb run multi/helper.py multi/Go.py
is_ "$RC/$(sed -n 2p "$W/o")" "0/hi from helper" "no main.*: the first source file in byte order (Go.py) is the entry point"
printf 'public class hello {\n\tpublic static void main(String[] a) {\n\t\tSystem.out.println("hello from java");\n\t}\n}\n' > hello.java
if [ -x /usr/bin/javac ]; then
	jb run hello.java
	is_ "$RC/$(sed -n 2p "$W/o")" "0/hello from java" "a public class named after its file (hello.java): class hello runs"
else
	skip "no javac on this host: hello.java"
fi
printf '#!/usr/bin/env python2\nprint "hello from python 2"\n' > old.py
jb run old.py
{ [ "$RC" = 3 ] && has e 'python2'; }; ok_ $? "a .py with a python2 shebang is python2's (unavailable here, or unknown), never run as Python 3"
printf '#!/usr/bin/env python3\nprint("hello from python 3")\n' > new.py
jb run new.py
is_ "$RC/$(sed -n 2p "$W/o")" "0/hello from python 3" "a python3 shebang: python3"

# --json: the job, parsed by a JSON reader.
jb run hello.c --json
is "$RC/$(json 'j["state"], j["result"]["status"], j["result"]["stdout"]')" \
	"0/('judged', 'ok', 'hello from c\\n')" "run --json: the job as JSON (state, status, stdout as a string)"
jb run bad.c --json
is "$(json 'j["result"]["status"], "bad.c:4:" in j["result"]["compile"]["output"]')" \
	"('compile_error', True)" "run --json of a compile error: status and compiler output"
printf 'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe")\n' > bytes.py
jb run -l python3 bytes.py --json
is "$(json 'j["result"]["stdout"]')" "{'base64': '//4='}" "stdout that is not UTF-8 is {\"base64\": ...}"
jb run -l c hello.c --cpu-ms 999999999 --json
is "$RC/$(json 'j["error"]["code"], j["error"]["field"]')" "3/('bad_request', 'limits.cpu_ms')" \
	"a limit over the ceiling: exit 3, the error as JSON"

# The progress line, on a terminal.
script -qec "$JUDGEBOX run hello.c" /dev/null > "$W/tty" 2>&1; rc=$?
grep -q 'job [0-9]*: queued.* -> judged' "$W/tty"; r=$?
ok $r "on a terminal, run shows 'job N: queued ... -> judged'"
[ $r = 0 ] || sed 's/^/#   tty: /' "$W/tty"
is "$rc/$(grep -c 'hello from c' "$W/tty")" "0/1" "and then the result, exit 0"

# submit, watch, status.
jb submit -l python3 slow.py --label "cli-$$"
id=$(cat "$W/o")
case "$id" in ''|*[!0-9]*) ok 1 "submit prints a job id"; show ;; *) ok 0 "submit prints a job id ($id)" ;; esac
jb watch "$id"
is "$RC/$(sed -n 2p "$W/o")" "0/slept" "watch follows the job to its end and prints it as run does"
has e "^job $id: running" && has e "^job $id: judged"; ok_ $? "watch reports the states on stderr (running, judged)"
jb status "$id"
is "$RC/$(line1 | cut -d' ' -f1-4)" "0/job $id  judged" "status: a header line with id and state"
line1 | grep -q "python3  user root  label cli-$$  created 20"; ok_ $? "with language, user, label and creation time"
is "$(sed -n 2p "$W/o" | cut -c1-10)" "ok  exit 0" "then the result as run prints it"
jb get "$id" --source
has o '^==> slow.py <==' && has o 'time.sleep(1.5)'; ok_ $? "get (status) --source prints the job's file, under its own name"
jb status "$id" --json
is "$(json 'j["id"], j["label"], j["result"]["stdout"]')" "($id, 'cli-$$', 'slept\\n')" "status --json: the job"
jb submit -l python3 hello.py --idem "idem-$$" --label "cli-$$"
id2=$(cat "$W/o")
jb submit -l python3 hello.py --idem "idem-$$" --label "cli-$$"
is "$(cat "$W/o")" "$id2" "submit with the same --idem gives the same job"
has e 'used before'; ok_ $? "and says that it was not submitted again"
jb status 999999999
is "$RC" 3 "status of a job that does not exist: exit 3"
has e '^judgebox: not_found: '; ok_ $? "with the daemon's not_found"

# cancel.
jb submit -l python3 sleep.py --wall-ms 30000 --label "cli-$$"
id3=$(cat "$W/o")
for _ in $(seq 50); do
	"$JUDGEBOX" status "$id3" | head -n 1 | grep -q running && break; sleep 0.1
done
jb cancel "$id3"
is "$RC/$(cat "$W/o")" "0/job $id3 cancelled" "cancel of a sleeping job: 'job N cancelled', exit 0"
jb status "$id3"
is "$RC/$(sed -n 2p "$W/o")" "1/cancelled" "its status is cancelled, exit 1"
jb cancel "$id3"
is "$RC/$(cat "$W/o")" "0/job $id3 had already ended: cancelled" "cancel again: already ended, exit 0"
jb watch "$id3"
is "$RC/$(line1)" "1/cancelled" "watch of a cancelled job: exit 1"

# history: one page, the next one, every page.
jb history --label "cli-$$" --limit 1
is "$RC/$(wc -l < "$W/o")" "0/2" "history --limit 1: a heading and one job"
is "$(sed -n 2p "$W/o" | awk '{print $1, $2, $NF}')" "$id3 cancelled cli-$$" "the newest job first: id, state, label"
has e '--cursor '; ok_ $? "stderr says how to get more"
cur=$(sed -n 's/.*--cursor //p' "$W/e")
jb history --label "cli-$$" --limit 1 --cursor "$cur"
is "$(sed -n 2p "$W/o" | awk '{print $1}')" "$id2" "--cursor gives the next page"
jb history --label "cli-$$" --limit 1 --all
is "$RC/$(tail -n +2 "$W/o" | awk '{print $1}' | tr '\n' ' ')" "0/$id3 $id2 $id " "--all follows every page: three jobs, newest first"
is "$(sed -n 4p "$W/o" | awk '{print $2, $3, $4}')" "judged ok python3" "a line has state, status and language"
jb history --label "cli-$$" --limit 1 --all --json
is "$(json '[x["id"] for x in j["jobs"]], "next" in j')" "([$id3, $id2, $id], False)" "history --all --json: every job, no next"
jb history --label "cli-$$" --state cancelled
is "$(tail -n +2 "$W/o" | awk '{print $1}')" "$id3" "--state filters"

# languages, health.
jb languages
grep -Eq '^c +gcc .* \.c$' "$W/o" && grep -Eq '^python3 ' "$W/o"; ok_ $? "languages: c with its version and .c, python3"
jb languages --json
is "$(json '[l["source"] for l in j["languages"] if l["id"] == "c"]')" "['main.c']" "languages --json: the list"
jb health
is "$RC/$(sed -n 2p "$W/o")" "0/user root (admin)" "health: exit 0, says who the caller is"
line1 | grep -q '^judgeboxd .* (protocol v3)'; ok_ $? "and the daemon's version and protocol"
jb health --json
is "$(json 'j["draining"], j["user"]')" "(False, 'root')" "health --json"

# test: judging against NAME.in + NAME.ans pairs (PROTOCOL.md section 14).
mkdir -p tdir tbad
printf 'a, b = map(int, input().split())\nprint(a + b)\n' > sum.py
printf 'a, b = map(int, input().split())\nprint(a + b + (a == 1))\n' > sumwa.py
printf '1 2\n' > tdir/a.in; printf '3\n' > tdir/a.ans
printf '10 20\n' > tdir/b.in; printf '30\n' > tdir/b.ans
printf 'notes\n' > tdir/a.desc
printf '1 1\n' > tbad/x.in
jb test -l python3 sum.py --tests tdir
is_ "$RC/$(tail -n 1 "$W/o")" "0/accepted (2/2 tests)" "test --tests DIR: exit 0, 'accepted (2/2 tests)' (other files ignored)"
grep -Eq '^  1/2 a  accepted  [0-9]+ ms  [0-9.]+ (KiB|MiB)$' "$W/o" && grep -Eq '^  2/2 b  accepted ' "$W/o"
ok_ $? "one line per test, in name order: '  1/2 a  accepted  N ms  MEM'"
jb test -l python3 sumwa.py --tests tdir --all
is_ "$RC/$(sed -n 1p "$W/o" | cut -c1-21)/$(tail -n 1 "$W/o" | cut -c1-48)" \
	'1/  1/2 a  wrong_answer/wrong_answer on test "a": wrong answer on line 1' \
	"a wrong answer: exit 1, the test's line, then 'wrong_answer on test \"a\": wrong answer on line 1...'"
jb test bad.c --case tdir/a.in tdir/a.ans
is_ "$RC/$(line1 | cut -c1-29)" "1/compile_error  compiler exit " "test of a compile error: exit 1, printed as run does"
has e '^bad\.c:4:[0-9]*: error: '; ok_ $? "with the compiler's messages verbatim on stderr"
jb test -l python3 sum.py --tests tbad
is_ "$RC/$(cat "$W/e")" "2/judgebox: tbad/x.in without tbad/x.ans" "a .in without its .ans: exit 2, says which"
jb test -l python3 sum.py --tests tdir --json
is_ "$RC/$(json 'j["kind"], j["result"]["verdict"], [t["name"] for t in j["result"]["tests"]]')" \
	"0/('test', 'accepted', ['a', 'b'])" "test --json: the job, with verdict and tests"
tid=$(json 'j["id"]')
printf 'hello from python  \n' > hello.ans
jb test -l python3 hello.py --case tdir/a.in hello.ans --compare exact; r1=$RC
jb test -l python3 hello.py --case tdir/a.in hello.ans --compare lines --ignore-trailing-space
is_ "$r1/$RC/$(line1 | cut -c1-13)" "1/0/  1/1 a  acce" "--case IN ANS; --compare exact refuses trailing spaces, lines --ignore-trailing-space takes them"
jb test -l python3 sum.py --tests tdir --no-keep --label "cli-nokeep-$$"
"$JUDGEBOX" history --label "cli-nokeep-$$" > "$W/h"
is_ "$RC/$(wc -l < "$W/h")" "0/1" "--no-keep: accepted, and history does not show the job (only the heading)"
jb status "$tid"
is_ "$RC/$(tail -n 1 "$W/o")" "0/accepted (2/2 tests)" "status of a test job: its test lines and verdict"
script -qec "$JUDGEBOX test -l python3 sumwa.py --tests tdir" /dev/null > "$W/tty" 2>&1; rc=$?
grep -q 'job [0-9]*: queued.*running' "$W/tty" && grep -q '^  1/2 a  wrong_answer' "$W/tty" \
	&& grep -q '^wrong_answer on test "a"' "$W/tty"; r=$?
ok $r "on a terminal, test shows the job's states, then a line per test, then the verdict"
[ $r = 0 ] || sed 's/^/#   tty: /' "$W/tty"
is "$rc" 1 "and exits 1 for a wrong answer"

# problem and judge: packages imported from this host, submissions judged
# against their tests (PROTOCOL.md 14.4).
ln -s "$TOP/tests/problems/legacy-pf" pf
printf 'a, b = map(int, input().split())\nprint(a * b)\n' > mul.py
printf 'n = int(input())\nprint(n * n)\n' > sq.py
printf 'n = int(input())\nprint(n * n if n < 5 else 0)\n' > sqwa.py
jb problem import pf pf
is_ "$RC/$(cat "$W/o")" "0/imported pf: Hello Legacy, 7 tests" \
	"problem import ID DIR (a relative link, made absolute here): exit 0, name and test count"
has e '^judgebox: warning: data/secret/orphan.ans: no orphan.in' && has e '^judgebox: warning: problem.yaml:12: '
ok_ $? "the package's warnings, one a line on stderr"
jb problem import pf "$TOP/tests/problems/legacy-pf" --json
is_ "$RC/$(json 'j["problem"]["id"], j["problem"]["tests"]')" "0/('pf', 7)" \
	"importing the same id again replaces it; --json: the reply's problem"
jb problem import sc "$TOP/tests/problems/legacy-scoring"
is_ "$RC" 0 "a scoring package imports too"
as_other "$JUDGEBOX" problem import other pf >"$W/o" 2>"$W/e"; RC=$?
is_ "$RC/$(cat "$W/e")" "3/judgebox: unauthorized: only admins may import problems" \
	"problem import by a non-admin: exit 3, unauthorized"
jb problem import nodir nosuchdir
is_ "$RC/$(cat "$W/e")" "2/judgebox: nosuchdir: No such file or directory" \
	"a relative DIR that does not exist here: exit 2"
jb problem show pf
is_ "$RC/$(head -n 4 "$W/o" | tr '\n' '|')" \
	"0/problem pf  Hello Legacy|type    pass-fail|limits  cpu 2500 ms  memory 512.0 MiB  output 16.0 MiB|tests   7 (2 samples)|" \
	"problem show: id, name, type, limits (.timelimit 2.5 s), test count"
is_ "$(tail -n +5 "$W/o" | tr '\n' '|')" "==> sample/1.in <==|1 2|==> sample/1.ans <==|3|==> sample/2.in <==|5 7|==> sample/2.ans <==|12|" \
	"then each sample's input and answer, after ==> NAME.in <== and ==> NAME.ans <=="
jb problem show pf --json
is_ "$(json 'j["problem"]["type"], [(x["name"], x["input"]) for x in j["problem"]["samples"]]')" \
	"('pass-fail', [('sample/1', '1 2\\n'), ('sample/2', '5 7\\n')])" "problem show --json: the problem, samples as strings"
jb problem show nosuch
is_ "$RC/$(cat "$W/e")" "3/judgebox: not_found: problem nosuch not found" "problem show of an unknown id: exit 3, not_found"
jb problem list
is_ "$RC/$(tr '\n' ' ' < "$W/o")" "0/pf sc " "problem list: the ids, in id order"
jb problem list --limit 1
is_ "$(cat "$W/o")/$(cat "$W/e")" "pf/judgebox: more problems: --all, or --cursor pf" \
	"problem list --limit 1: one id, and stderr says how to get more"
jb problem list --limit 1 --all
is_ "$RC/$(tr '\n' ' ' < "$W/o")/$(cat "$W/e")" "0/pf sc /" "--all follows next to the end"
jb problem list --limit 1 --all --json
is_ "$(json '[p["id"] for p in j["problems"]], "next" in j')" "(['pf', 'sc'], False)" "problem list --all --json"
cp -r "$TOP/tests/problems/legacy-pf" "$W/pflo" && printf 'network: loopback\n' >> "$W/pflo/problem.yaml"
chmod -R a+rX "$W/pflo"
jb problem import pflo "$W/pflo"
jb problem show pflo
is_ "$RC/$(sed -n 2,3p "$W/o" | tr '\n' '|')" "0/type    pass-fail|network loopback (lo up in each run of a submission)|" \
	"problem show of a package with network: loopback says so, under its type"

jb judge pf sum.py --label "cli-judge-$$"
is_ "$RC/$(tail -n 1 "$W/o")" "0/accepted (7/7 tests)" "judge PROBLEM FILE: a right solution, exit 0, 'accepted (7/7 tests)'"
grep -Eq '^  1/7 sample/1 +accepted  [0-9]+ ms  [0-9.]+ (KiB|MiB)$' "$W/o" && grep -Eq '^  7/7 secret/a-b +accepted ' "$W/o" \
	&& [ "$(grep -c '^  [1-7]/7 ' "$W/o")" = 7 ]
ok_ $? "a line per test of the package, samples first, in its order"
jb judge pf mul.py
is_ "$RC/$(wc -l < "$W/o")/$(line1 | cut -c1-28)/$(tail -n 1 "$W/o" | cut -c1-55)" \
	'1/2/  1/7 sample/1  wrong_answer/wrong_answer on test "sample/1": wrong answer on line 1' \
	"a wrong solution: exit 1, stops at the first failing test (one line), names it"
jb judge pf mul.py --all
is_ "$RC/$(grep -c '^  [1-7]/7 ' "$W/o")/$(grep -c ' accepted ' "$W/o")/$(tail -n 1 "$W/o" | cut -c1-31)" \
	'1/7/2/wrong_answer on test "sample/1"' "--all: every test runs (0 0 and 2 2 pass), the verdict is the first failure's"
jb judge pf sum.py --json
is_ "$RC/$(json 'j["kind"], j["result"]["verdict"], j["result"]["total"], len(j["result"]["tests"])')" \
	"0/('submit', 'accepted', 7, 7)" "judge --json: the submit job, verdict, total, tests"
jid=$(json 'j["id"]')
jb judge pf mul.py --json
is_ "$RC/$(json 'j["result"]["verdict"], j["result"]["first_failure"]')" "1/('wrong_answer', 'sample/1')" \
	"judge --json of a wrong solution: exit 1, verdict and first_failure"
jb judge nosuch sum.py
is_ "$RC/$(cat "$W/e")" "3/judgebox: not_found: problem nosuch not found" "judge of an unknown problem: exit 3, not_found"
jb judge sc sq.py --json
sc=$(json '"%g" % j["result"]["score"]')
jb judge sc sq.py
is_ "$RC/$(grep -v '^  ' "$W/o" | tail -n 1)" "0/accepted (7/7 tests)  score $sc" "a scoring problem: the score ends the verdict line"
is_ "$(grep -c '^  group secret/' "$W/o")/$(grep '^  group secret/g2 ' "$W/o" | tr -s ' ')" \
	"3/ group secret/g2 100 accepted" "then a line per group: its path, score and verdict"
jb judge sc sqwa.py --all
grep -v '^  ' "$W/o" | tail -n 1 | grep -Eq '^wrong_answer on test "secret/g2/a": .*  score -?[0-9.]+$'; ok_ $? "also after a failure's message"
jb status "$jid"
is_ "$RC/$(tail -n 1 "$W/o")/$(grep -c '^  [1-7]/7 ' "$W/o")" "0/accepted (7/7 tests)/7" "status of a submit job: its test lines and verdict"
jb watch "$jid" -q
is_ "$RC/$(tail -n 1 "$W/o")" "0/accepted (7/7 tests)" "watch of a submit job: the same"
jb history --label "cli-judge-$$"
is_ "$(tail -n +2 "$W/o" | wc -l)" 1 "judge --label: the job has the label"
jb judge pf sum.py --idem "judge-$$" --json; j1=$(json 'j["id"]')
jb judge pf sum.py --idem "judge-$$" --json
is_ "$(json 'j["id"]')/$(cat "$W/e")" "$j1/judgebox: this idem key was used before: that job, not a new one" \
	"judge with the same --idem gives the same job, and says so"
script -qec "$JUDGEBOX judge pf mul.py --all" /dev/null > "$W/tty" 2>&1; rc=$?
grep -q 'job [0-9]*: queued.*running' "$W/tty" && [ "$(grep -c '^  [1-7]/7 ' "$W/tty")" = 7 ] \
	&& grep -q '^wrong_answer on test "sample/1"' "$W/tty"; r=$?
ok $r "on a terminal, judge shows the job's states, a line per test, then the verdict"
[ $r = 0 ] || sed 's/^/#   tty: /' "$W/tty"
is "$rc" 1 "and exits 1 for a wrong answer"

# A job-wide judge_error (an output validator that does not compile): status
# names no test, and prints no stray bytes.
mkdir -p badval/output_validators/v
cp -r "$TOP/tests/problems/legacy-pf/data" badval/
printf 'name: Bad Validator\nvalidation: custom\n' > badval/problem.yaml
printf 'int main(void) { return x; }\n' > badval/output_validators/v/v.c
jb problem import badval badval
jb judge badval sum.py --json; bid=$(json 'j["id"]')
jb status "$bid"
grep -q '^judge_error: the output validator does not compile' "$W/o" && ! grep -q 'on test' "$W/o" && \
	! LC_ALL=C grep -q '[^[:print:][:space:]]' "$W/o"; ok_ $? "status of a job-wide judge_error: no test named, no stray bytes"

# Usage errors: exit 2, fast, nothing sent.
bad=
for args in "" "frob" "status" "status abc" "status 0" "run" "watch 1 2" "watch 1 --source" \
	"history --limit 0" "history --limit 101" "run hello.c -i in.txt --stdin-text x" \
	"--bogus health" "health --timeout x" "history 7" "cancel 1 -- x" "problem" "problem frob" \
	"problem show" "problem import pf" "problem list x" "judge pf" "judge pf sum.py --cpu-ms 5" \
	"problem show pf --all"; do
	# shellcheck disable=SC2086
	jb $args
	[ "$RC" = 2 ] && [ ! -s "$W/o" ] && has e '^Try .judgebox --help.' || bad="$bad [$args: exit $RC]"
done
[ -z "$bad" ]; ok $? "23 usage errors: exit 2, a hint on stderr, nothing on stdout"
[ -z "$bad" ] || diag "failed:$bad"
jb run missing.c -l c
is "$RC" 2 "a file that cannot be read: exit 2"
jb --help
is "$RC/$(line1 | cut -c1-6)" "0/usage:" "--help: usage on stdout, exit 0"
jb --version
line1 | grep -q '^judgebox [0-9.]* (protocol v3)$'; ok_ $? "--version"

# No daemon: exit 4, a clear message; at once when its socket file is
# absent, else within the timeout (a socket file nobody listens on).
t0=$(date +%s%N)
jb health -e "ipc://$JB/run/nothing.sock"
t=$((($(date +%s%N) - t0) / 1000000))
is "$RC" 4 "no daemon at the endpoint: exit 4"
has e "judgeboxd is not running: no socket $JB/run/nothing.sock"; ok_ $? "with a clear message"
[ "$t" -lt 1000 ]; ok $? "at once, not after the 5 s timeout (${t} ms)"
/usr/bin/python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$JB/run/dead.sock"
t0=$(date +%s%N)
jb health -e "ipc://$JB/run/dead.sock" --timeout 300
t=$((($(date +%s%N) - t0) / 1000000))
is "$RC" 4 "a socket file nobody listens on: exit 4"
has e "judgeboxd did not answer at ipc://$JB/run/dead.sock within 300 ms (is it running?)"; ok_ $? "with a clear message"
[ "$t" -lt 1500 ]; ok $? "after the --timeout (300 ms), not later (${t} ms)"
jd_stop
jb run hello.c -l c --timeout 500
is "$RC" 4 "after the daemon stopped, run: exit 4"
has e 'did not answer' && has e 'may have been accepted'; ok_ $? "says so, and that the job may have been accepted"
done_testing
