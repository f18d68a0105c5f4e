#!/bin/bash
# tests/package.sh [O]: `make check-package`, the test of the installed
# system (packaging/README.md). As root, on Debian 12: installs its tools
# when missing; builds the .deb of this tree and, from git revision
# $PREV_REV (HEAD by default), an older version of it; builds the .rpm and
# checks its file list and modes (rpm -qlvp); runs lintian; installs the
# older .deb, starts the daemon as judgeboxd.service's ExecStart would run it
# (its User, Group, SupplementaryGroups, UMask and CapabilityBoundingSet;
# PID 1 is not systemd here), makes jobs and a problem as a throwaway member
# of judgebox-users, upgrades to this tree's .deb and checks they are all
# there; runs programs in three languages, a violation, a `test` and a
# `problem verify` through the installed CLI; removes (state kept), purges,
# and checks that nothing is left: files, processes, mounts, cgroups, the
# statoverride, the accounts. Everything it installed is purged on exit,
# also on failure. Prints TAP; packages and logs go to O/packages.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$TOP/tests/lib/tap.sh"
O=${1:-${O:-build}}
case $O in /*) ;; *) O=$TOP/$O ;; esac
OUT=$O/packages
PREV_REV=${PREV_REV:-HEAD}
[ "$(id -u)" = 0 ] || skip_all "needs root: it installs the .deb on this machine"
[ -r /etc/debian_version ] || skip_all "needs Debian (dpkg, apt)"

HELPER=/usr/lib/judgebox/judgebox-helper
UNIT=/lib/systemd/system/judgeboxd.service
T0=$(date +%s)
elapsed() { echo $(( $(date +%s) - T0 )); }
apt_get() { apt-get -o DPkg::Lock::Timeout=600 -y "$@"; }

# Someone else's judgebox on this machine is not ours to replace or purge.
if dpkg -s judgebox >/dev/null 2>&1 || getent passwd judgebox >/dev/null ||
   getent group judgebox-users >/dev/null || [ -e /var/lib/judgebox ] || [ -e /etc/judgebox ]; then
	echo "Bail out! judgebox is already installed here (package, accounts or /var/lib/judgebox, /etc/judgebox); purge it first"
	exit 1
fi

# --- tools
TOOLS="debhelper dpkg-dev fakeroot lintian rpm ucf systemd util-linux passwd
       gcc g++ python3 libseccomp-dev libcap-dev libzmq3-dev libmsgpack-dev
       libsqlite3-dev libyaml-dev"
missing=$(for p in $TOOLS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
	diag "installing: $(echo $missing)"
	apt_get install --no-install-recommends $missing >/dev/null ||
		{ apt-get update >/dev/null && apt_get install --no-install-recommends $missing >/dev/null; } ||
		{ echo "Bail out! cannot install $(echo $missing)"; exit 1; }
fi

WORK=$(mktemp -d /var/tmp/judgebox-package.XXXXXX)
chmod 755 "$WORK"
USER_T=jbpkg$$                 # the throwaway client
CLASH=jbclash$$                # an account in the box range, for a moment
JD_PID=
INSTALLED=

# Under systemd (PID 1) the package's postinst starts judgeboxd.service and
# the test uses the service; elsewhere it runs the unit's ExecStart itself.
SYSTEMD=
[ -d /run/systemd/system ] && SYSTEMD=1
# stop_daemon: SIGTERM (a drain), then SIGKILL after 30 s; by pid only.
stop_daemon() {
	if [ -n "$SYSTEMD" ] && [ -n "$INSTALLED" ]; then
		systemctl stop judgeboxd.service 2>/dev/null
		JD_PID=
		return 0
	fi
	[ -n "$JD_PID" ] || return 0
	kill -TERM "$JD_PID" 2>/dev/null
	for _ in $(seq 300); do kill -0 "$JD_PID" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$JD_PID" 2>/dev/null
	wait "$JD_PID" 2>/dev/null
	JD_PID=
}
# pids_of_uid UID...: the processes running as any of these uids.
pids_of_uid() {
	local u
	for u in "$@"; do ps -e -o pid=,uid= | awk -v u="$u" '$2 == u { print $1 }'; done
}
cleanup() {
	stop_daemon
	# Helpers a killed daemon left, by pid (the installed helper's only).
	local p
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/exe" 2>/dev/null)" = "$HELPER" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	if [ -n "$INSTALLED" ] && dpkg -s judgebox >/dev/null 2>&1; then
		dpkg --purge judgebox >/dev/null 2>&1 || diag "cleanup: dpkg --purge judgebox failed"
	fi
	local u
	for u in "$USER_T" "$CLASH"; do getent passwd "$u" >/dev/null && userdel "$u"; done
	rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- build
mkdir -p "$OUT/new" "$OUT/old" "$OUT/rpm"
rm -f "$OUT"/new/* "$OUT"/old/* "$OUT"/rpm/*
new_version=$(sed -n '1s/^judgebox (\([^)]*\)).*/\1/p' "$TOP/packaging/debian/changelog")
old_version=${new_version%-*}-0~prev
t=$(date +%s)
# NEW_REV (for working on this script while the tree does not build): the
# new package from that revision instead of this tree.
bash "$TOP/packaging/build-deb.sh" "$OUT/new" ${NEW_REV:+"$NEW_REV" "$new_version"} >/dev/null 2>"$OUT/build-new.log"
ok $? "dpkg-buildpackage -us -uc -b: judgebox $new_version ($(( $(date +%s) - t )) s)" ||
	sed 's/^/#   /' "$OUT/build-new.log"
