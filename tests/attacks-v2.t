#!/bin/bash
# The attack battery on a pure cgroup v2 host, as lab machines run: all of
# tests/attacks.t, with the same expectations, in the throwaway QEMU VM of
# tests/vm/ (this machine boots cgroup v1). The VM has busybox only, so the
# battery's runtime is shipped from this machine: bash, Python 3 with the
# part of its library the battery imports, and the few tools busybox lacks
# (each with its shared libraries). It prints how long the VM took, in wall
# time and in CPU time (on a busy machine the first is mostly waiting).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }
V=/opt/judgebox-vm      # $JB inside the VM; the helper's config path is compiled in
b=$(mktemp -d /var/tmp/judgebox-vm.XXXXXX)
trap 'rm -rf "$b"' EXIT
make -s -C "$top" O="$b/build" HELPER_CONF=$V/etc/helper.conf helper tests attacks >/dev/null \
	|| { echo "Bail out! cannot build the helper and the attack programs"; exit 1; }

# The battery's own files, at /opt/jb as at the top of a checkout.
mkdir -p "$b/jb/tests/lib" "$b/jb/tests/attacks" "$b/jb/policies"
cp "$top/tests/attacks.t" "$b/jb/tests/"
cp "$top/tests/lib/tap.sh" "$top/tests/lib/helper-env.sh" "$top/tests/lib/serve_client.py" "$b/jb/tests/lib/"
cp "$top"/tests/attacks/*.py "$top"/tests/attacks/*.sh "$b/jb/tests/attacks/"
cp "$top"/policies/*.policy "$b/jb/policies/"
mkdir -p "$b/vm"
cp -a "$b/build/judgebox-helper" "$b/build/progs" "$b/build/attacks" "$b/vm/"

# Python: the modules the battery's scripts import (found by parsing them,
# the inline ones included), with what they import in turn, and their
# compiled forms (the jail's /usr is read-only: nothing is compiled there).
py=$(readlink -f /usr/bin/python3)
mods=$(cat "$top"/tests/attacks/*.py "$top"/tests/lib/serve_client.py | sed -n 's/^\(import\|from\) \([a-z_, ]*\).*/\2/p' | tr ', ' '\n\n' | grep . | sort -u | tr '\n' ' ')
"$py" - "$b/py" $mods os pty subprocess tty socket sys time signal <<'PY' ||
import importlib, importlib.util, os, shutil, sys, sysconfig
dest, names = sys.argv[1], sys.argv[2:]
import encodings, site
for n in names:
    importlib.import_module(n)
for f in os.listdir(os.path.dirname(encodings.__file__)):
    try:
        importlib.import_module("encodings." + f[:-3]) if f.endswith(".py") else None
    except ImportError:       # mbcs, oem: Windows only
        pass
stdlib = sysconfig.get_paths()["stdlib"]
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if not f or not f.startswith(stdlib + "/"):
        continue
    files = [f]
    if f.endswith(".py"):
        files.append(importlib.util.cache_from_source(f))
    for g in files:
        if os.path.exists(g):
            os.makedirs(os.path.dirname(dest + g), exist_ok=True)
            shutil.copy2(g, dest + g)
PY
	{ echo "Bail out! cannot gather Python's library"; exit 1; }
pylib=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')

# The VM's busybox serves for everything else (a static binary starts
# several times faster than a dynamic one under emulation); these it lacks,
# or lacks the options the battery uses of.
ship=()
for t in bash setpriv ps getconf install unshare; do
	p=$(command -v "$t") || { echo "Bail out! $t is missing here"; exit 1; }
	ship+=(-f "$(readlink -f "$p")=/usr/bin/$t")
done

# cpu_s FILE: CPU seconds of this shell's children in FILE, the output of
# `times` (run in this shell: in $(...), a subshell, it would count none).
cpu_s() { tail -n 1 "$1" | awk '{ split($1, u, "m"); split($2, s, "m"); printf "%d", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'; }
times > "$b/times0"
start=$(date +%s)
"$top/tests/vm/vm-run.sh" -t 900 -m 2048 \
	-f "$b/vm=$V/build" \
	-f "$b/jb=/opt/jb" \
	-f "$py=/usr/bin/python3" \
	-f "$b/py$pylib=$pylib" \
	"${ship[@]}" \
	"$top/tests/vm/attacks-inside.sh"
rc=$?
times > "$b/times1"
echo "# the VM ran the battery in $(($(date +%s) - start)) s of wall time, $(($(cpu_s "$b/times1") - $(cpu_s "$b/times0"))) s of CPU time; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
case $rc in
77) echo "1..0 # SKIP no VM could be started here (see tests/vm/README.md)" ;;
124|125) echo "Bail out! the VM did not finish (exit $rc)"; exit 1 ;;
esac
exit $rc
