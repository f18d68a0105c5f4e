#!/bin/bash
# The security-violation log (judgeboxd(8), SECURITY LOG; PROTOCOL.md 19)
# through the real socket, the CLI and the jail: every violation the jail
# reports is recorded (violations), logged to syslog (authpriv, one
# key=value line, here on the daemon's stderr), published on
# security.violation.; a user past violations_per_hour in the hour is
# flagged (flags, a line, a security.flag. event) and, with
# violation_action = block, gets `forbidden` on run, test and submit until
# an admin clears the flag (unflag); admins only; retention on the timer.
# The violations come from a C program that calls ptrace(2), which the
# default policy forbids, run in the jail through the daemon.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

W=$JB/viol
mkdir -p "$W"
chmod 755 "$W"
REQ=$TOP/tests/lib/jbreq.py
# jb ARGS...: the CLI as root (an admin); as_jb: as jbother (not one).
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
as_jb() { as_other "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
show() { sed 's/^/#   out: /' "$W/o"; sed 's/^/#   err: /' "$W/e"; }
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/o" "$1" 2>&1; }
# rq WHO LITERAL: one raw request (jbreq.py) as root or jbother, reply in $W/o.
rq() {
	if [ "$1" = other ]; then as_other /usr/bin/python3 "$REQ" req "$2" >"$W/o" 2>"$W/e"
	else /usr/bin/python3 "$REQ" req "$2" >"$W/o" 2>"$W/e"; fi
}
code() { json 'j.get("error", {}).get("code", "ok")'; }
vlines() { grep -c 'security: event=violation .*user=jbother' "$JB/judgeboxd.log"; }

cat > "$W/ptrace.c" <<'EOF'
#include <unistd.h>
#include <sys/syscall.h>
int main(void)
{
	return syscall(SYS_ptrace, 16, 42, 0, 0, 0, 0) < 0 ? 4 : 5;
}
EOF
printf 'int main(void) { return 0; }\n' > "$W/fine.c"
printf 'x\n' > "$W/t.in"; : > "$W/t.ans"
chmod 644 "$W"/*

# A bad setting is refused at start, naming the line.
printf 'violation_action = maybe\n' > "$W/bad.conf"
"$JUDGEBOXD" -c "$W/bad.conf" 2>"$W/e"; r=$?
grep -q "bad.conf:1: bad value for 'violation_action'" "$W/e"
is "$r/$?" "78/0" "violation_action must be flag or block: exit 78, the line named"

jd_conf "violations_per_hour = 5" "violation_action = block" "prune_every_ms = 300"
jd_must_start
/usr/bin/python3 "$REQ" sub security. 600 >"$W/events" 2>/dev/null &
SUB=$!
for _ in $(seq 50); do grep -q ready "$W/events" && break; sleep 0.1; done

# 1. Five violations: recorded and logged, not yet flagged.
for i in 1 2 3 4 5; do as_jb run "$W/ptrace.c" --cpu-ms 1000; done
is_ "$RC/$(head -n 1 "$W/o" | cut -d' ' -f1)" "1/violation" "a program calling ptrace ends with status violation (exit 1)"
is "$(vlines)" 5 "five violations: five authpriv lines"
jb flags --json
is_ "$(json 'len(j["flags"])')" 0 "five violations in the hour: not flagged (the threshold is more than 5)"

# 2. The sixth: flagged, blocked.
as_jb run "$W/ptrace.c" --cpu-ms 1000
is "$(vlines)" 6 "the sixth violation: its line"
L=$(grep 'security: event=violation .*user=jbother' "$JB/judgeboxd.log" | tail -n 1)
echo "$L" | grep -Eq 'security: event=violation job=[0-9]+ test=- user=jbother lang=c policy=default syscall=ptrace args=0x10,0x2a,0x0,0x0,0x0,0x0$'; r=$?
ok $r "the line is key=value: event, job, test, user, lang, policy, syscall, args"
[ $r = 0 ] || echo "#   $L"
grep -Eq 'security: event=flag user=jbother violations=6 window_s=3600 threshold=5 action=block$' "$JB/judgeboxd.log"
ok $? "the flag's line: user, violations, window, threshold, action"
jb flags --json
is_ "$(json '[(f["user"], f["violations"], f["action"]) for f in j["flags"]]')" "[('jbother', 6, 'block')]" \
	"flags: jbother, 6 violations, action block"
jb flags
grep -Eq '^jbother +block +6 ' "$W/o"; ok_ $? "judgebox flags prints the user, action and count"

# 3. Blocked: forbidden on run, test and submit (CLI exit 3); others unaffected.
as_jb run "$W/fine.c"
is_ "$RC" 3 "a blocked user's run: exit 3"
grep -q 'forbidden' "$W/e"; ok_ $? "... and the message says forbidden"
rq other '{"op": "run", "lang": "c", "source": b"int main(void){return 0;}"}'
is_ "$(code)" forbidden "run from a blocked user: forbidden"
rq other '{"op": "test", "lang": "c", "source": b"int main(void){return 0;}", "tests": [{"name": "a", "input": b"", "answer": b""}]}'
is_ "$(code)" forbidden "test from a blocked user: forbidden"
rq other '{"op": "submit", "lang": "c", "source": b"int main(void){return 0;}", "problem": "nosuch"}'
is_ "$(code)" forbidden "submit from a blocked user: forbidden"
jb run "$W/fine.c"
is_ "$RC" 0 "another user still runs"

# 4. The log: admins only, filters, pages.
jb violations --json
is_ "$(json '[(v["user"], v["lang"], v["policy"], v["syscall"], v["args"]) for v in j["violations"]][0]')" \
	"('jbother', 'c', 'default', 'ptrace', ['0x10', '0x2a', '0x0', '0x0', '0x0', '0x0'])" \
	"violations: user, lang, policy, syscall, args"
is_ "$(json 'len(j["violations"])')" 6 "violations: all six"
is_ "$(json '[v["id"] for v in j["violations"]] == sorted([v["id"] for v in j["violations"]], reverse=True) and all("test" not in v and v["job"] > 0 and v["at"] > 0 for v in j["violations"])')" \
	True "newest first, each with its job and time (no test for a run)"
jb violations --limit 4
is_ "$RC/$(grep -c ptrace "$W/o")" "0/4" "judgebox violations --limit 4: a page of 4 lines"
grep -q -- '--cursor v' "$W/e"; ok_ $? "... and how to get the next page"
jb violations --limit 4 --all --json
is_ "$(json 'len(j["violations"])')" 6 "--all follows the cursor to the end"
jb violations --user nobody --json
is_ "$(json 'len(j["violations"])')" 0 "--user filters"
jb violations --since 1h --json
is_ "$(json 'len(j["violations"])')" 6 "--since 1h: all"
jb violations --until 1h --json
is_ "$(json 'len(j["violations"])')" 0 "--until 1h (an hour ago): none"
rq root '{"op": "violations", "cursor": "v5.123"}'
is_ "$(code)" bad_request "a cursor of other filters: bad_request"
for op in violations flags metrics; do
	rq other "{\"op\": \"$op\"}"
	is_ "$(code)" unauthorized "$op from a non-admin: unauthorized"
done
as_jb violations
is_ "$RC" 3 "judgebox violations as a non-admin: exit 3"

# 5. Events: security.violation. (no user), security.flag.
sleep 0.5
EV=$(grep -c '"topic": "security.violation."' "$W/events")
is "$EV" 6 "six security.violation. events"
grep '"topic": "security.flag."' "$W/events" | grep -q '"violations": 6, "threshold": 5, "window_ms": 3600000, "action": "block"'
ok $? "one security.flag. event: violations, threshold, window, action"
grep -q '"user"' "$W/events"; is "$?" 1 "events carry no user name"

# 6. unflag: admins only; then runs are accepted again, and the count starts over.
rq other '{"op": "unflag", "user": "jbother"}'
is_ "$(code)" unauthorized "unflag from a non-admin: unauthorized"
rq root '{"op": "unflag"}'
is_ "$(code)" bad_request "unflag without user: bad_request"
jb unflag jbother
is_ "$RC/$(cat "$W/o")" "0/jbother: flag cleared" "judgebox unflag jbother"
grep -q 'security: event=unflag user=jbother by=root' "$JB/judgeboxd.log"; ok $? "the clearing's line"
jb unflag jbother
is_ "$RC" 3 "unflag of a user not flagged: exit 3"
rq root '{"op": "unflag", "user": "jbother"}'
is_ "$(code)" not_found "... not_found"
as_jb run "$W/fine.c"
is_ "$RC" 0 "after unflag, jbother runs again"
as_jb run "$W/ptrace.c" --cpu-ms 1000
jb flags --json
is_ "$(json 'len(j["flags"])')" 0 "one more violation after the clearing: not flagged again"

# 7. A test job: the violation names its test.
as_jb test "$W/ptrace.c" --case "$W/t.in" "$W/t.ans"
jb violations --limit 1 --json
is_ "$(json '(j["violations"][0]["syscall"], j["violations"][0].get("test"))')" "('ptrace', 0)" \
	"a test's violation is recorded with its test index"

# 8. Retention on the timer: violations older than 30 days and failure
#    traces older than 7 go (rows written with old times as the daemon runs).
DAY=86400000
NOW=$(($(date +%s) * 1000))
setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- sqlite3 "$JB/state/judgebox.db" <<SQL
.timeout 5000
INSERT INTO violations(at, job, test, user, lang, policy, syscall, args) VALUES
 ($((NOW - 31 * DAY)), 900001, -1, 'olduser', 'c', 'default', 'ptrace', '0'),
 ($((NOW - 29 * DAY)), 900002, -1, 'olduser', 'c', 'default', 'ptrace', '0');
INSERT INTO traces(at, job, attempt, message) VALUES
 ($((NOW - 8 * DAY)), 900003, 1, 'old'), ($((NOW - 6 * DAY)), 900004, 1, 'recent');
SQL
sleep 1.5
jb violations --user olduser --json
is_ "$(json '[v["job"] for v in j["violations"]]')" "[900002]" "the prune timer removed the violation of 31 days, kept the one of 29"
T=$(setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- sqlite3 "$JB/state/judgebox.db" \
	"SELECT group_concat(message) FROM traces WHERE job >= 900003")
is "$T" recent "... and the failure trace of 8 days, kept the one of 6"

kill "$SUB" 2>/dev/null; wait "$SUB" 2>/dev/null
jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM"
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash in the daemon's log" || jd_log
done_testing
