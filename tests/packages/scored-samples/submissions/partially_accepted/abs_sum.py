# Sums absolute values: wrong on the negative sample only (100 of 110).
n = int(input())
print(sum(abs(int(x)) for x in input().split()[:n]) if n else 0)
