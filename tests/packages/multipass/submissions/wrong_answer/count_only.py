# Wrong on pass 2: encodes only the count, so decodes n zeros.
import sys

words = sys.stdin.read().split()
if words[0] == "encode":
    print(int(words[1]))
else:
    n = int(words[1])
    print(n)
    print(*([0] * n))
