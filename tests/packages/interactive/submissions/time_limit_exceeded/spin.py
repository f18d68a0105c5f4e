import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Makes one guess, then spins instead of reading the reply.
print(500, flush=True)
while True:
    pass
