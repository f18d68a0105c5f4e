#!/bin/sh
# flood.sh [FD]: yes(1) for ever into stdout (or FD); the file size limit ends it.
# Refuses to run outside a jail, like hostile.h.
[ "$(id -u)" != 0 ] && [ $$ -le 64 ] || { echo "refusing to run: test programs run only inside a judgebox jail" >&2; exit 99; }
[ "${1:-1}" = 2 ] && exec yes judgebox >&2
exec yes judgebox
