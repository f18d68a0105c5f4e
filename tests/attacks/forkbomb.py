# forkbomb.py: the fork bomb in Python; fork failures are swallowed, so the
# bomb never stops on its own. Refuses to run outside a jail, like hostile.h.
import os, sys
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: test programs run only inside a judgebox jail")
while True:
    try:
        os.fork()
    except OSError:
        pass
