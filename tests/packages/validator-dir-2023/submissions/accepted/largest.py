# The largest divisor below n: n over the smallest above 1.
n = int(input())
d = 2
while n % d:
    d += 1
print(n // d)
