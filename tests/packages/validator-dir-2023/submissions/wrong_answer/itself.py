# n itself: a trivial divisor.
print(int(input()))
