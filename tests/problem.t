#!/bin/sh
# The problem package loader (controller/problem.c): the legacy and
# 2023-07-draft packages in tests/problems, and broken ones. A C test:
# tests/unit/problem_test.c prints the TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" unit >/dev/null || { echo "Bail out! cannot build tests/unit"; exit 1; }
exec "$top/build/unit/problem_test" "$top/tests/problems"
