# A syntax error: a missing colon. A compile error once python3.conf has
# its compile step (py_compile, as problemtools and DOMjudge do); without
# it, CPython reports the error when the program starts: a run-time error.
a, b = map(int, input().split())
if a + b == 0
    print(0)
else:
    print(a + b)
