#!/bin/bash
# Every language of policies/languages.d through judgeboxd and the judgebox
# CLI, as a student submits: hello world; a sum of the integers on stdin
# (read through the pipe the daemon gives); and a program with an error on
# line 3, whose message must name the file and line 3 (the compiler's
# output for a compiled language, the program's stderr for an interpreter).
# A language whose toolchain is missing here is listed unavailable by the
# daemon; its three tests are skipped with that reason.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"
. "$(dirname "$0")/lib/lang-progs.sh"
jd_must_start
ids=$(for f in "$TOP"/policies/languages.d/*.conf; do basename "$f" .conf; done)

"$JUDGEBOX" languages --json > "$JB/langs.json"
# lang ID FIELD: a field of the daemon's description of language ID.
lang() { /usr/bin/python3 -c '
import json, sys
for l in json.load(open(sys.argv[1]))["languages"]:
    if l["id"] == sys.argv[2]: print(l.get(sys.argv[3], ""))' "$JB/langs.json" "$1" "$2"; }
# field FILE EXPR: a value from a job printed by judgebox --json.
jfield() { /usr/bin/python3 -c '
import json, sys
j = json.load(open(sys.argv[1])); j = j.get("job", j); r = j.get("result", {})
print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
n_listed=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["languages"]))' "$JB/langs.json")
is "$n_listed" "$(wc -w <<<"$ids")" "languages lists every file of languages.d"

printf '1 2 3\n40\n' > "$JB/input"
for id in $ids; do
	if [ "$(lang "$id" available)" != True ]; then
		why=$(lang "$id" reason)
		for k in hello sum err; do skip "$id $k: unavailable here: $why"; done
		continue
	fi
	src=$(lang "$id" source)
	for kind in hello sum err; do
		mkdir -p "$JB/src/$id.$kind"
		prog "$id" $kind > "$JB/src/$id.$kind/$src"
		"$JUDGEBOX" -q --json run "$JB/src/$id.$kind/$src" -l "$id" -i "$JB/input" \
			--cpu-ms 5000 --wall-ms 20000 > "$JB/out.json" 2>/dev/null
		st=$(jfield "$JB/out.json" 'r.get("status")')
		out=$(jfield "$JB/out.json" 'r.get("stdout", "").strip()')
		case $kind in
		hello) is "$st:$out" "ok:hello" "$id: hello world" ;;
		sum) is "$st:$out" "ok:46" "$id: the sum of stdin" ;;
		err)
			msg=$(jfield "$JB/out.json" 'r.get("compile", {}).get("output", "") or r.get("stderr", "")')
			w=$(where "$id" "$src")
			case "$st" in ok) ok 1 "$id: an error on line 3 fails" ;;
			*) case $msg in *"$w"*) ok 0 "$id: an error on line 3 is reported at $w ($st)" ;;
			   *) ok 1 "$id: an error on line 3 is reported at $w"; echo "# status $st, said: ${msg:0:300}" ;;
			   esac ;;
			esac ;;
		esac
	done
done
done_testing
