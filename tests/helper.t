#!/bin/bash
# The helper as the controller uses it: installed setuid into a temporary
# prefix, called by an unprivileged member of the controller's group.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/helper-env.sh"
P=$PROGS/probe

# Every status.
box_run 0 -- $P ok;               is "$(field status)" ok "ok: status ok"
is "$(cat $OUT/stdout)" "hello from the box" "ok: the job's stdout is the caller's fd 1"
box_run 0 -- $P exit 3;           is "$(field status)/$(field exitcode)" exit/3 "non-zero exit: status exit, exitcode 3"
box_run 0 -- $P signal 11;        is "$(field status)/$(field signal)" signal/11 "killed by a signal: status signal, signal 11"
box_run 0 -- $P signal 6;         is "$(field status)/$(field signal)" signal/6 "abort() is reported as SIGABRT, not swallowed by a pid-1 job"
box_run 0 --cpu-ms=300 -- $P forever; is "$(field status)/$(field signal)" cpu_limit/9 "busy loop: status cpu_limit, killed by SIGKILL"
cpu=$(field cpu_ms); [ "$cpu" -ge 300 ] && [ "$cpu" -le 320 ]; ok $? "cpu_limit kill lands within 20 ms of the limit ($cpu ms for 300)"
# A kill at a limit reports that limit, whoever sent it (issue 10, item 4).
H=$PROGS/cpuhog
ncpu=$(getconf _NPROCESSORS_CONF)
box_run 0 --cpu-ms=500 -- $H threads 2; is "$(field status)/$(field signal)" cpu_limit/9 "two spinning threads: cpu_limit, killed by SIGKILL"
cpu=$(field cpu_ms); [ "$cpu" -ge 500 ] && [ "$cpu" -le 520 ]; ok $? "and within 20 ms of the limit ($cpu ms for 500)"
box_run 0 --cpu-ms=500 -- $H procs 3; is "$(field status)/$(field signal)" cpu_limit/9 "three spinning processes: cpu_limit, killed by SIGKILL"
box_run 0 --cpu-ms=300 -- $H syscalls; is "$(field status)/$(field signal)" cpu_limit/9 "many short system calls: cpu_limit, killed by SIGKILL"
box_run 0 --cpu-ms=300 --wall-ms=4000 -- $H rlimit 0
is "$(field status)/$(field signal)" cpu_limit/9 "the job's own RLIMIT_CPU does not end a run at its CPU limit"
rl=$(sed -n 's/^rlimit_cpu=//p' $OUT/stdout)
[ "${rl%/*}" = "${rl#*/}" ] && [ "${rl%/*}" -ge $((4 * ncpu + 2)) ]; ok $? "the RLIMIT_CPU backstop, soft = hard, lies beyond the wall limit on every CPU (${rl:-?} s, want $((4 * ncpu + 2)))"
box_run 0 --cpu-ms=3000 -- $H rlimit 1; is "$(field status)/$(field signal)" cpu_limit/24 "a job killed by SIGXCPU (its own lower soft limit): cpu_limit, signal 24"
# The kernel counts RLIMIT_CPU from scheduler ticks: a host process that runs
# between ticks on the job's CPU makes it run ahead of the cgroup's figure.
python3 -c 'import os,time
os.sched_setaffinity(0, {0}); end = time.time() + 20
while time.time() < end:
    t = time.perf_counter()
    while time.perf_counter() - t < 0.0015: pass
    time.sleep(0.0005)' & bee=$!
(taskset -pc 0 $BASHPID >/dev/null; box_run 0 --cpu-ms=6000 --wall-ms=20000 -- $H drip 200)
kill $bee 2>/dev/null; wait $bee 2>/dev/null
is "$(field status)/$(field signal)" cpu_limit/9 "slow output beside a busy neighbour: cpu_limit at $(field cpu_ms) ms of 6000, not signal"
box_run 0 --wall-ms=300 -- $P sleep 100000; is "$(field status)/$(field signal)" wall_limit/9 "sleeping job: status wall_limit, killed by SIGKILL"
wall=$(field wall_ms); [ "$wall" -ge 300 ] && [ "$wall" -le 350 ]; ok $? "wall_limit kill lands near the limit ($wall ms for 300)"
box_run 0 --memory-kb=65536 -- $P alloc 200; is "$(field status)/$(field oom_killed)" memory_limit/1 "200 MiB under a 64 MiB limit: memory_limit, oom_killed=1"
box_run 0 --fsize-kb=1024 -- $P fsize 4096; is "$(field status)/$(field signal)" file_limit/25 "4 MiB file under a 1 MiB limit: file_limit (SIGXFSZ)"
box_run 0 -- $P ptrace;           is "$(field status)/$(field syscall)" violation/ptrace "ptrace: violation naming the syscall"
grep -q '^args=0,' $OUT/result;   ok $? "the violation record carries the syscall's arguments"
box_run 0 -- /no/such/program;    rc=$?
is "$rc/$(field status)" 71/internal_error "exec of a missing program: exit 71, status internal_error"
grep -q '^message=exec /no/such/program: No such file' $OUT/result; ok $? "internal_error says what failed"

