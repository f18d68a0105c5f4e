#!/usr/bin/env python3
# A python3 shebang: Python 3, run under its own name.
import sys
a, b = map(int, sys.stdin.read().split())
print(a + b)
