# Sorted, on one line, but two spaces between the numbers: presentation error.
n, *a = map(int, open(0).read().split())
print(*sorted(a[:n]), sep="  ")
