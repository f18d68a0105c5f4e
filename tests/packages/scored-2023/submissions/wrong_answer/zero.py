# Always 0: no test is accepted, score 0.
print(0)
