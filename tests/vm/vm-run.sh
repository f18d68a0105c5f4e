#!/bin/bash
# vm-run.sh — run a shell script as root inside a throwaway QEMU VM whose
# kernel has a pure cgroup v2 hierarchy (cgroup_no_v1=all).
#
# usage: tests/vm/vm-run.sh [-t TIMEOUT_S] [-m MEM_MB] [-v] [-f HOST[=VM]]... SCRIPT
#
# Exit status: the script's own exit status; 124 if the VM did not finish in
# time (it is killed); 77 if the VM cannot be made on this machine (no kernel,
# tools not installable: callers turn it into a TAP SKIP); 125 if the VM ran
# but never reported the script's status (kernel panic, broken /init, ...);
# 2 on a usage error.  See tests/vm/README.md for how it works.
#
# Environment:
#   JUDGEBOX_VM_CACHE   where the kernel is cached (default /var/cache/judgebox-vm)
#   JUDGEBOX_VM_KERNEL  use this bzImage instead of the cached Debian one
#   JUDGEBOX_VM_KEEP=1  keep the work directory (initramfs, console log)

set -u
set -o pipefail

prog=vm-run
timeout_s=300
mem_mb=1024
verbose=0
files=()

usage() {
	echo "usage: $0 [-t TIMEOUT_SECONDS] [-m MEM_MB] [-v] [-f HOSTPATH[=VMPATH]]... SCRIPT" >&2
	exit 2
}
die() { echo "$prog: $*" >&2; exit 125; }
skip() { echo "$prog: SKIP: $*" >&2; exit 77; }
note() { [ "$verbose" = 1 ] && echo "$prog: $*" >&2; return 0; }

while getopts 't:m:f:vh' opt; do
	case $opt in
	t) timeout_s=$OPTARG ;;
	m) mem_mb=$OPTARG ;;
	f) files+=("$OPTARG") ;;
	v) verbose=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
script=$1
case $timeout_s in '' | *[!0-9]*) usage ;; esac
case $mem_mb in '' | *[!0-9]*) usage ;; esac
[ -f "$script" ] && [ -r "$script" ] || { echo "$prog: cannot read script '$script'" >&2; exit 2; }

cache=${JUDGEBOX_VM_CACHE:-/var/cache/judgebox-vm}
export LC_ALL=C

# ---------------------------------------------------------------- tools ---

# apt-get install PKGS..., running `apt-get update` and retrying once if the
# first attempt fails (stale or missing package lists).
apt_install() {
	[ "$(id -u)" = 0 ] || return 1
	command -v apt-get >/dev/null || return 1
	local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y
		-o DPkg::Lock::Timeout=120 install --no-install-recommends "$@")
	echo "$prog: installing $*" >&2
	"${apt[@]}" >"$work/apt.log" 2>&1 && return 0
	apt-get -q -o DPkg::Lock::Timeout=120 update >>"$work/apt.log" 2>&1
	"${apt[@]}" >>"$work/apt.log" 2>&1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/judgebox-vm.XXXXXX") || die "mktemp failed"
