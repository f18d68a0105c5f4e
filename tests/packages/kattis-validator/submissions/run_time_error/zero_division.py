import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Starts the trial division at 0: ZeroDivisionError, exit status 1.
n = int(input())
d = 0
while n % d:
    d += 1
print(d)
