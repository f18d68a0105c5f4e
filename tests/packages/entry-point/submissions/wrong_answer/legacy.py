#!/usr/bin/env python2
# Python 2 (its shebang says so): judgebox must not run it as Python 3,
# where this print statement is a syntax error (a compile_error, not the
# wrong answer it gives under Python 2). Debian 12 has no Python 2: the
# language is unavailable and verify skips it.
a, b = map(int, raw_input().split())
print a - b
