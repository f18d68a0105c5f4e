import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")
import ctypes

# unshare(CLONE_NEWUSER) through libc: a forbidden system call.
libc = ctypes.CDLL(None, use_errno=True)
libc.unshare(0x10000000)
