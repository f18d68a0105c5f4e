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
# R's shell front end reads /etc/R (ldpaths, Renviron), and GHC its package
# database in /var/lib/ghc: the binds policies/helper.conf has for them.
write_conf "bind /etc/R" "bind /var/lib/ghc"
jd_must_start
all=$(for f in "$TOP"/policies/languages.d/*.conf; do basename "$f" .conf; done)
# LANGS="ada r" tests only those (while writing a definition).
ids=${LANGS:-$all}

"$JUDGEBOX" languages --json > "$JB/langs.json"
"$JUDGEBOX" languages | sed 's/^/# /'
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
is "$n_listed" "$(wc -w <<<"$all")" "languages lists every file of languages.d"

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
		hello|sum) want=ok:hello what="hello world"
			[ $kind = sum ] && want=ok:46 what="the sum of stdin"
			is "$st:$out" "$want" "$id: $what"
			[ "$st:$out" = "$want" ] ||
				echo "# stderr: $(jfield "$JB/out.json" 'r.get("stderr", "")[:300]')" ;;
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

# Every shipped language runs under `default` (strict is an opt-in): a C
# program that forks, and one that makes a memfd, end with their own
# result, not a security violation.
if [ "$(lang c available)" = True ]; then
	mkdir -p "$JB/src/c.fork" "$JB/src/c.memfd"
	printf '#include <stdio.h>\n#include <sys/wait.h>\n#include <unistd.h>\nint main(void)\n{\n\tint st;\n\tpid_t p = fork();\n\tif (p == 0)\n\t\t_exit(7);\n\tif (p < 0 || waitpid(p, &st, 0) != p)\n\t\treturn 1;\n\tprintf("child %%d\\n", WEXITSTATUS(st));\n\treturn 3;\n}\n' \
		> "$JB/src/c.fork/main.c"
	printf '#define _GNU_SOURCE\n#include <stdio.h>\n#include <sys/mman.h>\n#include <unistd.h>\nint main(void)\n{\n\tint fd = memfd_create("x", 0);\n\tchar b[3] = "";\n\tif (fd < 0 || write(fd, "ok", 2) != 2 || pread(fd, b, 2, 0) != 2)\n\t\treturn 1;\n\tputs(b);\n\treturn 0;\n}\n' \
		> "$JB/src/c.memfd/main.c"
	for t in fork:"exit:child 7" memfd:"ok:ok"; do
		"$JUDGEBOX" -q --json run "$JB/src/c.${t%%:*}/main.c" -l c --cpu-ms 5000 --wall-ms 20000 \
			> "$JB/out.json" 2>/dev/null
		got=$(jfield "$JB/out.json" 'r.get("status") + ":" + r.get("stdout", "").strip()')
		is "$got" "${t#*:}" "c: a program that calls ${t%%:*} runs to its own result under the C policy"
	done
else
	for t in fork memfd; do skip "c: unavailable here"; done
fi
done_testing
