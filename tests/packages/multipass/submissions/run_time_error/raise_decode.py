import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Encodes right, then raises on pass 2: exit status 1.
words = sys.stdin.read().split()
if words[0] != "encode":
    raise RuntimeError("cannot decode")
code = 0
for v in reversed([int(w) for w in words[2:]]):
    code = code * 1001 + v
print(code * 7 + int(words[1]))
