#!/bin/sh
# The msgpack codec (proto/mp.c) shared by judgeboxd and judgebox: the rules
# of PROTOCOL.md section 4 and the writer. A C test: tests/unit/mp_test.c
# prints the TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" unit >/dev/null || { echo "Bail out! cannot build tests/unit"; exit 1; }
exec "$top/build/unit/mp_test"
