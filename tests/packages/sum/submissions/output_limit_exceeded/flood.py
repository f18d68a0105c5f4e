import os, sys
# Hostile: refuses to run anywhere but in a judgebox jail.
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: this program runs only inside a judgebox jail")

# Prints without end (the output limit is 8 MiB). CPython ignores SIGXFSZ:
# its write fails (EFBIG) and it exits with an OSError; judgeboxd sees the
# output at the limit and calls it an output limit all the same.
while True:
    print("1234567890123456789012345678901234567890")