# Exact figures.
box_run 0 -- $P spin 300;         within "$(field cpu_ms)" 300 5 "CPU time of a 300 ms busy loop"
box_run 0 -- $P alloc 100;        within "$(field memory_kb)" 102400 5 "peak memory of a touched 100 MiB allocation"

# Containment.
box_run 0 --procs=16 -- $P forkbomb
n=$(sed -n 's/^forked //p' $OUT/stdout)
[ -n "$n" ] && [ "$n" -lt 16 ]; ok $? "fork bomb stopped by the pids limit (forked ${n:-?} under procs=16)"
is "$(field status)" ok "the fork bomb's box ends cleanly"
python3 -c 'import socket,time,sys
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(30)' > $OUT/port &
lpid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s $OUT/port ] && break; sleep 0.1; done
box_run 0 -- $P connect "$(cat $OUT/port)"
grep -q 'connect failed' $OUT/stdout; ok $? "no network: connecting to a port listening on the host's loopback fails"
kill $lpid 2>/dev/null
box_run 0 -- $P pids;             is "$(tr '\n' ' ' < $OUT/stdout)" "1 2 " "host processes are invisible: /proc shows the box's init and the job"
box_run 0 -- $P write /usr/x;     is "$(field exitcode)" 1 "cannot write to /usr"
box_run 0 -- $P write /x;         is "$(field exitcode)" 1 "cannot write to /"
box_run 0 -- $P write /dev/x;     is "$(field exitcode)" 1 "cannot write to /dev"
box_run 0 -- $P write /proc/sys/kernel/hostname; is "$(field exitcode)" 1 "cannot write to /proc/sys"
box_run 0 -- $P write /box/out;   is "$(field exitcode)" 0 "can write to /box"
box_run 0 -- $P write /tmp/mark;  is "$(field exitcode)" 0 "can write to /tmp"
box_run 0 -- $P read /tmp/mark;   is "$(field exitcode)" 1 "/tmp is not shared between runs"
box_run 1 -- $P write /box/secret
chmod o-rwx "$JB/boxes/1/box/secret" 2>/dev/null
box_run 2 -- $P read "$JB/boxes/1/box/secret"; is "$(field exitcode)" 1 "another box's files are unreachable"
box_run 0 -- $P ids
uid=$(sed -n 's/^uid=\([0-9]*\).*/\1/p' $OUT/stdout)
is "$uid" "$JB_FIRST_UID" "the job runs as box 0's own uid, not root"
[ "$(grep -c '0000000000000000' $OUT/stdout)" = 5 ]; ok $? "no capabilities in any set (effective, permitted, inheritable, bounding, ambient)"
grep -q '^NoNewPrivs:.1' $OUT/stdout && grep -q '^Seccomp:.2' $OUT/stdout; ok $? "no_new_privs is set and a seccomp filter is loaded"
grep -Eq '^Groups:\s*$' $OUT/stdout; ok $? "no supplementary groups (the controller's group is gone)"
box_run 3 -- $P ids;              grep -q "^uid=$((JB_FIRST_UID + 3)) " $OUT/stdout; ok $? "box 3 runs as its own uid (first_uid + 3)"
box_run 0 -- $P userns;           is "$(field status)/$(field syscall)" violation/unshare "creating a user namespace is a violation"

