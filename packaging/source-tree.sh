#!/bin/bash
# packaging/source-tree.sh DIR [REV]: a copy of the source in DIR (which must
# not exist), for the package builds: the working tree's files that git knows
# or would add (so uncommitted work is packaged, build output is not), or,
# with REV, the files of that git revision with this tree's packaging/ over
# them (the previous version, for the upgrade test of make check-package).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=$1 rev=${2:-}
mkdir -p "$dir"
if [ -n "$rev" ]; then
	git -C "$top" archive --format=tar "$rev" | tar -xf - -C "$dir"
	rm -rf "$dir/packaging"
	(cd "$top" && git ls-files -co --exclude-standard -z -- packaging) |
		(cd "$top" && xargs -0 -r tar -cf - --) | tar -xf - -C "$dir"
elif git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		xargs -0 -r tar -cf - --no-recursion --) | tar -xf - -C "$dir"
else
	# An unpacked release tarball: everything but build output.
	(cd "$top" && tar -cf - --exclude=./build --exclude=./.git .) | tar -xf - -C "$dir"
fi
