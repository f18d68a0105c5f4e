# escape.py: a Python program looking for a way out: host files, the
# controller's state (argv), then chroot, the first step of the classic
# chroot escape (a violation). Refuses to run outside a jail.
import os, sys
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: test programs run only inside a judgebox jail")
escaped = 0
for path in ["/etc/shadow", "/root", "/etc/passwd", "/proc/1/environ"] + sys.argv[1:]:
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path).read()
        print("ESCAPED read", path)
        escaped += 1
    except OSError as e:
        print("denied read %s: %s" % (path, type(e).__name__))
print("%d escaped" % escaped, flush=True)
os.chroot("/box")
print("reached: chroot worked")
