#!/bin/bash
# The helper on a pure cgroup v2 host, as lab machines run: the same checks
# as on this (v1) machine, in a throwaway QEMU VM (tests/vm/vm-run.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
b=$(mktemp -d /var/tmp/judgebox-vm.XXXXXX)
trap 'rm -rf "$b"' EXIT
make -s -C "$top" O="$b/build" HELPER_CONF=/opt/jb/etc/helper.conf helper tests >/dev/null \
	|| { echo "Bail out! cannot build the helper"; exit 1; }
cat > "$b/helper.conf" <<CONF
group 1500
first_uid 20000
boxes 4
box_kb 65536
box_root /var/lib/judgebox/boxes
cgroup judgebox
policy_dir /opt/jb/policies
bind /usr
bind /bin
bind /lib
bind /lib64
bind /opt/jb/progs
limit cpu-ms 2000 20000
limit wall-ms 20000 60000
limit memory-kb 262144 1048576
limit procs 32 256
limit fsize-kb 65536 1048576
limit stack-kb 65536 1048576
limit nofile 64 1024
limit tmp-kb 65536 262144
limit cpu-share 2000 2000
CONF
chmod 644 "$b/helper.conf"
"$top/tests/vm/vm-run.sh" -t 600 \
	-f "$b/build/judgebox-helper=/opt/jb/lib/judgebox-helper" \
	-f "$b/helper.conf=/opt/jb/etc/helper.conf" \
	-f "$top/policies/default.policy=/opt/jb/policies/default.policy" \
	-f "$b/build/progs/probe=/opt/jb/progs/probe" \
	-f "$top/tests/lib/tap.sh=/opt/jb/tap.sh" \
	-f /usr/bin/setpriv=/opt/jb/setpriv \
	"$top/tests/vm/cgroup-v2-inside.sh"
rc=$?
case $rc in
77) echo "1..0 # SKIP no VM could be started here (see tests/vm/README.md)" ;;
124|125) echo "Bail out! the VM did not finish (exit $rc)"; exit 1 ;;
esac
exit $rc
