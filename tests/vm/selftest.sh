#!/bin/bash
# selftest.sh — check by hand that tests/vm/vm-run.sh works on this machine
# and that its VM offers what judgebox's cgroup-v2 backend needs.  Not part of
# `make check`.  Prints TAP-like lines from inside the VM plus the kernel facts
# that matter to a sandbox; exits 0 if every check passed, 77 if no VM can be
# made here, non-zero otherwise.
#
# usage: tests/vm/selftest.sh [extra vm-run.sh options]

set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/judgebox-vm-selftest.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# A file with the setuid bit, to check that -f keeps mode bits.
printf 'marker\n' >"$tmp/suid-file"
chmod 4755 "$tmp/suid-file"

cat >"$tmp/in-vm.sh" <<'EOF'
# Runs as root inside the VM (busybox sh).  Exit status = number of failures.
boot_uptime=$(cut -d' ' -f1 /proc/uptime)
n=0 fail=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
info() { echo "# $*"; }
has_word() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

cg=/sys/fs/cgroup
info "kernel $(uname -r) ($(uname -v))"
info "cgroup mounts: $(grep -E ' cgroup2? ' /proc/mounts | awk '{print $3 " on " $2 " (" $4 ")"}' | tr '\n' ';')"
check "only cgroup2 is mounted" sh -c "! grep -q ' cgroup ' /proc/mounts && grep -q ' cgroup2 ' /proc/mounts"
mkdir -p /mnt/v1
check "cgroup v1 cannot be mounted (cgroup_no_v1=all)" sh -c '! mount -t cgroup -o memory none /mnt/v1 2>/dev/null'

ctl=$(cat $cg/cgroup.controllers)
info "cgroup.controllers: $ctl"
info "cgroup.subtree_control: $(cat $cg/cgroup.subtree_control)"
for c in cpu memory pids; do
	check "controller $c available" has_word "$ctl" $c
	check "controller $c enabled for children" has_word "$(cat $cg/cgroup.subtree_control)" $c
done

t=$cg/selftest
check "create a child cgroup" mkdir $t
for f in memory.max memory.peak memory.events memory.swap.max cpu.stat cpu.max \
	pids.max pids.current cgroup.kill cgroup.procs cgroup.freeze; do
	check "child cgroup has $f" test -e $t/$f
done

# Memory limit: tmpfs pages are charged to the writer's cgroup and cannot be
# reclaimed without swap, so writing 64 MiB under a 16 MiB limit OOM-kills.
echo 16M >$t/memory.max
echo 0 >$t/memory.swap.max 2>/dev/null
sh -c "echo \$\$ >$t/cgroup.procs; exec dd if=/dev/zero of=/tmp/big bs=1M count=64" 2>/dev/null
rm -f /tmp/big
ooms=$(awk '$1 == "oom_kill" {print $2}' $t/memory.events)
peak=$(cat $t/memory.peak 2>/dev/null)
info "memory.max 16M: oom_kill=$ooms memory.peak=$peak"
check "memory.max enforced (oom_kill >= 1)" test "${ooms:-0}" -ge 1
check "memory.peak reports the peak (>= 8 MiB)" test "${peak:-0}" -ge 8388608

# pids limit.
echo 5 >$t/pids.max
sh -c "echo \$\$ >$t/cgroup.procs; for i in 1 2 3 4 5 6 7 8; do sleep 5 & done" 2>/dev/null
maxed=$(awk '$1 == "max" {print $2}' $t/pids.events)
info "pids.max 5: pids.events: max $maxed"
check "pids.max enforced (pids.events max >= 1)" test "${maxed:-0}" -ge 1
echo 1 >$t/cgroup.kill 2>/dev/null
sleep 0.2

# cgroup.kill kills every process in the cgroup.
echo max >$t/pids.max
sh -c "echo \$\$ >$t/cgroup.procs; exec sleep 100" &
sleep 0.2
check "cgroup.kill kills the cgroup's processes" sh -c "echo 1 >$t/cgroup.kill && sleep 0.3 && test -z \"\$(cat $t/cgroup.procs)\""
wait 2>/dev/null

