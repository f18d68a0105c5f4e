#!/bin/sh
# dmesg.sh: read the kernel log (host addresses, other users' events).
# Refuses to run outside a jail, like hostile.h.
[ "$(id -u)" != 0 ] && [ $$ -le 64 ] || { echo "refusing to run: test programs run only inside a judgebox jail" >&2; exit 99; }
dmesg
echo "reached: dmesg exited $?"
