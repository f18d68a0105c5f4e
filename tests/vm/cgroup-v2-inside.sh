# Runs inside the cgroup-v2 VM (busybox sh, as root); prints TAP.
# The helper, its config, policies and the probe are under /opt/jb (see
# tests/cgroup-v2.t). It is called as jbtest, a member of the controller's
# group, exactly as on the host.
. /opt/jb/tap.sh
echo 'jbtest:x:1500:1500::/:/bin/sh' >> /etc/passwd
echo 'jbtest-ctl:x:1500:jbtest' >> /etc/group
H=/opt/jb/lib/judgebox-helper P=/opt/jb/progs/probe OUT=/tmp/out
mkdir -p $OUT /var/lib/judgebox
chown root:1500 $H && chmod 4750 $H
hrun() { /opt/jb/setpriv --reuid=1500 --regid=1500 --init-groups -- $H "$@"; }
box_run() { b=$1; shift; hrun run "$b" --result-fd=3 "$@" 3>$OUT/result >$OUT/stdout 2>$OUT/stderr </dev/null; }
field() { sed -n "s/^$1=//p" $OUT/result; }

grep -q "^cgroup2 /sys/fs/cgroup " /proc/mounts && ! grep -q "^cgroup " /proc/mounts; ok $? "the VM is a pure cgroup v2 host"
hrun setup && hrun clean 0 && hrun clean 1; ok $? "setup and clean as the controller's group"
grep -q memory /sys/fs/cgroup/judgebox/cgroup.subtree_control && grep -q pids /sys/fs/cgroup/judgebox/cgroup.subtree_control
ok $? "setup enabled memory and pids for the boxes"
box_run 0 -- $P ok;               is "$(field status)/$(cat $OUT/stdout)" "ok/hello from the box" "a job runs"
# Timing in this guest is emulated: TCG counts host preemption of the
# emulator as guest CPU time, so one run can be off by tens of ms (single
# runs here read 276-301 ms for a 300 ms spin and 308-332 ms at a 300 ms
# limit). The host test (helper.t) keeps the tight bounds (5 %, 20 ms) on
# a real clock; here we check that the v2 path counts and enforces CPU
# from cpu.stat, as the median of three runs: 10 % and 40 ms.
med3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
cpus() { n=$1; shift; while [ $n -gt 0 ]; do box_run 0 "$@"; field cpu_ms; n=$((n - 1)); done; }
set -- $(cpus 3 -- $P spin 300)
within "$(med3 "$@")" 300 10 "CPU time of a 300 ms busy loop (cpu.stat; median of $*)"
box_run 0 -- $P alloc 100;        within "$(field memory_kb)" 102400 5 "peak memory of 100 MiB (memory.peak)"
box_run 0 --cpu-ms=300 -- $P forever; is "$(field status)" cpu_limit "busy loop: cpu_limit"
set -- $(field cpu_ms) $(cpus 2 --cpu-ms=300 -- $P forever)
c=$(med3 "$@"); [ "${c:-0}" -ge 300 ] && [ "$c" -le 340 ]; ok $? "killed within 40 ms of the CPU limit (median $c ms of $*)"
box_run 0 --wall-ms=500 -- $P sleep 60000; is "$(field status)" wall_limit "sleeping job: wall_limit"
box_run 1 --memory-kb=65536 -- $P alloc 200; is "$(field status)/$(field oom_killed)" memory_limit/1 "200 MiB under 64 MiB: memory_limit (memory.events)"
box_run 1 -- $P ok
is "$(field status)/$(field oom_killed)" ok/0 "the next run in that box reports no OOM"
[ "$(field memory_kb)" -lt 8192 ]; ok $? "and its own peak ($(field memory_kb) KiB)"
# 2,000 fork attempts are slow under TCG on a loaded host: CPU to spare.
box_run 0 --procs=16 --cpu-ms=10000 -- $P forkbomb
n=$(sed -n 's/^forked //p' $OUT/stdout); [ -n "$n" ] && [ "$n" -lt 16 ]
ok $? "fork bomb held by pids.max (forked ${n:-?}; status $(field status))"
box_run 0 -- $P ptrace;           is "$(field status)/$(field syscall)" violation/ptrace "violation named through seccomp user notification"
[ -z "$(ls -d /sys/fs/cgroup/judgebox/box* 2>/dev/null)" ]; ok $? "no box cgroup remains"
left=$(ps -o user= 2>/dev/null | grep -c '^20000') ; is "$left" 0 "no box process remains"
done_testing
