#!/bin/sh
# unshare.sh: util-linux's unshare(1) to become root in a new user namespace.
# Refuses to run outside a jail, like hostile.h.
[ "$(id -u)" != 0 ] && [ $$ -le 64 ] || { echo "refusing to run: test programs run only inside a judgebox jail" >&2; exit 99; }
unshare --user --map-root-user id -u
echo "reached: unshare(1) exited $?"
