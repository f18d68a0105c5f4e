#!/usr/bin/python3
"""serve_client.py HELPER BOX [REQUEST...]: drive `judgebox-helper serve BOX`
(judgebox-helper(8)) the way judgeboxd does. Each REQUEST is one argument,
its words separated by spaces (`run 0 --cpu-ms=300 -- /bin/true`, `clean 0`);
without any, the requests are read from stdin, one a line, each answered
before the next is read (a test may look at the host between two jobs).
Each is sent as NUL-ended words with four descriptors: /dev/null as stdin,
OUT/N.stdout and OUT/N.stderr, and a pipe for the record (OUT is $SERVE_OUT,
default /tmp). Prints each record on one line (`N: key=value ...`), keeps
it as it came in OUT/N.result, and prints the helper's exit status at the
end (`exit N`). With $SERVE_SESSION_KEYRING set, it joins a new session
keyring first, which the helper inherits (a daemon under systemd has one)."""
import ctypes
import os
import socket
import subprocess
import sys

helper, box, reqs = sys.argv[1], sys.argv[2], sys.argv[3:]
out = os.environ.get("SERVE_OUT", "/tmp")
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
if os.environ.get("SERVE_SESSION_KEYRING"):
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.syscall(250, 1, None) < 0:      # keyctl (250 on x86_64): KEYCTL_JOIN_SESSION_KEYRING, NULL
        sys.exit(f"serve_client: keyctl(KEYCTL_JOIN_SESSION_KEYRING): {os.strerror(ctypes.get_errno())}")
proc = subprocess.Popen([helper, "serve", box], stdin=theirs, close_fds=True)
theirs.close()
for n, req in enumerate(reqs or (line.rstrip("\n") for line in sys.stdin)):
    words = b"".join(w.encode() + b"\0" for w in req.split(" "))
    r, w = os.pipe()
    fds = [os.open("/dev/null", os.O_RDONLY),
           os.open(f"{out}/{n}.stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
           os.open(f"{out}/{n}.stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), w]
    try:
        socket.send_fds(ours, [words], fds)
    except OSError as e:
        print(f"{n}: send failed: {e}")
    for fd in fds:
        os.close(fd)
    rec = b""
    while chunk := os.read(r, 4096):
        rec += chunk
    os.close(r)
    with open(f"{out}/{n}.result", "wb") as f:
        f.write(rec)
    print(f"{n}: " + " ".join(rec.decode(errors="replace").split("\n")).strip(), flush=True)
ours.close()
print(f"exit {proc.wait()}", flush=True)