NEW_DEB=$(ls "$OUT"/new/judgebox_*.deb 2>/dev/null | head -n 1)
prev=
if git -C "$TOP" rev-parse --verify -q "$PREV_REV^{commit}" >/dev/null; then
	prev=$PREV_REV
fi
t=$(date +%s)
bash "$TOP/packaging/build-deb.sh" "$OUT/old" "$prev" "$old_version" >/dev/null 2>"$OUT/build-old.log"
ok $? "the previous version: judgebox $old_version from ${prev:-this tree} ($(( $(date +%s) - t )) s)" ||
	sed 's/^/#   /' "$OUT/build-old.log"
OLD_DEB=$(ls "$OUT"/old/judgebox_*.deb 2>/dev/null | head -n 1)
t=$(date +%s)
RPM_NODEPS=1 bash "$TOP/packaging/build-rpm.sh" "$OUT/rpm" >/dev/null 2>"$OUT/build-rpm.log"
ok $? "rpmbuild -bb packaging/rpm/judgebox.spec ($(( $(date +%s) - t )) s)" ||
	sed 's/^/#   /' "$OUT/build-rpm.log"
RPM=$(ls "$OUT"/rpm/judgebox-[0-9]*.rpm 2>/dev/null | head -n 1)
if [ -z "$NEW_DEB" ] || [ -z "$OLD_DEB" ]; then
	echo "Bail out! no .deb to install"; exit 1
fi

# --- the .rpm's files and modes
if [ -n "$RPM" ]; then
	rpm -qlvp "$RPM" 2>/dev/null > "$OUT/rpm-files.txt"
	# -qlv cuts owner and group names at 8 characters: the modes and owners
	# in full from a query format.
	rpm -qp --qf '[%{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILENAMES}\n]' \
		"$RPM" 2>/dev/null > "$OUT/rpm-modes.txt"
	rpm_has() {	# rpm_has MODE OWNER GROUP PATH
		grep -qxF -e "$1 $2 $3 $4" "$OUT/rpm-modes.txt"
	}
	rpm_has -rwsr-x--- root judgebox /usr/lib/judgebox/judgebox-helper
	ok $? "rpm: judgebox-helper is 4750 root:judgebox"
	rpm_has -rw-r--r-- root root /etc/judgebox/helper.conf
	ok $? "rpm: helper.conf is 0644 root:root"
	rpm_has drwxr-s--- judgebox judgebox-users /run/judgebox
	ok $? "rpm: /run/judgebox is 2750 judgebox:judgebox-users"
	rpm_has drwx------ judgebox judgebox-users /var/lib/judgebox/state
	ok $? "rpm: /var/lib/judgebox/state is 0700 judgebox"
	rpm_has drwxr-xr-x root root /var/lib/judgebox
	ok $? "rpm: /var/lib/judgebox is root's"
	for f in /usr/sbin/judgeboxd /usr/bin/judgebox /usr/lib/systemd/system/judgeboxd.service \
		 /usr/lib/sysusers.d/judgebox.conf /usr/lib/tmpfiles.d/judgebox.conf \
		 /etc/judgebox/judgeboxd.conf /etc/judgebox/policies/default.policy \
		 /etc/judgebox/languages.d/c.conf /usr/share/man/man8/judgebox-helper.8; do
		grep -q " $f\(.gz\)\?\$" "$OUT/rpm-files.txt"; ok $? "rpm holds $f"
	done
	n=$(rpm -qcp "$RPM" 2>/dev/null | grep -c '^/etc/judgebox/')
	[ "$n" -ge 30 ]; ok $? "rpm: the files of /etc/judgebox are %config ($n)"
	rpm -qp --scripts "$RPM" 2>/dev/null | grep -q 'groupadd -r judgebox-users'
	ok $? "rpm: %pre makes the accounts"