# Figures reset between runs of one box; nothing of a box outlives its run.
box_run 4 --memory-kb=65536 -- $P alloc 200
box_run 4 -- $P ok
is "$(field status)/$(field oom_killed)" ok/0 "after an OOM in box 4, the next run there reports no OOM"
[ "$(field memory_kb)" -lt 8192 ]; ok $? "and its own peak memory ($(field memory_kb) KiB), not the previous run's"
box_run 5 -- $P orphan;           is "$(field status)" ok "a job that leaves a daemonised grandchild ends"
left=$(ps -eo uid= | awk -v lo=$JB_FIRST_UID -v hi=$((JB_FIRST_UID + 8)) '$1 >= lo && $1 < hi' | wc -l)
is "$left" 0 "no process of any box remains after the runs"
cg=$(ls -d /sys/fs/cgroup/*/$JB_CGROUP/box* /sys/fs/cgroup/$JB_CGROUP/box* 2>/dev/null | wc -l)
is "$cg" 0 "no cgroup of any box remains after the runs"

# One run per box at a time; killing the helper cancels its run.
setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$HELPER" run 6 --result-fd=3 --wall-ms=20000 \
	-- $P sleep 20000 3>/dev/null >/dev/null 2>&1 &
hpid=$!
for i in $(seq 50); do [ -d /sys/fs/cgroup/memory/$JB_CGROUP/box6 ] || [ -d /sys/fs/cgroup/$JB_CGROUP/box6 ] && break; sleep 0.1; done
sleep 0.3
hrun run 6 --result-fd=3 -- $P ok 3>/dev/null 2>/dev/null; is "$?" 75 "a second run in a busy box is refused (exit 75)"
hrun clean 6 2>/dev/null;         is "$?" 75 "cleaning a busy box is refused"
kill -9 $hpid; wait $hpid 2>/dev/null
for i in $(seq 30); do   # live ones: the box's init may linger as a zombie until host init reaps it
	left=$(ps -eo uid=,stat= | awk -v u=$((JB_FIRST_UID + 6)) '$1 == u && $2 !~ /^Z/' | wc -l)
	[ "$left" = 0 ] && break; sleep 0.1
done
is "$left" 0 "killing the helper kills its box (PDEATHSIG on the box's init)"
box_run 6 -- $P ok;               is "$(field status)" ok "the next run in that box works"
cg=$(ls -d /sys/fs/cgroup/*/$JB_CGROUP/box6 /sys/fs/cgroup/$JB_CGROUP/box6 2>/dev/null | wc -l)
is "$cg" 0 "and leaves no cgroup behind, the stale one included"

# Loopback on request (--network=loopback; a language's `network = loopback`):
# a server and its client in one job talk over 127.0.0.1; by default they cannot.
LO='import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept(); c.send(b"over lo"); print(a.recv(7).decode())'
box_run 0 --network=loopback -- /usr/bin/python3 -c "$LO"
is "$(field status)/$(cat $OUT/stdout)" "ok/over lo" "--network=loopback: a server and its client in one job talk over 127.0.0.1"
box_run 0 -- /usr/bin/python3 -c "$LO"
is "$(field status)/$(field exitcode)/$(cat $OUT/stdout)/$(grep -Ec 'Network is unreachable|Cannot assign requested address' $OUT/stderr)" "exit/1//1" "by default there is no loopback: the client cannot reach its server on 127.0.0.1"
box_run 0 --network=loopback -- $P connect "$(cat $OUT/port 2>/dev/null || echo 9)"
grep -q 'connect failed' $OUT/stdout; ok $? "with loopback, the host's 127.0.0.1 is still out of reach (the run's own lo)"

# serve: box 7's supervisor, driven the way judgeboxd drives it (one
# request per step, with four descriptors, over a SOCK_SEQPACKET socket).
chown jbtest "$OUT"
serve() { SERVE_OUT=$OUT setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- \
	/usr/bin/python3 "$TOP/tests/lib/serve_client.py" "$HELPER" 7 "$@" > "$OUT/serve" 2>"$OUT/serve.err"; }
sline() { sed -n "s/^$1: //p" "$OUT/serve"; }
serve "run 7 -- $P ok" "run 7 -- $P write /box/mark" "run 7 -- $P read /box/mark" "clean 7" \
	"run 7 -- $P read /box/mark" "run 7 --memory-kb=65536 -- $P alloc 200" "run 7 -- $P ok" \
	"run 7 --cpu-ms=300 -- $P forever" "run 7 -- $P pids" "run 7 -- $P ptrace" "run 7 -- $P ids" \
	"run 7 -- /usr/bin/head -c 400 /proc/self/stat"
