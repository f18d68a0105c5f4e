#!/bin/bash
# Metrics (judgeboxd(8), METRICS; PROTOCOL.md 19.4) through the real
# socket and the CLI: the Prometheus text file judgeboxd writes atomically
# into metrics_dir for node_exporter's textfile collector, and the admins'
# `metrics` operation (the same text, and a period's language mix and
# success rate). The file and the shipped alert rules
# (policies/judgebox.rules.yml) are checked by promtool (Debian's
# prometheus package); the figures against the jobs this test runs.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/daemon-env.sh"

W=$JB/metrics-t
M=$JB/prom
mkdir -p "$W" "$M"
chmod 755 "$W"
chown jbtest "$M"
REQ=$TOP/tests/lib/jbreq.py
PROMTOOL=$(command -v promtool)
jb() { "$JUDGEBOX" "$@" >"$W/o" 2>"$W/e"; RC=$?; }
show() { sed 's/^/#   out: /' "$W/o"; sed 's/^/#   err: /' "$W/e"; }
ok_() { ok "$1" "$2"; [ "$1" = 0 ] || show; }
is_() { is "$1" "$2" "$3"; [ "$1" = "$2" ] || show; }
json() { /usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$W/o" "$1" 2>&1; }
# val FILE SERIES: the value of one series line in a text ("" if none).
val() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# promcheck FILE NAME: promtool check metrics, or a skip without it.
promcheck() {
	if [ -z "$PROMTOOL" ]; then skip "promtool is not installed (make deps: prometheus)"; return; fi
	"$PROMTOOL" check metrics <"$1" >"$W/pc" 2>&1; local r=$?
	ok $r "$2"
	[ $r = 0 ] || sed 's/^/#   promtool: /' "$W/pc"
}

# The shipped rules.
if [ -n "$PROMTOOL" ]; then
	"$PROMTOOL" check rules "$TOP/policies/judgebox.rules.yml" >"$W/pc" 2>&1; r=$?
	ok $r "promtool check rules policies/judgebox.rules.yml"
	[ $r = 0 ] || sed 's/^/#   promtool: /' "$W/pc"
	for a in JudgeboxQueueBackingUp JudgeboxNoFreeBox JudgeboxInternalErrors JudgeboxViolationSpike; do
		grep -q "alert: $a" "$TOP/policies/judgebox.rules.yml"; ok $? "the rules have the alert $a"
	done
else
	skip "promtool is not installed (make deps: prometheus)"
fi

jd_conf "metrics_dir = $M" "metrics_every_ms = 300"
jd_must_start

cat > "$W/hello.c" <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
printf 'int main(void) { return 3; }\n' > "$W/exit3.c"
printf 'print("hi")\n' > "$W/hi.py"
cat > "$W/ptrace.c" <<'EOF'
#include <unistd.h>
#include <sys/syscall.h>
int main(void) { return syscall(SYS_ptrace, 16, 42, 0, 0, 0, 0) < 0 ? 4 : 5; }
EOF

# 1. The file exists from the start, and is replaced, not rewritten.
sleep 0.5
F=$M/judgebox.prom
[ -f "$F" ]; ok $? "judgeboxd writes metrics_dir/judgebox.prom"
is "$(stat -c %a "$F")" 644 "the file is mode 644 (the collector reads it)"
promcheck "$F" "promtool check metrics: the file of an idle daemon"
I1=$(stat -c %i "$F")

# 2. Jobs: C twice (compiled, then from the cache), exit 3, Python, a violation.
jb run "$W/hello.c"; r1=$RC
jb run "$W/hello.c"; r2=$RC
jb run "$W/exit3.c"; r3=$RC
jb run "$W/hi.py"; r4=$RC
jb run "$W/ptrace.c" --cpu-ms 1000; r5=$RC
is "$r1$r2$r3$r4$r5" "00101" "five jobs ran (exit statuses 0 0 1 0 1)"
sleep 1
cp "$F" "$W/f1"
I2=$(stat -c %i "$F")
[ "$I1" != "$I2" ]; ok $? "the file was replaced by rename (a new inode), not written in place"
ls -A "$M" >"$W/o"
is_ "$(cat "$W/o")" judgebox.prom "no temporary file is left in metrics_dir"
promcheck "$W/f1" "promtool check metrics: the file after jobs"
is "$(val "$W/f1" 'judgebox_jobs_total{lang="c",status="ok"}')" 2 "jobs_total{lang=c,status=ok} 2"
is "$(val "$W/f1" 'judgebox_jobs_total{lang="c",status="exit"}')" 1 "jobs_total{lang=c,status=exit} 1"
is "$(val "$W/f1" 'judgebox_jobs_total{lang="python3",status="ok"}')" 1 "jobs_total{lang=python3,status=ok} 1"
is "$(val "$W/f1" 'judgebox_jobs_total{lang="c",status="violation"}')" 1 "jobs_total{lang=c,status=violation} 1"
is "$(val "$W/f1" 'judgebox_violations_total{policy="default",syscall="ptrace"}')" 1 \
	"violations_total{policy=default,syscall=ptrace} 1"
is "$(val "$W/f1" 'judgebox_compile_cache_total{result="hit"}')/$(val "$W/f1" 'judgebox_compile_cache_total{result="miss"}')" \
	"1/4" "compile cache: the second hello.c was a hit; the other C programs and Python (compiled to bytecode) misses"
is "$(val "$W/f1" judgebox_compile_seconds_count)" 4 "compile_seconds: four compiles"
is "$(val "$W/f1" judgebox_run_seconds_count)" 5 "run_seconds: five runs"
is "$(val "$W/f1" judgebox_queue_wait_seconds_count)" 5 "queue_wait_seconds: five jobs"
is "$(val "$W/f1" 'judgebox_queue_wait_seconds_bucket{le="+Inf"}')" 5 "... its +Inf bucket is the count"
is "$(val "$W/f1" judgebox_boxes_configured)/$(val "$W/f1" 'judgebox_boxes{state="free"}')/$(val "$W/f1" judgebox_queue_length)" \
	"2/2/0" "gauges: 2 boxes, 2 free, queue 0"
is "$(val "$W/f1" judgebox_store_errors_total)/$(val "$W/f1" judgebox_helper_errors_total)" "0/0" \
	"no store or helper error"
# Bounded labels: no user or job label; languages only configured ones.
grep -Eq '(user|job|id)="' "$W/f1"; is "$?" 1 "no user, job or id label"
LANGS=$(sed -n 's/.*lang="\([^"]*\)".*/\1/p' "$W/f1" | sort -u | tr '\n' ' ')
BAD=
for l in $LANGS; do [ "$l" = other ] || [ -f "$TOP/policies/languages.d/$l.conf" ] || BAD="$BAD $l"; done
is "$BAD" "" "every lang label is a configured language ($LANGS)"

# 3. The metrics operation: admins only; the same text; the period.
jb metrics --json
is_ "$RC" 0 "judgebox metrics --json (root, an admin)"
json 'j["text"]' >"$W/t1"
promcheck "$W/t1" "promtool check metrics: the operation's text"
is "$(val "$W/t1" 'judgebox_jobs_total{lang="c",status="ok"}')" 2 "the text has the same counters"
is_ "$(json '(j["jobs"], j["succeeded"], j["period_ms"])')" "(5, 3, 3600000)" \
	"the last hour: 5 jobs ended, 3 succeeded"
is_ "$(json '[(l["lang"], l["jobs"], l["succeeded"]) for l in j["languages"]]')" \
	"[('c', 4, 2), ('python3', 1, 1)]" "the language mix, most used first"
is_ "$(json 'round(j["success_rate"], 3)')" 0.6 "success_rate 0.6"
jb metrics --since 2h
head -n 1 "$W/o" | grep -q 'last 7200 s: 5 jobs ended, 3 succeeded (60.0%)'
ok_ $? "judgebox metrics --since 2h: the period's line"
grep -q '^judgebox_jobs_total{lang="c",status="ok"} 2$' "$W/o"; ok_ $? "... then the text"
as_other "$JUDGEBOX" metrics >"$W/o" 2>"$W/e"; RC=$?
is_ "$RC" 3 "metrics as a non-admin: exit 3"
grep -q unauthorized "$W/e"; ok_ $? "... unauthorized"
/usr/bin/python3 "$REQ" req '{"op": "metrics", "period_ms": 0}' >"$W/o"
is_ "$(json 'j["error"]["code"] + " " + j["error"]["field"]')" "bad_request period_ms" "period_ms 0: bad_request"
jb metrics --since 12
is_ "$RC" 2 "metrics --since needs an age: usage error"

# 3b. A cancelled job is counted too: it ends in ops_jobs.c, not in a box.
printf 'import time\ntime.sleep(30)\n' > "$W/sleep.py"
jb submit -l python3 "$W/sleep.py" --wall-ms 30000
id=$(cat "$W/o")
for _ in $(seq 50); do
	"$JUDGEBOX" status "$id" | head -n 1 | grep -q running && break; sleep 0.1
done
jb cancel "$id"
is_ "$RC" 0 "cancel a sleeping job"
sleep 1
is "$(val "$F" 'judgebox_jobs_total{lang="python3",status="cancelled"}')" 1 \
	"jobs_total{lang=python3,status=cancelled} 1"

# 4. A metrics_dir that cannot be written: logged, the daemon goes on.
jd_stop
jd_conf "metrics_dir = $JB/nonexistent" "metrics_every_ms = 300"
jd_must_start
sleep 0.5
jb run "$W/hi.py"
is_ "$RC" 0 "with a metrics_dir that does not exist, jobs still run"
grep -q "metrics: cannot write $JB/nonexistent/judgebox.prom" "$JB/judgeboxd.log"
ok $? "... and the failure is logged"
jd_stop; is "$?" 0 "judgeboxd exits 0 on SIGTERM"
grep -q 'judgeboxd.*\(assert\|Segmentation\|AddressSanitizer\)' "$JB/judgeboxd.log"
is "$?" 1 "no crash in the daemon's log" || jd_log
done_testing
