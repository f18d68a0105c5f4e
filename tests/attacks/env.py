# env.py NAME: what a Python job inherits: its environment (the helper's
# three variables; the test sets NAME to a secret) and its open fds (0-2).
import os, sys
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: test programs run only inside a judgebox jail")
print("env:", " ".join(sorted(os.environ)))
print("fds:", " ".join(sorted(os.listdir("/proc/self/fd"), key=int)[:-1]))
print("secret:", os.environ.get(sys.argv[1], "absent"))