else
	skip "no .rpm was built"
fi

# --- the .deb's files, lintian
dpkg -c "$NEW_DEB" > "$OUT/deb-files.txt"
grep -q '^-rwxr-xr-x root/root .* ./usr/lib/judgebox/judgebox-helper$' "$OUT/deb-files.txt"
ok $? "deb: the helper is 0755 root:root in the package (setuid only by statoverride)"
! grep -q '^-..s\|^-.....s' "$OUT/deb-files.txt"
ok $? "deb: no setuid or setgid file in the package"
dpkg-deb -f "$NEW_DEB" Depends | grep -q ucf; ok $? "deb: depends on ucf (helper.conf)"
t=$(date +%s)
# lintian as nobody: it warns against root, and needs no privilege.
cp "$NEW_DEB" "$WORK/" && chmod 644 "$WORK/$(basename "$NEW_DEB")"
setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$WORK" \
	lintian -I --pedantic --show-overrides "$WORK/$(basename "$NEW_DEB")" > "$OUT/lintian.txt" 2>&1
diag "lintian ($(( $(date +%s) - t )) s):"; sed 's/^/#   /' "$OUT/lintian.txt"
! grep -q '^[EW]: ' "$OUT/lintian.txt"
ok $? "lintian: no error, no warning that is not overridden"

# --- the box ids are checked: an account in the range stops the install
INSTALLED=1
if useradd -M -N -u 2000000005 -g users -s /usr/sbin/nologin "$CLASH" 2>/dev/null; then
	apt_get install --no-install-recommends "$OLD_DEB" > "$OUT/install-clash.log" 2>&1
	r=$?
	userdel "$CLASH"
	[ $r != 0 ] && ! dpkg -s judgebox 2>/dev/null | grep -q '^Status: install ok installed'
	ok $? "an account with a box uid (2000000005) stops the install"
	grep -q "box ids 2000000000-2000000063 are reserved for jobs, but in use by" "$OUT/install-clash.log" &&
		grep -q "user $CLASH (uid 2000000005)" "$OUT/install-clash.log"
	ok $? "... and says which account, and what to do" || sed 's/^/#   /' "$OUT/install-clash.log"
	dpkg --purge judgebox >/dev/null 2>&1
else
	skip "cannot create an account with uid 2000000005"
fi

# --- install the previous version
t=$(date +%s)
apt_get install --no-install-recommends "$OLD_DEB" > "$OUT/install-old.log" 2>&1
ok $? "apt install judgebox $old_version ($(( $(date +%s) - t )) s)" || sed 's/^/#   /' "$OUT/install-old.log"
dpkg -s judgebox >/dev/null 2>&1 || { echo "Bail out! the package did not install"; exit 1; }

