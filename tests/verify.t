#!/bin/bash
# judgebox problem verify (judgebox(1)): a package's own submissions judged
# against its tests through a real judgeboxd, each checked against the
# directory it sits in. The packages are tests/packages/; every submission
# runs in a box of the daemon, never on this machine (some are hostile).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
jd_must_start

W=$JB/verify
P=$JB/packages		# copies the daemon's user can read, and we may change
mkdir -p "$W" "$P"
cp -r "$TOP/tests/packages/." "$P/"
chmod -R a+rX "$P"
# jb ARGS...: the CLI; stdout in $W/o, stderr in $W/e, exit status in RC.
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
show() { sed 's/^/#   out: /' "$W/o"; sed 's/^/#   err: /' "$W/e"; }
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
rows() { grep -cE ' (OK|MISMATCH)$' "$W/o"; }
mismatches() { grep -E ' MISMATCH$' "$W/o" | awk '{ print $1 }' | tr '\n' ' '; }
# nsubs DIR: the submissions of a package: entries of submissions/*/.
nsubs() { find "$1"/submissions/*/ -mindepth 1 -maxdepth 1 ! -name '.*' | wc -l; }
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/o" "$1" 2>&1; }
# small NAME DIR...: a copy of sum with only these submission directories.
small() {
	local n=$1; shift
	rm -rf "${P:?}/$n"; mkdir -p "$P/$n/submissions"
	cp -r "$P/sum/data" "$P/sum/problem.yaml" "$P/$n/"
	[ -f "$P/sum/.timelimit" ] && cp "$P/sum/.timelimit" "$P/$n/"
	for d; do cp -r "$P/sum/submissions/$d" "$P/$n/submissions/"; done
	chmod -R a+rX "$P/$n"
}

# 1. The bundled package: every submission gets what its directory says.
start=$(date +%s%N)
jb problem verify "$P/sum"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
diag "verify of tests/packages/sum took $ms ms:"
sed 's/^/#   /' "$W/o"
n=$(nsubs "$P/sum")
is_ "$RC" 0 "verify sum: exit 0"
is_ "$(rows)" "$n" "a row per submission ($n files in submissions/*/)"
is_ "$(grep -cE ' OK$' "$W/o")" "$n" "every row OK"
is_ "$(head -n 2 "$W/o" | tail -n 1 | tr -s ' ')" \
	"SUBMISSION EXPECTED GOT MAX-CPU FIRST-FAILING-TEST RESULT" "the table's columns"
grep -Eq "^$n submissions, 0 mismatches; time limit [0-9]+ ms \(from (\.timelimit|problem\.yaml)\)" "$W/o"
ok_ $? "the summary: counts, the time limit and where it came from"
# The rows are sorted by directory, then name.
is_ "$(grep -E ' (OK|MISMATCH)$' "$W/o" | awk '{ print $1 }')" \
	"$(grep -E ' (OK|MISMATCH)$' "$W/o" | awk '{ print $1 }' | LC_ALL=C sort)" "rows sorted by directory, then name"
for d in accepted wrong_answer time_limit_exceeded run_time_error compile_error; do
	grep -q "^$d/" "$W/o"; ok_ $? "sum has $d/ rows"
done

# 2. An accepted submission moved into wrong_answer/: that row, only.
small moved accepted wrong_answer
mv "$P/moved/submissions/accepted/sum.py" "$P/moved/submissions/wrong_answer/sum.py"
printf 'not a program\n' > "$P/moved/submissions/wrong_answer/notes.xyz"
mkdir -p "$P/moved/submissions/frobnicate" && cp "$P/sum/submissions/accepted/sum.c" "$P/moved/submissions/frobnicate/"
chmod -R a+rX "$P/moved"
jb problem verify "$P/moved"
is_ "$RC" 1 "a submission in the wrong directory: exit 1"
is_ "$(mismatches)" "wrong_answer/sum.py " "exactly that row is MISMATCH"
grep -Eq '^wrong_answer/sum.py +wrong_answer +accepted ' "$W/o"; ok_ $? "it expected wrong_answer and got accepted"
grep -Eq '^wrong_answer/notes.xyz +wrong_answer +skipped \(language unknown\) .* OK$' "$W/o"
ok_ $? "a file of no known language is a skipped row, not a mismatch outside accepted/"
grep -q 'warning: submissions/frobnicate: not a verdict directory' "$W/e"; ok_ $? "an unknown directory: a warning"
grep -q '^frobnicate/' "$W/o"; ok_ $((! $?)) "and no row"
grep -Eq '^[0-9]+ submissions, 1 mismatch;' "$W/o"; ok_ $? "the summary counts 1 mismatch"

# 3. No time limit in the package: derived from the accepted runs.
small nolimit accepted time_limit_exceeded
rm -f "$P/nolimit/.timelimit"
sed -i '/time_limit/d' "$P/nolimit/problem.yaml"
jb problem verify "$P/nolimit" --id derived-one
is_ "$RC" 0 "a package without a time limit: exit 0"
grep -Eq 'time limit [0-9]+000 ms \(derived: slowest accepted [0-9]+ ms x time_multiplier [0-9.]+, to whole seconds\)' "$W/o"
ok_ $? "the summary says the limit was derived, and from what"
grep -q '^problem derived-one: ' "$W/o"; ok_ $? "--id names the problem"
grep -Eq '^time_limit_exceeded/.*time_limit +[0-9]+ ms .* OK$' "$W/o"; ok_ $? "time_limit_exceeded/ rows OK at the derived limit"

# 4. --json: one document with the same data.
small json accepted wrong_answer
jb problem verify "$P/json" --json
is_ "$RC" 0 "--json: exit 0"
n=$(nsubs "$P/json")
is_ "$(json 'len(j["submissions"]) == j["total"] == '"$n"' and j["mismatches"] == 0')" "True" \
	"--json parses: $n submissions, 0 mismatches"
is_ "$(json 'sorted({s["result"] for s in j["submissions"]}), j["time_limit_from"] in ("problem.yaml", ".timelimit")')" \
	"(['OK'], True)" "--json: each submission's result, where the limit came from"

# 5. Errors.
small other accepted
as_other "$JUDGEBOX" problem verify "$P/other" >"$W/o" 2>"$W/e"; RC=$?
is_ "$RC" 3 "a non-admin: exit 3"
grep -q 'unauthorized' "$W/e" && grep -q 'only judgeboxd.s admins may' "$W/e"; ok_ $? "with a clear unauthorized message"
jb problem verify "$TOP/tests/problems/legacy-pf"
is_ "$RC" 2 "a package without submissions/: exit 2"
grep -q 'legacy-pf/submissions: No such file or directory' "$W/e"; ok_ $? "which says so"
jb problem verify "$JB/nosuch"
is_ "$RC" 2 "a directory that does not exist: exit 2"

# 6. Every other package of tests/packages (a float tolerance, groups, a
#    Kattis validator in both formats, a testlib checker, an interactive
#    problem, ...): a package added there is verified here, no edit needed.
for d in "$TOP"/tests/packages/*/; do
	p=$(basename "$d")
	[ "$p" = sum ] && continue
	if [ ! -d "$P/$p/submissions" ]; then
		ok 1 "verify $p: the package has no submissions/"
		continue
	fi
	jb problem verify "$P/$p"
	is_ "$RC" 0 "verify $p: every submission as expected ($(nsubs "$P/$p") submissions)"
done
done_testing
