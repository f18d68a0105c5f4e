# helper-env.sh: sourced by tests. Installs judgebox-helper setuid-root into a
# fresh prefix with a config of its own (compiled in), and creates the
# unprivileged users that call it, the way the controller will:
#   jbtest   in group jbtest-ctl (the controller's group): may run the helper
#   jbother  not in it: must be refused
# Sets JB (the prefix), HELPER, PROGS, and defines hrun, box_run, field.
# Needs root; cleans up (mounts, cgroups, prefix) on exit.
# JB_PREBUILT=DIR: no build; DIR/build holds it, made with
# HELPER_CONF=DIR/etc/helper.conf (and attacks), and DIR, the prefix, stays
# (the cgroup v2 VM, which has no compiler: tests/vm/attacks-inside.sh).
# Not under /tmp: DIR/progs is bound into the jail, where /tmp is the job's.
# CTL_GID set: the users exist already (the VM's busybox has no useradd).
# JB_CPU_MS and JB_WALL_MS: the config's "DEFAULT CEILING" of those limits.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root to install a setuid helper"; exit 0; }

if [ -z "${CTL_GID:-}" ]; then
	getent group jbtest-ctl >/dev/null || groupadd -f jbtest-ctl
	getent passwd jbtest >/dev/null || useradd -r -M -N -g jbtest-ctl -s /usr/sbin/nologin jbtest
	getent passwd jbother >/dev/null || useradd -r -M -U -s /usr/sbin/nologin jbother
	CTL_GID=$(getent group jbtest-ctl | cut -d: -f3)
fi

if [ -n "${JB_PREBUILT:-}" ]; then
	JB=$JB_PREBUILT
	[ -x "$JB/build/judgebox-helper" ] || { echo "Bail out! no prebuilt helper in $JB/build"; exit 1; }
else
	JB=$(mktemp -d /var/tmp/judgebox-test.XXXXXX)
fi
chmod 755 "$JB"
JB_CGROUP="judgebox-test-$$"
JB_FIRST_UID=$((1900000 + ($$ % 5000) * 16))
HELPER=$JB/lib/judgebox-helper
PROGS=$JB/progs

jb_cleanup() {
	for b in "$JB"/boxes/*/box; do
		[ -d "$b" ] && while umount -l "$b" 2>/dev/null; do :; done
	done
	for h in /sys/fs/cgroup /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/cpuacct \
		/sys/fs/cgroup/cpu; do   # cpu: a cpu-share ceiling's (v1)
		d=$h/$JB_CGROUP
		[ -d "$d" ] && { rmdir "$d"/box* 2>/dev/null; rmdir "$d"; }
	done
	[ -n "${JB_PREBUILT:-}" ] || rm -rf --one-file-system "$JB"
	# A test that bailed out left tap.sh's sanitizer directory: gone if empty.
	[ -z "${SAN_LOG:-}" ] || rmdir "$SAN_LOG" 2>/dev/null || :
}
trap jb_cleanup EXIT

[ -n "${JB_PREBUILT:-}" ] || make -s -C "$TOP" O="$JB/build" HELPER_CONF="$JB/etc/helper.conf" helper tests >/dev/null \
	|| { echo "Bail out! cannot build the helper"; exit 1; }
mkdir -p "$JB/lib" "$JB/etc" "$JB/policies" "$PROGS"
install -o root -g jbtest-ctl -m 4750 "$JB/build/judgebox-helper" "$HELPER"
install -m 0755 "$JB"/build/progs/* "$PROGS/"
install -m 0644 "$TOP"/policies/*.policy "$JB/policies/"

# write_conf [extra lines]: the test config, root-owned, mode 644. Its
# cpu-share line is $JB_CPU_SHARE if set (empty: none, as in older configs).
write_conf() {
	cat > "$JB/etc/helper.conf" <<CONF
group $CTL_GID
first_uid $JB_FIRST_UID
boxes 8
box_kb 65536
box_root $JB/boxes
cgroup $JB_CGROUP
policy_dir $JB/policies
bind /usr
bind /bin
bind /lib
bind /lib64
bind /etc/alternatives
bind /etc/ld.so.cache
bind /etc/java-17-openjdk
bind /etc/mono
bind /etc/php/8.2/cli
bind /etc/php/8.2/mods-available
bind $PROGS
limit cpu-ms ${JB_CPU_MS:-2000 20000}
limit wall-ms ${JB_WALL_MS:-5000 60000}
limit memory-kb 262144 1048576
limit procs 32 256
limit fsize-kb 65536 1048576
limit stack-kb 65536 1048576
limit nofile 64 1024
limit tmp-kb 65536 262144
${JB_CPU_SHARE-limit cpu-share 2000 2000}
CONF
	[ $# -gt 0 ] && printf '%s\n' "$@" >> "$JB/etc/helper.conf"
	chmod 644 "$JB/etc/helper.conf"
}
write_conf

# hrun ARGS...: the helper as jbtest, the controller's stand-in.
hrun() { setpriv --reuid=jbtest --regid=jbtest-ctl --init-groups -- "$HELPER" "$@"; }

hrun setup || { echo "Bail out! helper setup failed"; exit 1; }

for b in 0 1 2 3 4 5 6 7; do hrun clean $b || { echo "Bail out! clean $b failed"; exit 1; }; done

# box_run BOX [helper options] -- PROG ARGS: run in the box; the record is
# left in $OUT/result, the job's output in $OUT/stdout and $OUT/stderr.
OUT=$JB/out
mkdir -p "$OUT"
box_run() {
	b=$1; shift
	hrun run "$b" --result-fd=3 "$@" 3>"$OUT/result" >"$OUT/stdout" 2>"$OUT/stderr" </dev/null
}
# field KEY: a value from the last record.
field() { sed -n "s/^$1=//p" "$OUT/result"; }