GID=$(getent group judgebox | cut -d: -f3)
[ -n "$GID" ] && [ "$GID" != 0 ]; ok $? "the group judgebox ($GID)"
getent group judgebox-users >/dev/null; ok $? "the group judgebox-users"
JB_UID=$(id -u judgebox 2>/dev/null)
id -nG judgebox 2>/dev/null | grep -qw judgebox; ok $? "the user judgebox ($JB_UID), in the group judgebox"
is "$(dpkg-statoverride --list $HELPER)" "root judgebox 4750 $HELPER" "dpkg-statoverride: 4750 root:judgebox"
is "$(stat -c '%a %U %G' $HELPER)" "4750 root judgebox" "the helper's mode"
is "$(sed -n 's/^group //p' /etc/judgebox/helper.conf)" "$GID" "helper.conf: group is judgebox's gid"
is "$(stat -c '%a %U %G' /etc/judgebox/helper.conf)" "644 root root" "helper.conf is root's"
is "$(stat -c '%a %U %G' /run/judgebox)" "2750 judgebox judgebox-users" "/run/judgebox"
is "$(stat -c '%a %U' /var/lib/judgebox/state)" "700 judgebox" "/var/lib/judgebox/state"
is "$(stat -c '%a %U' /var/lib/judgebox)" "755 root" "/var/lib/judgebox is root's"
if systemd-analyze verify "$UNIT" > "$OUT/systemd-analyze.txt" 2>&1; then ok 0 "systemd-analyze verify judgeboxd.service"
else ok 1 "systemd-analyze verify judgeboxd.service"; sed 's/^/#   /' "$OUT/systemd-analyze.txt"; fi

