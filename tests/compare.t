#!/bin/sh
# The built-in output comparison (controller/compare.c): the Kattis default
# output validator's rules, exact and lines modes, the option parsers, and
# 100 MiB a side through pipes in bounded memory. A C test:
# tests/unit/compare_test.c prints the TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" unit >/dev/null || { echo "Bail out! cannot build tests/unit"; exit 1; }
exec "$top/build/unit/compare_test"
