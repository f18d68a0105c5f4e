# Wrong on pass 1: the code is not a number.
import sys

words = sys.stdin.read().split()
print("code-" + "-".join(words[2:]))
