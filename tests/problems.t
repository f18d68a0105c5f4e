#!/bin/bash
# Problems and submissions (PROTOCOL.md 14.4): a package imported from the
# daemon's host (admin only), its view without secret tests, submissions
# judged against its tests as files (pass-fail and scored), and a 100 MiB
# input and output judged without the daemon holding either in memory.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
P=$JB/packages
mkdir -p "$P"

# pkg DIR: a legacy package; then tst DIR GROUP NAME IN ANS adds a test.
pkg() { mkdir -p "$P/$1/data/sample" "$P/$1/data/secret"; printf 'name: %s\n%b' "$1" "${2:-}" > "$P/$1/problem.yaml"; }
tst() { mkdir -p "$P/$1/data/$2"; printf -- "$4" > "$P/$1/data/$2/$3.in"; printf -- "$5" > "$P/$1/data/$2/$3.ans"; }
pkg sum
tst sum sample 1 '1 2\n' '3\n'
tst sum secret 01 '10 20\n' '30\n'
tst sum secret 02 '-5 5\n' '0\n'
tst sum secret 03 '1000000000 1000000000\n' '2000000000\n'
pkg scored 'type: scoring\n'
tst scored sample 1 '1\n' '1\n'
tst scored secret/g1 1 '2\n' '4\n'
tst scored secret/g1 2 '3\n' '9\n'
tst scored secret/g2 1 '100\n' '10000\n'
printf 'grader_flags: min\naccept_score: 30\n' > "$P/scored/data/secret/g1/testdata.yaml"
printf 'grader_flags: sum\naccept_score: 35\n' > "$P/scored/data/secret/g2/testdata.yaml"
# 100 MiB of "1234567\n" in and out; output limit 128 MiB, time limit 20 s.
pkg big 'limits:\n  output: 128\n'
echo 20 > "$P/big/.timelimit"
yes 1234567 | head -c 104857600 > "$P/big/data/secret/huge.in"
cp "$P/big/data/secret/huge.in" "$P/big/data/secret/huge.ans"
# An output validator in Python 2: judgebox has no such language.
pkg py2 'validation: custom\n'
tst py2 secret 1 '1\n' '1\n'
mkdir -p "$P/py2/output_validators/v"
printf '#!/usr/bin/env python2\nprint "x"\n' > "$P/py2/output_validators/v/v.py"
chmod -R a+rX "$P"

jd_must_start
py() { /usr/bin/python3 "$TOP/tests/lib/problem_client.py" "$@"; }

is "$(py import sum "$P/sum")" "ok sum 4" "problem_import: an admin imports a package (4 tests)"
is "$(as_other /usr/bin/python3 "$TOP/tests/lib/problem_client.py" import x "$P/sum")" "error unauthorized" \
	"problem_import by a non-admin: unauthorized"
is "$(py import inter "$TOP/tests/problems/interactive")" "ok inter 3" \
	"an interactive package imports (its validator is built at judging)"
is "$(py import py2 "$P/py2")" "error unavailable" \
	"an output validator in Python 2 (no such language here): unavailable"
is "$(py import bad "$TOP/tests/problems/broken/missing-ans")" "error bad_request" "a broken package: bad_request"
is "$(py get sum)" "ok sum pass-fail network=none tests=4 samples=sample/1:1 2|3" "problem_get: type, network, counts, the sample only"
is "$(py get nosuch)" "error not_found" "problem_get of an unknown problem: not_found"
is "$(py get 'No/Such')" "error bad_request" "problem_get of a malformed id: bad_request, not not_found"
is "$(py list)" "ok sum" "problem_list"

ADD='a, b = map(int, input().split())\nprint(a + b)\n'
MUL='a, b = map(int, input().split())\nprint(a * b)\n'
is "$(py submit sum python3 "$ADD" all)" "judged accepted - 4/4" "submit: a right solution is accepted on every test"
is "$(py submit sum python3 "$MUL" first_failure)" "judged wrong_answer sample/1 1/4" \
	"submit: a wrong one stops at its first failing test"
is "$(py submit sum python3 "$MUL" all)" "judged wrong_answer sample/1 4/4" "mode all runs every test"
is "$(py submit_limits sum)" "error bad_request limits" "a submission cannot set limits"
is "$(py submit nosuch python3 "$ADD" all)" "error not_found" "submit to an unknown problem: not_found"
is "$(py submit 'No/Such' python3 "$ADD" all)" "error bad_request" "submit to a malformed problem id: bad_request"
is "$(py limits sum)" "cpu_ms=1000 memory_kb=1048576" "the job's limits come from the problem (1 s; 2 GiB cut to the ceiling)"

