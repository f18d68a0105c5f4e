# sleep.py: sleep for eleven days, ignoring SIGTERM; the wall limit ends it.
import os, signal, sys, time
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: test programs run only inside a judgebox jail")
signal.signal(signal.SIGTERM, signal.SIG_IGN)
time.sleep(10**6)
print("reached: woke up")
