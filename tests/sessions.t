#!/bin/bash
# Sessions (PROTOCOL.md 18), an editor's backend, through the real ipc
# sockets: every operation and error (tests/lib/sessions_test.py, in phases
# between which this file reconfigures, kills and restarts judgeboxd), the
# templates as data, and `judgebox session` (judgebox(1)) with the CLI's
# checks made before it talks to the daemon.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

phase() { jd_phase "$TOP/tests/lib/sessions_test.py" "$1"; }

# Templates: one starting program per language file, not blank.
missing=
for f in "$TOP"/policies/languages.d/*.conf; do
	id=$(basename "$f" .conf)
	src=$(sed -n 's/^source *= *//p' "$f")
	t=$TOP/policies/templates/$id.${src##*.}
	grep -q '[^[:space:]]' "$t" 2>/dev/null || missing="$missing $id"
done
is "$missing" "" "policies/templates has a starting program for every language of languages.d"

# 1. The defaults (store_sync full): every operation and error.
jd_must_start
phase main
jd_stop

# 2. Small caps and a 1 s idle time.
jd_conf "session_max_files = 2" "session_max_file = 100" "session_max_total = 150" \
	"session_idle_s = 1"
jd_must_start
phase caps
jd_stop

# 3. Autosaves survive kill -9 (the phase sends it).
jd_conf
jd_must_start
phase crash1
jd_kill9
jd_must_start
phase crash2

# 4. judgebox session (judgebox(1)).
W=$JB/cli
mkdir -p "$W"
cd "$W" || exit 1
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
show() { sed 's/^/#   out: /' "$W/o"; sed 's/^/#   err: /' "$W/e"; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show; }
ms() { echo $(( $(date +%s%N) / 1000000 )); }
printf 'print("hello")\n' > hello.py
printf 'print("other")\n' > other.py

jb session new -l python3
SID=$(cat "$W/o")
is_ "$RC/$(grep -c '^[0-9][0-9]*$' "$W/o")" "0/1" "session new -l python3: exit 0, the id"
jb session show "$SID"
grep -q "^==> main.py <==" "$W/o" && grep -q 'Hello, world!' "$W/o" && grep -q "python3 *v1 " "$W/o"
ok_ $? "session show: the summary (v1), then main.py from the template"
jb session new hello.py
S2=$(cat "$W/o")
jb session show "$S2"
grep -q "^==> main.py <==" "$W/o" && grep -q '^print("hello")' "$W/o"
ok_ $? "session new FILE: one file becomes the language's entry file (main.py)"
jb session edit "$SID" hello.py
is_ "$RC/$(cat "$W/o")" "0/session $SID saved: version 2" "session edit ID FILE: saved from version 1, now 2"
EDITOR="sed -i s/hello/bye/" jb session edit "$SID"
is_ "$RC/$(cat "$W/o")" "0/session $SID saved: version 3" "session edit ID with \$EDITOR: the edited file saved (version 3)"
EDITOR=true jb session edit "$SID"
is_ "$RC/$(cat "$W/o")" "0/session $SID unchanged: version 3" "an edit that changes nothing saves nothing"
cat > ed.sh <<ED
#!/bin/sh
"$JUDGEBOX" session edit $SID "$W/other.py" >/dev/null
echo '# mine' >> "\$1"
ED
chmod +x ed.sh
EDITOR=$W/ed.sh jb session edit "$SID"
kept=$(sed -n 's/.*your edits are kept in //p' "$W/e")
is_ "$RC/$(grep -c conflict "$W/e")/$(tail -n 1 "$kept/main.py" 2>/dev/null)" "3/1/# mine" \
	"an edit saved elsewhere meanwhile: conflict (exit 3), the edits kept"
jb session run "$SID"
is_ "$RC/$(sed -n 2p "$W/o")" "0/other" "session run: exit 0, the saved version's output"
grep -q "session $SID version 4: job" "$W/e"; ok_ $? "session run says which version it runs"
jb session run "$SID" --cpu-ms 500 --label ed -q
is_ "$RC" 0 "session run takes limits and --label"
jb session history "$SID"
is_ "$RC/$(grep -c ' v4  *COMPLETED  *ok' "$W/o")" "0/2" "session history: both runs, version 4, COMPLETED"
jb session list
grep -q "^$SID  *python3  *v4 " "$W/o" && grep -q "^$S2 " "$W/o"; ok_ $? "session list: my sessions"
jb --json session list --limit 1
is_ "$(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(len(j["sessions"]), "next" in j)' "$W/o")" \
	"1 True" "session list --json --limit 1: one session and next"
jb session rm "$S2"
is_ "$RC/$(cat "$W/o")" "0/session $S2 removed" "session rm"
jb session show "$S2"
is_ "$RC/$(grep -c not_found "$W/e")" "3/1" "session show of a removed session: not_found, exit 3"
jb session
is_ "$RC/$(grep -c 'new, edit, run' "$W/e")" "2/1" "session without a subcommand: usage, exit 2"
jb session show abc
is_ "$RC" 2 "session show abc: not a session id, exit 2"

# The checks made before any request (judgebox(1)): at once, naming the file.
t0=$(ms); jb run missing.c; t1=$(ms)
is_ "$RC/$(grep -c 'missing.c: No such file' "$W/e")" "2/1" "run missing.c: exit 2, naming the file"
ok $(( t1 - t0 < 1000 ? 0 : 1 )) "and at once ($(( t1 - t0 )) ms)"
printf 'x\n' > prog.xyz
jb run prog.xyz
is_ "$RC/$(grep -c 'prog.xyz: cannot tell the language' "$W/e")" "2/1" "an extension no language claims: exit 2, naming the file"
jb run hello.py -i nothere.txt
is_ "$RC/$(grep -c 'nothere.txt' "$W/e")" "2/1" "a missing -i file: exit 2, naming it"
jb session new nothere.py
is_ "$RC/$(grep -c 'nothere.py' "$W/e")" "2/1" "session new with a missing file: exit 2, naming it"
t0=$(ms); JUDGEBOX_ENDPOINT=ipc://$JB/run/nobody.sock jb run hello.py; t1=$(ms)
is_ "$RC/$(grep -c 'judgeboxd is not running' "$W/e")" "4/1" "no socket file: judgeboxd is not running, exit 4"
ok $(( t1 - t0 < 1000 ? 0 : 1 )) "and at once, not after the 5 s timeout ($(( t1 - t0 )) ms)"
cd /

jd_stop
done_testing