is "$(sline 0 | grep -o 'status=[a-z_]*') $(cat $OUT/0.stdout)" "status=ok hello from the box" "serve: a run's record, and its stdout is the request's first output descriptor"
is "$(sline 0 | grep -o 'exit=[0-9]*$')" "exit=0" "serve: a run's record ends with exit=0"
is "$(sline 2 | grep -o 'exitcode=[0-9]*')/$(sline 3)/$(sline 4 | grep -o 'exitcode=[0-9]*')" "exitcode=0/exit=0/exitcode=1" "serve: /box persists from run to run until a clean request, and not after it"
is "$(sline 5 | grep -o 'status=[a-z_]*')/$(sline 6 | grep -o 'status=[a-z_]* .*oom_killed=[0-9]*' | sed 's/ .* / /')" "status=memory_limit/status=ok oom_killed=0" "serve: after an OOM, the next run reports no OOM"
mem=$(sline 6 | sed -n 's/.*memory_kb=\([0-9]*\).*/\1/p'); [ "${mem:-99999}" -lt 8192 ]; ok $? "serve: and its own peak memory (${mem:-?} KiB), from a fresh cgroup"
cpu=$(sline 7 | sed -n 's/.* cpu_ms=\([0-9]*\).*/\1/p'); [ "$(sline 7 | grep -o 'status=[a-z_]*')" = status=cpu_limit ] && [ "${cpu:-0}" -ge 300 ] && [ "$cpu" -le 320 ]
ok $? "serve: cpu_limit lands within 20 ms of the limit (${cpu:-?} ms for 300)"
is "$(tr '\n' ' ' < $OUT/8.stdout)" "1 2 " "serve: each run has its own pid namespace (init and the job, pids 1 and 2)"
is "$(sline 9 | grep -o 'syscall=[a-z]*')" "syscall=ptrace" "serve: a violation is named from the cached filter"
grep -q "^uid=$((JB_FIRST_UID + 7)) " $OUT/10.stdout && grep -q '^Seccomp:.2' $OUT/10.stdout; ok $? "serve: the job runs as box 7's uid under a seccomp filter"
is "$(cut -d' ' -f19 $OUT/11.stdout)" "$(cut -d' ' -f19 /proc/$$/stat)" "serve: a later job has the caller's nice value, not the supervisor's -10"
is "$(tail -n 1 $OUT/serve)" "exit 0" "serve: it exits 0 when its socket is closed"
serve "run 6 -- $P ok"; is "$(tail -n 1 $OUT/serve)" "exit 64" "serve: a request for another box is refused and ends the process (64)"
serve "run 7 --cpu-ms=999999999 -- $P ok"; is "$(tail -n 1 $OUT/serve)" "exit 64" "serve: a limit above its ceiling is refused as on the command line (64)"
serve "run 7 -- /no/such/program" "run 7 -- $P ok"
is "$(sline 0 | grep -o 'status=[a-z_]*') $(sline 0 | grep -o 'exit=[0-9]*$') $(tail -n 1 $OUT/serve)" "status=internal_error exit=71 exit 71" "serve: an internal error is recorded (exit=71) and ends the process: fail closed"
serve "run 7 -- /usr/bin/readlink /proc/self/fd/0 /proc/self/fd/3"
is "$(cat $OUT/0.stdout)" "/dev/null" "serve: the job's fd 0 is the request's, not the socket, and it has no fd 3"
left=$(ps -eo uid= | awk -v u=$((JB_FIRST_UID + 7)) '$1 == u' | wc -l)
is "$left" 0 "serve: no process of box 7 remains"

