import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Reads the first reply, then raises: exit status 1.
print(500, flush=True)
if input().strip() != "correct":
    raise RuntimeError("crash after the first reply")
