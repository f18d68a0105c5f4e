# The entry point: no file is main.*, and "Solve.py" is first in byte
# order (upper case before lower). It imports the other file by its name.
import adder

a, b = map(int, input().split())
print(adder.add(a, b))