# CPU share: optional in helper.conf. Without its line (as in older configs)
# a run has no CPU quota and cannot ask for one.
JB_CPU_SHARE= write_conf
hrun run 0 --result-fd=3 -- $P ok 3>$OUT/result >/dev/null; is "$(field status)" ok "no cpu-share line in helper.conf: runs work as before"
hrun run 0 --result-fd=3 --cpu-share=500 -- $P ok 3>/dev/null 2>$OUT/err
is "$?/$(grep -c 'cpu-share: helper.conf sets no ceiling for it' $OUT/err)" 64/1 "no cpu-share line in helper.conf: --cpu-share is refused, naming the missing ceiling"
JB_CPU_SHARE="limit cpu-share 1000 1500" write_conf
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then qf=cpu.max; qd=/sys/fs/cgroup/$JB_CGROUP
else qf=cpu.cfs_quota_us; qd=/sys/fs/cgroup/cpu/$JB_CGROUP; fi
# quota BOX [options]: the box's CPU quota file, read while a run sleeps in
# it (init and the job in its cgroup: the cgroup exists, unlimited, before).
quota() {
	b=$1; shift
	hrun run "$b" --result-fd=3 --wall-ms=5000 "$@" -- $P sleep 1500 3>/dev/null >/dev/null 2>&1 &
	qp=$! q=
	for i in $(seq 100); do [ "$(cat "$qd/box$b/cgroup.procs" 2>/dev/null | wc -l)" -ge 2 ] &&
		q=$(cat "$qd/box$b/$qf" 2>/dev/null) && [ -n "$q" ] && break; sleep 0.02; done
	wait "$qp"
	echo "${q% 100000}"
}
is "$(quota 1 --cpu-share=500)" 50000 "cpu-share=500: the box's $qf is 50000 (µs per 100 ms period)"
is "$(quota 1)" 100000 "no --cpu-share: helper.conf's default (1000) applies, $qf 100000"
# Two spinning threads for a second of wall time under half a CPU: a cap, so
# it holds however loaded the machine is (uncapped, they could take 2 CPUs).
box_run 0 --cpu-share=500 --wall-ms=1000 --cpu-ms=10000 -- $PROGS/cpuhog threads 2
cpu=$(field cpu_ms) wall=$(field wall_ms)
is "$(field status)" wall_limit "two spinning threads under cpu-share=500 run to the wall limit"
[ -n "$cpu" ] && [ -n "$wall" ] && [ "$cpu" -gt 0 ] && [ $((cpu * 10)) -le $((wall * 7)) ]
ok $? "and get at most 70% of one CPU (${cpu:-?} ms of CPU in ${wall:-?} ms of wall)"
hrun run 0 --result-fd=3 --cpu-share=1501 -- $P ok 3>/dev/null 2>$OUT/err
is "$?/$(grep -c "cpu-share: .1501. is not a number in \[10, 1500\]" $OUT/err)" 64/1 "a cpu-share above the config's ceiling is refused"
hrun run 0 --result-fd=3 --cpu-share=5 -- $P ok 3>/dev/null 2>/dev/null; is "$?" 64 "a cpu-share under 10 (a 1 ms quota, the kernel's least) is refused"
JB_CPU_SHARE="limit cpu-share 5 100" write_conf
hrun run 0 --result-fd=3 -- $P ok 3>/dev/null 2>/dev/null; is "$?" 78 "a config cpu-share default under 10 is a config error (78)"
write_conf

# Refusals.
setpriv --reuid=jbother --regid=jbother --init-groups -- "$HELPER" run 0 -- $P ok 2>$OUT/err
is "$?" 77 "a caller outside the controller's group is refused (exit 77)"
hrun run 0 --result-fd=3 -- 3>/dev/null 2>/dev/null; is "$?" 64 "run without a program is a usage error (64)"
hrun run 0 -- $P ok 2>$OUT/err;   is "$?/$(grep -c -- "--result-fd=FD" $OUT/err)" 64/1 "run without --result-fd is refused: the record never shares the job's stderr"
hrun run 99 --result-fd=3 -- $P ok 3>/dev/null 2>$OUT/err; is "$?/$(grep -c "box: .99. is not a number in \[0, 7\]" $OUT/err)" 64/1 "a box number outside the config is refused"
hrun run 0 --result-fd=3 --cpu-ms=999999999 -- $P ok 3>/dev/null 2>$OUT/err; is "$?/$(grep -c "cpu-ms: .999999999. is not a number in \[1, 20000\]" $OUT/err)" 64/1 "a limit above the config's ceiling is refused"
hrun run 0 --result-fd=3 --policy=../../etc/passwd -- $P ok 3>/dev/null 2>/dev/null; is "$?" 64 "a policy name with a path in it is refused"
hrun run 0 --result-fd=3 --env=BAD -- $P ok 3>/dev/null 2>/dev/null; is "$?" 64 "an --env without NAME= is refused"
hrun frobnicate 2>/dev/null;      is "$?" 64 "an unknown operation is refused"
hrun run 0 --result-fd=3 -- $P ok 3>/dev/null </ 2>/dev/null; is "$?" 64 "a directory as the job's stdin is refused (it could openat() under it)"
box_run 0 --env=PATH=/nowhere -- probe ok 2>/dev/null; is "$(field status)" internal_error "the program is looked up in the job's PATH, not the caller's"
PATH=/nonexistent /usr/bin/setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$HELPER" run 0 --result-fd=3 -- true 3>$OUT/result >/dev/null 2>&1; is "$(field status)" ok "a caller's PATH does not change where the job's program is found"
chown jbtest "$JB/etc/helper.conf"
hrun run 0 -- $P ok 2>$OUT/err;   is "$?" 77 "a config not owned by root is refused (exit 77)"
chown root "$JB/etc/helper.conf"; chmod 666 "$JB/etc/helper.conf"
hrun run 0 -- $P ok 2>$OUT/err;   is "$?" 77 "a group/world-writable config is refused"
chmod 644 "$JB/etc/helper.conf"
done_testing