# --- the daemon as the unit runs it
unit_key() { sed -n "s/^$1=//p" "$UNIT" | tail -n 1; }
# wait_health: the daemon answers the client within 30 s.
wait_health() {
	for _ in $(seq 300); do
		as_user "$JUDGEBOX" health >/dev/null 2>&1 && return 0
		kill -0 "$JD_PID" 2>/dev/null || break
		sleep 0.1
	done
	return 1
}
start_daemon() {
	local user group supp umask_ exec caps bset c
	if [ -n "$SYSTEMD" ]; then
		systemctl restart judgeboxd.service
		JD_PID=$(systemctl show -p MainPID --value judgeboxd.service)
		wait_health && return 0
		systemctl status judgeboxd.service 2>&1 | sed 's/^/#   /'
		return 1
	fi
	user=$(unit_key User) group=$(unit_key Group) supp=$(unit_key SupplementaryGroups)
	umask_=$(unit_key UMask) exec=$(unit_key ExecStart) caps=$(unit_key CapabilityBoundingSet)
	bset=-all
	for c in $caps; do c=${c#CAP_}; bset="$bset,+${c,,}"; done
	# RuntimeDirectory= and StateDirectory=, as systemd makes them.
	install -d -o "$user" -g "$group" -m "$(unit_key RuntimeDirectoryMode)" "/run/$(unit_key RuntimeDirectory)"
	install -d -o "$user" -g "$group" -m "$(unit_key StateDirectoryMode)" "/var/lib/$(unit_key StateDirectory)"
	# shellcheck disable=SC2086  # ExecStart is words
	(umask "$umask_"; exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
		setpriv --reuid="$user" --regid="$group" --groups="$supp" --bounding-set="$bset" -- \
		$exec) 2>>"$OUT/judgeboxd.log" &
	JD_PID=$!
	wait_health && return 0
	sed 's/^/#   judgeboxd: /' "$OUT/judgeboxd.log"
	return 1
}
JUDGEBOX=/usr/bin/judgebox
useradd -M -N -g users -G judgebox-users -s /usr/sbin/nologin "$USER_T" ||
	{ echo "Bail out! cannot create the user $USER_T"; exit 1; }
T_UID=$(id -u "$USER_T")
as_user() {
	(cd "$WORK" && env -i PATH=/usr/bin:/bin HOME="$WORK" \
		timeout -k 5 300 setpriv --reuid="$USER_T" --regid=users --init-groups -- "$@")
}
# The throwaway user imports problems: it is an admin (a conffile edit that
# the upgrade keeps, as dpkg keeps every admin's).
sed -i "s/^# admins = root\$/admins = root, $USER_T/" /etc/judgebox/judgeboxd.conf
grep -q "^admins = root, $USER_T\$" /etc/judgebox/judgeboxd.conf
ok $? "judgeboxd.conf: $USER_T is an admin (for problem import)"

# Sources the user reads, and a problem package the daemon reads.
SRC=$WORK/src
mkdir -p "$SRC/c" "$SRC/cpp" "$SRC/py" "$SRC/bad" "$SRC/sum" "$SRC/tests"
printf '#include <stdio.h>\nint main(void) { int a, b; if (scanf("%%d %%d", &a, &b) != 2) return 1; printf("c %%d\\n", a + b); return 0; }\n' > "$SRC/c/main.c"
printf '#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << "cpp " << a * b << std::endl; }\n' > "$SRC/cpp/main.cpp"
printf 'a, b = map(int, input().split())\nprint("python", a - b)\n' > "$SRC/py/main.py"
printf '#include <stdio.h>\n#include <sys/ptrace.h>\nint main(void) { ptrace(PTRACE_TRACEME, 0, 0, 0); puts("not stopped"); return 0; }\n' > "$SRC/bad/main.c"
cp "$TOP/tests/demo/sum.c" "$SRC/sum/main.c"
cp "$TOP"/tests/demo/sum-tests/* "$SRC/tests/"
cp -r "$TOP/tests/packages/sum" "$SRC/problem"
# Only C and Python submissions: quick, and their toolchains are installed.
find "$SRC/problem/submissions" -type f ! -name '*.c' ! -name '*.py' -delete
chmod -R a+rX "$WORK"

t=$(date +%s)
start_daemon; ok $? "judgeboxd $old_version started as its unit's ExecStart ($(( $(date +%s) - t )) s)"
# What the unit gives it: ids, groups, the capability bounding set, and no
# no_new_privs (the helper must gain root).
st() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$JD_PID/status" | tr -s '\t ' ' '; }
is "$(st Uid | cut -d' ' -f1) $(st Gid | cut -d' ' -f1)" \
	"$JB_UID $(getent group judgebox-users | cut -d: -f3)" "the daemon runs as judgebox, group judgebox-users"
st Groups | grep -qw "$GID"; ok $? "the daemon has the supplementary group judgebox"
is "$(st NoNewPrivs)" 0 "the daemon has no no_new_privs"
bnd=$(st CapBnd)
[ -n "$bnd" ] && [ "$bnd" != "$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)" ]
ok $? "the daemon has the unit's capability bounding set ($bnd)"
is "$(readlink "/proc/$JD_PID/exe")" /usr/sbin/judgeboxd "ExecStart is judgeboxd (through judgeboxd-start)"

# The old version's jobs and problem, for the upgrade.
# run_prints WANT NAME ARGS...: judgebox run ARGS as the client prints WANT.
run_prints() {
	local want=$1 name=$2 out; shift 2
	out=$(as_user "$JUDGEBOX" -q run "$@" 2>&1)
	printf '%s\n' "$out" | grep -qxF "$want"
	ok $? "$name" || printf '%s\n' "$out" | sed 's/^/#   /'
}
run_prints "c 5" "old version: a C program runs" "$SRC/c/main.c" --stdin-text "2 3"
as_user "$JUDGEBOX" --json run "$SRC/py/main.py" --stdin-text "9 4" > "$WORK/old-py.json" 2>&1
OLD_JOB=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d.get("job", d)["id"])' "$WORK/old-py.json" 2>/dev/null)
[ -n "$OLD_JOB" ]; ok $? "old version: a Python job (job $OLD_JOB)" || sed 's/^/#   /' "$WORK/old-py.json"
as_user "$JUDGEBOX" problem import sum "$SRC/problem" > "$WORK/old-import.txt" 2>&1
ok $? "old version: problem import sum" || sed 's/^/#   /' "$WORK/old-import.txt"
as_user "$JUDGEBOX" --json history --all --limit 100 > "$WORK/history-old.json" 2>/dev/null
as_user "$JUDGEBOX" --json problem list --all > "$WORK/problems-old.json" 2>/dev/null
jobs_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join("%s:%s" % (j["id"], j["state"]) for j in d["jobs"]))' "$1" 2>/dev/null; }
problems_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(p["id"] for p in d["problems"])))' "$1" 2>/dev/null; }
# Sessions, where the old version has them.
sessions_of() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(str(x["id"]) for x in d["sessions"]))' "$1" 2>/dev/null; }
OLD_SESSIONS=
if as_user "$JUDGEBOX" session list >/dev/null 2>&1; then
	as_user "$JUDGEBOX" session new "$SRC/py/main.py" > "$WORK/session.txt" 2>&1
	ok $? "old version: a session" || sed 's/^/#   /' "$WORK/session.txt"
	as_user "$JUDGEBOX" --json session list --all > "$WORK/sessions-old.json" 2>/dev/null
	OLD_SESSIONS=$(sessions_of "$WORK/sessions-old.json")
else
	diag "judgebox $old_version has no sessions"
fi
OLD_JOBS=$(jobs_of "$WORK/history-old.json")
OLD_PROBLEMS=$(problems_of "$WORK/problems-old.json")
[ -n "$OLD_JOBS" ] && [ -n "$OLD_PROBLEMS" ]
ok $? "old version: jobs ($OLD_JOBS) and problems ($OLD_PROBLEMS) listed"
stop_daemon

# --- upgrade
t=$(date +%s)
apt_get -o Dpkg::Options::=--force-confold install --no-install-recommends "$NEW_DEB" \
	> "$OUT/install-new.log" 2>&1
ok $? "apt install judgebox $new_version over $old_version ($(( $(date +%s) - t )) s)" ||
	sed 's/^/#   /' "$OUT/install-new.log"
is "$(dpkg-query -W -f '${Version}' judgebox)" "$new_version" "the new version is installed"
is "$(stat -c '%a %U %G' $HELPER)" "4750 root judgebox" "the statoverride survives the upgrade"
is "$(sed -n 's/^group //p' /etc/judgebox/helper.conf)" "$GID" "helper.conf keeps the gid"
grep -q "^admins = root, $USER_T\$" /etc/judgebox/judgeboxd.conf
ok $? "judgeboxd.conf keeps the admin's edit"
t=$(date +%s)
start_daemon; ok $? "judgeboxd $new_version started on the old store ($(( $(date +%s) - t )) s)"
as_user "$JUDGEBOX" --json history --all --limit 100 > "$WORK/history-new.json" 2>/dev/null
as_user "$JUDGEBOX" --json problem list --all > "$WORK/problems-new.json" 2>/dev/null
is "$(jobs_of "$WORK/history-new.json")" "$OLD_JOBS" "every job of $old_version is there, in the same state"
is "$(problems_of "$WORK/problems-new.json")" "$OLD_PROBLEMS" "every problem of $old_version is there"
if [ -n "$OLD_SESSIONS" ]; then
	as_user "$JUDGEBOX" --json session list --all > "$WORK/sessions-new.json" 2>/dev/null
	is "$(sessions_of "$WORK/sessions-new.json")" "$OLD_SESSIONS" "every session of $old_version is there"
fi
# The metrics textfile, where the shipped judgeboxd.conf names metrics_dir.
if grep -q '^metrics_dir = /var/lib/judgebox/metrics$' /etc/judgebox/judgeboxd.conf; then
	for _ in $(seq 100); do [ -s /var/lib/judgebox/metrics/judgebox.prom ] && break; sleep 0.1; done
	is "$(stat -c '%a %U' /var/lib/judgebox/metrics/judgebox.prom 2>&1)" "644 judgebox" \
		"the daemon writes its Prometheus textfile in /var/lib/judgebox/metrics"
fi
as_user "$JUDGEBOX" status "$OLD_JOB" > "$WORK/old-status.txt" 2>&1
grep -q 'python 5' "$WORK/old-status.txt"; ok $? "the old job's output survives (judgebox status $OLD_JOB)" ||
	sed 's/^/#   /' "$WORK/old-status.txt"

# --- the installed system, as a member of judgebox-users
run_prints "c 42" "C through the installed CLI" "$SRC/c/main.c" --stdin-text "20 22"
run_prints "cpp 42" "C++ through the installed CLI" "$SRC/cpp/main.cpp" --stdin-text "6 7"
run_prints "python 42" "Python through the installed CLI" "$SRC/py/main.py" --stdin-text "50 8"
as_user "$JUDGEBOX" --json run "$SRC/bad/main.c" > "$WORK/bad.json" 2>&1
is "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d.get("job", d)["result"]; print(r["status"], r.get("violation", {}).get("syscall"))' "$WORK/bad.json" 2>&1)" \
	"violation ptrace" "a violation: ptrace is killed by the default policy"
as_user "$JUDGEBOX" test "$SRC/sum/main.c" --tests "$SRC/tests" --all > "$WORK/test.txt" 2>&1
r=$?; grep -q '^accepted' "$WORK/test.txt"; ok $(( r || $? )) "judgebox test: accepted" || sed 's/^/#   /' "$WORK/test.txt"
t=$(date +%s)
as_user "$JUDGEBOX" problem verify "$SRC/problem" --id sumv > "$WORK/verify.txt" 2>&1
ok $? "judgebox problem verify ($(( $(date +%s) - t )) s)"; sed 's/^/#   /' "$WORK/verify.txt"
t=$(date +%s)
stop_daemon
ok 0 "judgeboxd stopped ($(( $(date +%s) - t )) s)"

# --- remove: the state stays
apt_get remove judgebox > "$OUT/remove.log" 2>&1; ok $? "apt remove judgebox" || sed 's/^/#   /' "$OUT/remove.log"
[ -f /var/lib/judgebox/state/judgebox.db ]; ok $? "remove keeps the store"
getent passwd judgebox >/dev/null; ok $? "remove keeps the accounts"
! grep -q ' /var/lib/judgebox/' /proc/self/mountinfo; ok $? "remove unmounts the boxes"

# --- purge: nothing is left
apt_get purge judgebox > "$OUT/purge.log" 2>&1; ok $? "apt purge judgebox" || sed 's/^/#   /' "$OUT/purge.log"
INSTALLED=
left=
for f in /etc/judgebox /var/lib/judgebox /run/judgebox /usr/lib/judgebox /usr/sbin/judgeboxd \
	 /usr/bin/judgebox "$UNIT" /usr/lib/sysusers.d/judgebox.conf /usr/lib/tmpfiles.d/judgebox.conf \
	 /usr/share/judgebox /usr/share/doc/judgebox /var/lib/ucf/cache/:etc:judgebox:helper.conf; do
	[ -e "$f" ] && left="$left $f"
done
is "$left" "" "purge: no file is left"
grep -q 'judgebox' /var/lib/ucf/registry 2>/dev/null; is $? 1 "purge: ucf forgets helper.conf"
is "$(grep ' /var/lib/judgebox' /proc/self/mountinfo)" "" "purge: no box mount is left"
is "$(ls -d /sys/fs/cgroup/judgebox /sys/fs/cgroup/*/judgebox \
	/sys/fs/cgroup/system.slice/judgeboxd.service 2>/dev/null)" "" "purge: no cgroup is left"
is "$(dpkg-statoverride --list | grep judgebox)" "" "purge: no statoverride is left"
is "$(getent passwd judgebox; getent group judgebox judgebox-users)" "" "purge: the accounts are gone"
is "$(pids_of_uid "$JB_UID" "$T_UID" | tr '\n' ' ')" "" "no process of the daemon's user or the client is left"
# The installed binaries' processes (others' test builds run elsewhere).
left=
for p in /proc/[0-9]*; do
	case $(readlink "$p/exe" 2>/dev/null) in
	/usr/sbin/judgeboxd*|/usr/lib/judgebox/*) left="$left ${p#/proc/}" ;;
	esac
done
is "$left" "" "no process of the installed judgeboxd or helper is left"
box_pids=$(ps -e -o pid=,uid= | awk '$2 >= 2000000000 && $2 < 2000000064 { print $1 }')
is "$box_pids" "" "no process of a box uid is left"
diag "make check-package took $(elapsed) s"
done_testing
