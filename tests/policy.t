#!/bin/sh
# The policy parser (helper/policy.c) on good and broken files, and every
# shipped policy. A C test: tests/unit/policy_test.c prints the TAP.
top=$(cd "$(dirname "$0")/.." && pwd)
make -s -C "$top" unit >/dev/null || { echo "Bail out! cannot build tests/unit"; exit 1; }
exec "$top/build/unit/policy_test" "$top"/policies/*.policy