# cpu.max throttling.
echo "10000 100000" >$t/cpu.max
sh -c "echo \$\$ >$t/cgroup.procs; exec timeout 1 sh -c 'while :; do :; done'" 2>/dev/null
thr=$(awk '$1 == "nr_throttled" {print $2}' $t/cpu.stat)
info "cpu.max 10%: cpu.stat: $(tr '\n' ' ' <$t/cpu.stat)"
check "cpu.max throttles (nr_throttled > 0)" test "${thr:-0}" -gt 0
# Empty the cgroup (a throttled dying task can take a while to go away).
echo 1 >$t/cgroup.kill
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	grep -q '^populated 0' $t/cgroup.events && break
	sleep 0.1
done
check "remove the child cgroup" rmdir $t

# Namespaces.
check "unshare -U -r works as root" sh -c 'test "$(unshare -U -r id -u)" = 0'
check "unprivileged user namespace (as nobody)" \
	su -s /bin/sh nobody -c 'test "$(unshare -U -r id -u)" = 0'
check "unshare -m -p -f -n -i -u (root)" unshare -m -p -f -n -i -u --mount-proc true
info "/ is $(awk '$5 == "/" {print $9 " " $(NF-1) ", " $7}' /proc/self/mountinfo)"
check "pivot_root works in a new mount namespace" unshare -m sh -c \
	'mount --make-rprivate / && mkdir -p /mnt/nr && mount -t tmpfs t /mnt/nr &&
	 mkdir /mnt/nr/old && cd /mnt/nr && pivot_root . old'
for f in /proc/sys/kernel/unprivileged_userns_clone /proc/sys/user/max_user_namespaces \
	/proc/sys/kernel/unprivileged_bpf_disabled /proc/sys/kernel/perf_event_paranoid \
	/proc/sys/kernel/yama/ptrace_scope /proc/sys/kernel/io_uring_disabled \
	/proc/sys/vm/unprivileged_userfaultfd; do
	if [ -r $f ]; then info "${f#/proc/sys/} = $(cat $f)"; else info "${f#/proc/sys/}: absent"; fi
done

# seccomp.
acts=$(cat /proc/sys/kernel/seccomp/actions_avail 2>/dev/null)
info "seccomp actions_avail: $acts"
check "seccomp user notification available" has_word "$acts" user_notif
info "LSMs: $(cat /sys/kernel/security/lsm 2>/dev/null || echo '?')"
info "pressure (PSI): $(test -e /proc/pressure/memory && echo yes || echo no)"

# The harness itself.
check "setuid bit kept by -f" test "$(stat -c '%a %u' /opt/suid-file)" = "4755 0"
check "PATH as documented" test "$PATH" = /usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
check "running as root" test "$(id -u)" = 0
check "/etc/passwd has root" grep -q '^root:x:0:0:' /etc/passwd
check "/var is writable" sh -c 'echo x >/var/lib/probe'
check "stdout is a pipe" test -p /proc/self/fd/1
echo "this line goes to stderr" >&2
info "memory: $(free -m | awk '/Mem:/ {print $2 " MiB total, " $4 " MiB free"}'), cpus: $(nproc)"
info "boot: script started at uptime $boot_uptime s"
echo "1..$n"
exit $fail
EOF

start=$(date +%s.%N)
"$here/vm-run.sh" -f "$tmp/suid-file=/opt/suid-file" "$@" "$tmp/in-vm.sh" 2>"$tmp/stderr"
rc=$?
end=$(date +%s.%N)
sed 's/^/stderr: /' "$tmp/stderr" >&2
echo "# vm-run.sh exit status $rc, wall time $(awk "BEGIN { printf \"%.1f\", $end - $start }") s"
[ $rc = 77 ] && exit 77
grep -q '^stderr: this line goes to stderr$' <(sed 's/^/stderr: /' "$tmp/stderr") ||
	{ echo "# FAIL: the script's stderr did not reach stderr"; [ $rc = 0 ] && rc=1; }
exit $rc
