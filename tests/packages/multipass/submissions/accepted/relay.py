# Pass 1: encode n and the values as one integer; pass 2: decode it.
import sys

words = sys.stdin.read().split()
if words[0] == "encode":
    n, values = int(words[1]), [int(w) for w in words[2:]]
    code = 0
    for v in reversed(values):
        code = code * 1001 + v
    print(code * 7 + n)
else:
    code = int(words[1])
    n, code = code % 7, code // 7
    values = []
    for _ in range(n):
        values.append(code % 1001)
        code //= 1001
    print(n)
    print(*values)
