# A ZeroDivisionError: exit status 1.
a, b = map(int, input().split())
print(a // (b - b))
