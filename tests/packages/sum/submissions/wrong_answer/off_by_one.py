# Python's ints never overflow: off by one instead.
a, b = map(int, input().split())
print(a + b + 1)