py import scored "$P/scored" >/dev/null
SQ='n = int(input())\nprint(n * n if n < 50 else 0)\n'
is "$(py submit scored python3 "$SQ" all score)" "judged wrong_answer secret/g2/1 4/4 score=31" \
	"a scored problem: the sample (1), g1 (min, 30) pass, g2 (35) fails: score 31"
is "$(py submit scored python3 'n = int(input())\nprint(n * n)\n' all score)" "judged accepted - 4/4 score=66" \
	"all accepted: 1 + 30 + 35 = 66 (legacy: the sample counts without ignore_sample)"

py import big "$P/big" >/dev/null
CAT='#include <stdio.h>\nint main(void) { char b[65536]; size_t n; while ((n = fread(b, 1, sizeof b, stdin)) > 0) fwrite(b, 1, n, stdout); return 0; }\n'
before=$(awk '/VmHWM/ { print $2 }' "/proc/$JD_PID/status")
is "$(py submit big c "$CAT" all)" "judged accepted - 1/1" "a 100 MiB input echoed back is judged accepted"
after=$(awk '/VmHWM/ { print $2 }' "/proc/$JD_PID/status")
diag "judgeboxd peak RSS: $before KiB before, $after KiB after"
ok $(( after - before < 32768 ? 0 : 1 )) "and the daemon's peak memory grew by less than 32 MiB ($((after - before)) KiB)"
is "$(py events sum python3 "$ADD")" "ok 4 tests, index 1..4, seq consecutive" "a test event per test of a submission"

# Legacy grading with ranges (tests/problems/legacy-scoring: squares; the
# secret group and g2 are clamped to 0..100, g1 to 0..30).
py import lscore "$TOP/tests/problems/legacy-scoring" >/dev/null
is "$(py submit lscore python3 'print(int(input()) ** 2)\n' all score)" "judged accepted - 7/7 score=100" \
	"legacy scoring: 1 + 30 + 140 + 1, clamped to the secret group's range 0..100"
is "$(py submit lscore python3 'print(int(input()) ** 2 + 1)\n' all score)" \
	"judged wrong_answer sample/1 7/7 score=0" "all rejected: g2's -2 is clamped to 0"
for i in $(seq 101); do py import "p$(printf %03d $i)" "$P/sum" >/dev/null; done
is "$(py listall)" "106 problems, pages of 100: 2" "problem_list pages with next (106 problems)"

# The tests are copied at import (state_dir/problems/ID.STAMP): a package
# changed after its import, even by a link planted to lead the daemon out
# of it, changes nothing; a link planted before the import is refused.
pkg moved
tst moved secret 1 '1 1\n' '2\n'
tst moved secret 2 '2 2\n' '4\n'
chmod -R a+rX "$P/moved"
py import moved "$P/moved" >/dev/null
printf '20 22\n' > "$JB/outside.in"; chmod 644 "$JB/outside.in"
rm "$P/moved/data/secret/2.in"; ln -s "$JB/outside.in" "$P/moved/data/secret/2.in"
printf '5 5\n' > "$P/moved/data/secret/1.in"
is "$(py submit moved python3 "$ADD" all)" "judged accepted - 2/2" \
	"a package changed after its import (an input edited, one replaced by a link out): the snapshot is judged"

# languages: in problem.yaml (legacy: a string of ids; 2023-07: a list or
# `all`) is kept at import and enforced at submit.
pkg onlyc 'languages: c cpp\n'
tst onlyc secret 1 '1 2\n' '3\n'
mkdir -p "$P/onlyc2023"; cp -r "$P/onlyc/data" "$P/onlyc2023/"
printf 'problem_format_version: 2023-07-draft\nname: onlyc2023\nlanguages: [cpp, c]\n' > "$P/onlyc2023/problem.yaml"
mkdir -p "$P/all2023"; cp -r "$P/onlyc/data" "$P/all2023/"
printf 'problem_format_version: 2023-07-draft\nname: all2023\nlanguages: all\n' > "$P/all2023/problem.yaml"
chmod -R a+rX "$P"
for id in onlyc onlyc2023 all2023; do py import $id "$P/$id" >/dev/null; done
CADD='#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);return 0;}\n'
is "$(py submit onlyc python3 "$ADD" all)" "error bad_request" \
	"languages: c cpp (legacy string): a python3 submission is refused"
is "$(py submit onlyc c "$CADD" all)" "judged accepted - 1/1" "languages: c cpp: a C submission is judged"
is "$(py submit onlyc2023 python3 "$ADD" all)" "error bad_request" \
	"languages: [cpp, c] (2023-07 list): a python3 submission is refused"
