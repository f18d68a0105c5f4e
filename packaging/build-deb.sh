#!/bin/bash
# packaging/build-deb.sh OUTDIR [REV VERSION]: build the Debian package with
# `dpkg-buildpackage -us -uc -b` and leave judgebox_*.deb (and .buildinfo,
# .changes) in OUTDIR. Debian's tools want debian/ at the top of the source:
# this copies the source (packaging/source-tree.sh) and packaging/debian to
# the top of the copy, so the repository never holds a top-level debian/.
# With REV and VERSION: the source of git revision REV, packaged as VERSION
# (an older version, for the upgrade test).
set -euo pipefail
# Nothing from a calling make (make check-package O=...: MAKEFLAGS would pass
# O to the package's own make, and its clean would remove the caller's O) or
# from the caller's build settings reaches the package build.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES O PREFIX DESTDIR SANITIZE HELPER_CONF \
	CFLAGS LDFLAGS CPPFLAGS DEVFLAGS
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
rev=${2:-} version=${3:-}
work=$(mktemp -d /var/tmp/judgebox-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/judgebox
bash "$here/source-tree.sh" "$src" $rev
cp -a "$here/debian" "$src/debian"
if [ -n "$version" ]; then
	# An older version than this tree's changelog, with its own entry only.
	{ printf 'judgebox (%s) unstable; urgency=medium\n\n' "$version"
	  printf '  * Built from git revision %s (the upgrade test).\n\n' "$rev"
	  printf ' -- judgebox maintainers <maintainers@users.noreply.b-seed-9a805a9f.example>  %s\n' \
		"$(date -R)"; } > "$src/debian/changelog"
fi
(cd "$src" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1 || {
	tail -n 60 "$work/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed (log above)" >&2
	exit 1
}
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out/"
ls "$out"/judgebox_*.deb
