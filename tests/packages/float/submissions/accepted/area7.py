# 7 decimals: within the tolerance (1e-6) too.
import math

r = float(input())
print(f"{math.pi * r * r:.7f}")
