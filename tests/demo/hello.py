# A student's first program: reads numbers, prints their sum.
import sys

nums = [int(x) for x in sys.stdin.read().split()]
print(f"hello from Python: the sum of {nums} is {sum(nums)}")