qemu_pid=
cleanup() {
	[ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null
	if [ "${JUDGEBOX_VM_KEEP:-0}" = 1 ]; then
		echo "$prog: work directory kept: $work" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -e /usr/share/qemu/qboot.rom ] || [ -e /usr/share/seabios/bios-256k.bin ] || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v ldd >/dev/null || need+=(libc-bin)
if [ ${#need[@]} -gt 0 ]; then
	mapfile -t need < <(printf '%s\n' "${need[@]}" | sort -u)
	apt_install "${need[@]}" || skip "cannot install ${need[*]} (not root, or apt failed: see 'apt-get install ${need[*]}')"
fi

# --------------------------------------------------------------- kernel ---

# Newest cached kernel image, if any.
cached_kernel() {
	ls -1 "$cache"/vmlinuz-* 2>/dev/null | sort -V | tail -n 1
}

# Download the newest Debian cloud kernel package that apt can get and keep
# only its vmlinuz (and config, for reference) in the cache.
fetch_kernel() {
	local pkgs pkg deb dir img
	mkdir -p "$cache" 2>/dev/null && [ -w "$cache" ] || return 1
	command -v apt-get >/dev/null || return 1
	for attempt in 1 2; do
		# Concrete versions only (not the meta package, not -dbg); for each
		# version the signed package first, then the -unsigned one.
		pkgs=$(apt-cache pkgnames linux-image- 2>/dev/null |
			grep -E '^linux-image-[0-9][0-9.]*-[0-9]+-cloud-amd64(-unsigned)?$' |
			sed -E 's/(-unsigned)?$/ &/' | sort -k1,1Vr -k2,2 | tr -d ' ')
		for pkg in $pkgs; do
			dir="$work/kpkg"
			rm -rf "$dir" && mkdir -p "$dir" && chmod 755 "$dir"
			# apt runs downloads as _apt when it can: let it write here.
			chown _apt "$dir" 2>/dev/null
			(cd "$dir" && apt-get -q download "$pkg") >>"$work/apt.log" 2>&1 || continue
			deb=$(ls -1 "$dir"/*.deb 2>/dev/null | head -n 1)
			[ -n "$deb" ] && dpkg-deb -x "$deb" "$dir/x" 2>>"$work/apt.log" || continue
			img=$(ls -1 "$dir"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
			[ -n "$img" ] || continue
			local ver=${img##*/vmlinuz-}
			cp "$dir/x/boot/config-$ver" "$cache/config-$ver" 2>/dev/null
			cp "$img" "$cache/.vmlinuz-$ver.tmp" &&
				mv "$cache/.vmlinuz-$ver.tmp" "$cache/vmlinuz-$ver" || return 1
			rm -rf "$dir"
			echo "$prog: cached kernel $pkg in $cache" >&2
			return 0
		done
		[ $attempt = 1 ] || break
		[ "$(id -u)" = 0 ] || break
		apt-get -q -o DPkg::Lock::Timeout=120 update >>"$work/apt.log" 2>&1 || break
	done
	return 1
}

if [ -n "${JUDGEBOX_VM_KERNEL:-}" ]; then
	kernel=$JUDGEBOX_VM_KERNEL
	[ -r "$kernel" ] || skip "JUDGEBOX_VM_KERNEL=$kernel is not readable"
else
	kernel=$(cached_kernel)
	if [ -z "$kernel" ]; then
		# Serialise concurrent first runs (prove -j) on the cache.
		mkdir -p "$cache" 2>/dev/null
		{ exec 9>>"$cache/.lock"; } 2>/dev/null && flock 9
		kernel=$(cached_kernel)
		[ -n "$kernel" ] || { fetch_kernel && kernel=$(cached_kernel); }
		exec 9>&-
		[ -n "$kernel" ] || skip "no Debian cloud kernel available (apt-get download linux-image-*-cloud-amd64 failed; cache $cache)"
	fi
fi
note "kernel $kernel"

# ------------------------------------------------------------ initramfs ---

root="$work/root"
mkdir -p "$root"
# Mirror the host's top-level layout (merged /usr on Debian 12: /bin, /lib64
# ... are symlinks) so that library paths printed by ldd stay valid.
for d in bin sbin lib lib32 lib64 libx32; do
	if [ -L "/$d" ]; then
		t=$(readlink "/$d")
		ln -s "$t" "$root/$d"
		case $t in /*) mkdir -p "$root$t" ;; *) mkdir -p "$root/$t" ;; esac
	elif [ -d "/$d" ]; then
		mkdir -p "$root/$d"
	fi
done
mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/lib "$root"/usr/local/bin \
	"$root"/bin "$root"/sbin "$root"/etc "$root"/root "$root"/dev "$root"/proc \
	"$root"/sys "$root"/tmp "$root"/run "$root"/var
chmod 700 "$root/root"
chmod 1777 "$root/tmp"

# busybox; /init creates its applet symlinks at boot (`busybox --install -s`
# never replaces an existing file, so -f files win; doing it here would cost
# one ln process per applet, about 2 s).
cp /bin/busybox "$root/bin/busybox"
ln -s busybox "$root/bin/sh"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo judgebox-vm >"$root/etc/hostname"
# Without /dev/console in the initramfs the kernel starts /init with no open
# fds; /init copes (it redirects once devtmpfs is up) but early errors would
# be lost.  Only root can mknod.
mknod -m 600 "$root/dev/console" c 5 1 2>/dev/null

is_elf() { [ -f "$1" ] && [ "$(head -c 4 "$1" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; }

# Copy the shared libraries (and dynamic loader) that ELF file $1 needs.
copy_libs() {
	local lib
	ldd "$1" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3; next }
		$2 == "=>" && $3 == "not" { print "MISSING " $1; next }
		$1 ~ /^\// { print $1 }' |
	while read -r lib rest; do
		if [ "$lib" = MISSING ]; then
			echo "$prog: warning: $1 needs $rest, which ldd cannot find" >&2
			continue
		fi
		[ -e "$root$lib" ] && continue
		mkdir -p "$root${lib%/*}"
		cp -L "$lib" "$root$lib" || echo "$prog: warning: cannot copy $lib" >&2
	done
}

copy_libs /bin/busybox # no-op for busybox-static, needed for the dynamic one

for spec in "${files[@]}"; do
	case $spec in
	*=*) src=${spec%%=*} dst=${spec#*=} ;;
	*) src=$spec dst=$(realpath -s "$spec") ;;
	esac
	case $dst in /*) ;; *) echo "$prog: -f $spec: VMPATH must be absolute" >&2; exit 2 ;; esac
	[ -e "$src" ] || { echo "$prog: -f $spec: $src does not exist" >&2; exit 2; }
	mkdir -p "$root$(dirname "$dst")"
	if [ -d "$src" ]; then
		# Directory: copy its contents recursively (cp -a keeps modes,
		# setuid bits and symlinks), then the libraries of every ELF in it.
		mkdir -p "$root$dst"
		cp -a "$src/." "$root$dst/" || die "cannot copy $src"
		while IFS= read -r -d '' f; do
			is_elf "$f" && copy_libs "$f"
		done < <(find "$src/" -type f -print0)
	else
		# Replace whatever is there (e.g. a busybox applet symlink: cp would
		# otherwise write through it into busybox itself).
		rm -f "$root$dst"
		cp -pL "$src" "$root$dst" || die "cannot copy $src"
		is_elf "$src" && copy_libs "$src"
	fi
done

cp "$script" "$root/script"
chmod 755 "$root/script"

# A per-run token makes the status line impossible to fake by accident.
token=JBVM$$x$RANDOM$RANDOM

# /init (busybox sh).  ttyS0 is the kernel console (boot noise + our status
# line), ttyS1 carries the script's stdout and ttyS2 its stderr, both in raw
# mode so the host receives the bytes unchanged.
mkdir -p "$root/newroot"
cat >"$root/init" <<EOF
#!/bin/sh
# Generated by tests/vm/vm-run.sh.
#
# Stage 1: the initramfs is the kernel's "rootfs" mount, which pivot_root(2)
# refuses to move (EINVAL) even inside a new mount namespace -- and a jail
# builder needs pivot_root.  So copy the tree onto a tmpfs and switch_root
# into it (which also frees the initramfs); stage 2 runs there as PID 1.
if [ "\$1" != stage2 ]; then
	bb=/bin/busybox
	\$bb mount -t tmpfs -o mode=755 root /newroot
	for e in /*; do
		[ "\$e" = /newroot ] || \$bb cp -a "\$e" /newroot/
	done
	exec \$bb switch_root /newroot /init stage2
fi
export PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin
/bin/busybox --install -s
mount -t proc -o nosuid,nodev,noexec proc /proc
mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
mount -t devtmpfs -o nosuid,mode=755 devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo "$token boot uptime=\$(cut -d' ' -f1 /proc/uptime)"
# Keep kernel messages (OOM kills, ...) off the console: only panics show.
dmesg -n 1
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts -o nosuid,noexec,gid=5,mode=620,ptmxmode=666 devpts /dev/pts
ln -sf pts/ptmx /dev/ptmx 2>/dev/null
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /dev/shm
mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs /tmp
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /run
mount -t tmpfs -o nosuid,nodev,mode=755 tmpfs /var
mkdir -p /var/tmp /var/lib /var/log /var/cache
chmod 1777 /var/tmp
ln -s /run /var/run
# Same mount options as systemd uses on a cgroup-v2 host.
mount -t cgroup2 -o nosuid,nodev,noexec,nsdelegate,memory_recursiveprot cgroup2 /sys/fs/cgroup ||
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
for c in cpu memory pids; do
	echo "+\$c" >/sys/fs/cgroup/cgroup.subtree_control || echo "vm-init: cannot enable controller \$c"
done
# systemd makes every mount shared; do the same, so that a jail builder that
# forgets to make its mounts private is caught here as it would be there.
mount --make-rshared /
hostname -F /etc/hostname
ifconfig lo 127.0.0.1 up 2>/dev/null
ln -sf /proc/self/mounts /etc/mtab
# The script's stdout and stderr are FIFOs (like the pipes it would get
# under prove), relayed by two cats to the raw serial ports.
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
mkfifo -m 600 /run/.vm-out /run/.vm-err
cat /run/.vm-out >/dev/ttyS1 &
out_pid=\$!
cat /run/.vm-err >/dev/ttyS2 &
err_pid=\$!
cd /
echo "$token start uptime=\$(cut -d' ' -f1 /proc/uptime)"
env -i PATH="\$PATH" HOME=/root USER=root LOGNAME=root SHELL=/bin/sh TMPDIR=/tmp \\
	/bin/sh /script </dev/null >/run/.vm-out 2>/run/.vm-err
rc=\$?
echo "$token end uptime=\$(cut -d' ' -f1 /proc/uptime)"
# Kill whatever the script left behind (it may hold the FIFOs open), except
# init and the two relays; twice, in case a stray forked meanwhile.
for pass in 1 2; do
	for p in /proc/[0-9]*; do
		p=\${p#/proc/}
		case \$p in 1 | \$\$ | \$out_pid | \$err_pid) ;; *) kill -KILL \$p 2>/dev/null ;; esac
	done
done
wait \$out_pid \$err_pid
# Wait until the UARTs have sent everything (stty uses TCSADRAIN).
stty -F /dev/ttyS1 raw -echo
stty -F /dev/ttyS2 raw -echo
echo "$token rc=\$rc"
poweroff -f
EOF
chmod 755 "$root/init"

(cd "$root" && find . -print0 | sort -z |
	cpio --null --quiet -o -H newc -R 0:0) >"$work/initramfs.cpio" ||
	die "cannot build the initramfs"
note "initramfs $(($(stat -c %s "$work/initramfs.cpio") / 1024)) KiB"

# ------------------------------------------------------------------ run ---

# qboot is a minimal firmware that boots a -kernel much faster than SeaBIOS.
bios=()
[ -e /usr/share/qemu/qboot.rom ] && bios=(-bios /usr/share/qemu/qboot.rom)

# (qemu creates the three serial log files.)
qemu=(qemu-system-x86_64 -accel tcg -nodefaults -no-user-config
	-machine pc "${bios[@]}" -cpu max -smp 2 -m "$mem_mb"
	-display none -no-reboot -nic none
	-serial "file:$work/console.log"
	-serial "file:$work/stdout"
	-serial "file:$work/stderr"
	-kernel "$kernel" -initrd "$work/initramfs.cpio"
	-append "console=ttyS0 quiet panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1")

start=$(date +%s.%N)
"${qemu[@]}" </dev/null >"$work/qemu.log" 2>&1 &
qemu_pid=$!
# Watchdog: SIGTERM the VM (by its pid only) when the time is up.
timed_out=0
deadline=$((SECONDS + timeout_s))
while kill -0 "$qemu_pid" 2>/dev/null; do
	if [ $SECONDS -ge $deadline ]; then
		timed_out=1
		kill -TERM "$qemu_pid" 2>/dev/null
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$qemu_pid" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL "$qemu_pid" 2>/dev/null
		break
	fi
	sleep 0.1
done
wait "$qemu_pid" 2>/dev/null
qemu_rc=$?
qemu_pid=
end=$(date +%s.%N)

cat "$work/stdout" 2>/dev/null
cat "$work/stderr" >&2 2>/dev/null

if [ "$verbose" = 1 ]; then
	echo "$prog: ---- console (ttyS0) ----" >&2
	tr -d '\r' <"$work/console.log" >&2
	echo "$prog: ---- end of console; wall time $(awk "BEGIN { printf \"%.2f\", $end - $start }") s ----" >&2
fi

if [ $timed_out = 1 ]; then
	echo "$prog: the VM did not finish within $timeout_s s: killed" >&2
	exit 124
fi

# The status line may share its line with kernel output: do not anchor it.
rc=$(tr -d '\r' <"$work/console.log" | sed -n "s/.*$token rc=\([0-9][0-9]*\).*/\1/p" | tail -n 1)
if [ -z "$rc" ]; then
	echo "$prog: the VM stopped without reporting the script's status (qemu exit $qemu_rc); console tail:" >&2
	tr -d '\r' <"$work/console.log" | tail -n 25 | sed 's/^/  | /' >&2
	sed 's/^/  qemu: /' "$work/qemu.log" >&2
	exit 125
fi
exit "$rc"
