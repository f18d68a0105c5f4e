n, *a = map(int, open(0).read().split())
print(*sorted(a[:n]))