is "$(py submit all2023 python3 "$ADD" all)" "judged accepted - 1/1" "languages: all accepts any language"
is "$(py import moved2 "$P/moved")" "error bad_request" "importing it now: the link out of the package is refused"
py import sum "$P/sum" >/dev/null
n=$(ls -d "$JB"/state/problems/moved.* "$JB"/state/problems/sum.* 2>/dev/null | wc -l)
is "$n" 2 "snapshots in the state directory: one per problem, the one a re-import replaced is gone"
# A job accepted before a re-import is judged with the data it was accepted
# with: a slow a + b is judging sum (a + b) when sum is re-imported as a - b.
SLOW='import time\na, b = map(int, input().split())\ntime.sleep(0.5)\nprint(a + b)\n'
jid=$(py queue sum python3 "$SLOW")
pkg sub
tst sub secret 1 '5 3\n' '2\n'
chmod -R a+rX "$P/sub"
py import sum "$P/sub" >/dev/null
is "$(py verdict "$jid")" "accepted 4/4" "a job accepted before a re-import: judged with its own tests (4 of a + b)"
is "$(py submit sum python3 "$ADD" all)" "judged wrong_answer secret/1 1/1" "a job after it: the new tests (1 of a - b)"
py import sum "$P/sum" >/dev/null
n=$(ls -d "$JB"/state/problems/sum.* 2>/dev/null | wc -l)
is "$n" 1 "and once no job needs the old copies, they are gone"

# network: loopback (a judgebox key in problem.yaml, either format): the
# submission's runs get lo up in a namespace of their own. The program is
# a networking lab's: an echo server on 127.0.0.1 and its client, in one
# process. Without the key (the default) it cannot bind or connect.
ECHO='import socket, threading\ns = socket.socket()\ns.bind(("127.0.0.1", 0))\ns.listen(1)\n'
ECHO+='def serve():\n    c, _ = s.accept()\n    c.sendall(c.recv(100))\n    c.close()\n'
ECHO+='threading.Thread(target=serve, daemon=True).start()\nc = socket.create_connection(s.getsockname())\n'
ECHO+='c.sendall(input().encode())\nprint(sum(map(int, c.recv(100).split())))\n'
pkg echo 'network: loopback\n'
tst echo secret 1 '1 2\n' '3\n'
mkdir -p "$P/echo2023/data/secret"; cp "$P/echo/data/secret/"* "$P/echo2023/data/secret/"
printf 'problem_format_version: 2023-07-draft\nname: echo2023\nnetwork: loopback\n' > "$P/echo2023/problem.yaml"
pkg echonone
cp -r "$P/echo/data" "$P/echonone/"
pkg echobad 'network: host\n'
cp -r "$P/echo/data" "$P/echobad/"
chmod -R a+rX "$P"
for id in echo echo2023 echonone; do py import $id "$P/$id" >/dev/null; done
is "$(py submit echo python3 "$ECHO" all)" "judged accepted - 1/1" \
	"network: loopback (legacy): a server and its client in one submission talk over 127.0.0.1"
is "$(py submit echo2023 python3 "$ECHO" all)" "judged accepted - 1/1" "network: loopback (2023-07-draft): the same"
is "$(py submit echonone python3 "$ECHO" all | cut -d' ' -f1-2)" "judged runtime_error" \
	"without it (the default): no interface, the same program fails"
is "$(py get echo | cut -d' ' -f1-4)" "ok echo pass-fail network=loopback" "problem_get says network=loopback"
is "$(py import_why echobad "$P/echobad")" "error bad_request: path: problem.yaml:2: network: host: not none or loopback" \
	"network: host: refused at import, naming the file and line"

# Requirement coverage: ids from NAME.req files and a group's testdata.yaml.
pkg reqs
tst reqs secret t1 '1 1\n' '2\n'
tst reqs secret t2 '2 2\n' '5\n'
tst reqs secret/g t3 '3 3\n' '6\n'
printf 'R1\n' > "$P/reqs/data/secret/t1.req"
printf 'R1\nR2\n' > "$P/reqs/data/secret/t2.req"
printf 'requirements: [R3]\n' > "$P/reqs/data/secret/g/testdata.yaml"
chmod -R a+rX "$P/reqs"
py import reqs "$P/reqs" >/dev/null
is "$(py reqs reqs python3 "$ADD")" "total=3 covered=1 missing=R1,R2" \
	"requirements: R1 and R2 (t2 fails) missing, R3 (t3 passes) covered"
done_testing
