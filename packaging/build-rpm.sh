#!/bin/bash
# packaging/build-rpm.sh OUTDIR: build packaging/rpm/judgebox.spec with
# `rpmbuild -bb` from a copy of the source (packaging/source-tree.sh) and
# leave judgebox-*.rpm in OUTDIR. On Debian (Debian's rpm package) the
# BuildRequires name Fedora's packages, which rpm's empty database cannot
# show: set RPM_NODEPS=1 there (make check-package does).
set -euo pipefail
# Nothing from a calling make (make check-package O=...: MAKEFLAGS would pass
# O to the package's own make, and its clean would remove the caller's O) or
# from the caller's build settings reaches the package build.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O PREFIX DESTDIR SANITIZE HELPER_CONF \
	CFLAGS LDFLAGS CPPFLAGS DEVFLAGS
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
spec=$here/rpm/judgebox.spec
version=$(sed -n 's/^Version:[[:space:]]*//p' "$spec")
work=$(mktemp -d /var/tmp/judgebox-rpm.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/SOURCES"
bash "$here/source-tree.sh" "$work/judgebox-$version"
tar -czf "$work/SOURCES/judgebox-$version.tar.gz" -C "$work" "judgebox-$version"
rpmbuild --define "_topdir $work" ${RPM_NODEPS:+--nodeps} -bb "$spec" \
	> "$work/build.log" 2>&1 || {
	tail -n 60 "$work/build.log" >&2
	echo "build-rpm: rpmbuild failed (log above)" >&2
	exit 1
}
find "$work/RPMS" -name '*.rpm' -exec mv {} "$out/" \;
ls "$out"/judgebox-*.rpm
