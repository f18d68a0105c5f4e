import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Allocates 1 MiB at a time, without bound; bytes * n writes every byte.
hog = []
while True:
    hog.append(b"\x01" * (1 << 20))
