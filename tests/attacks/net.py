# net.py PORT: Python's network, as a student would use it: `import socket`
# works, but nothing connects, resolves or sends. Refuses to run outside a jail.
import os, socket, sys
if os.getuid() == 0 or os.geteuid() == 0 or os.getpid() > 64:
    sys.exit("refusing to run: test programs run only inside a judgebox jail")
port = int(sys.argv[1]) if len(sys.argv) > 1 else 22
escaped = 0
def attempt(what, f):
    global escaped
    try:
        f()
        print("ESCAPED", what)
        escaped += 1
    except OSError as e:
        print("denied %s: %s" % (what, type(e).__name__))
attempt("tcp 127.0.0.1:%d" % port, lambda: socket.create_connection(("127.0.0.1", port), timeout=1))
attempt("tcp [::1]:%d" % port, lambda: socket.create_connection(("::1", port), timeout=1))
attempt("resolve example.com", lambda: socket.getaddrinfo("example.com", 80))
attempt("udp 8.8.8.8:53", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("8.8.8.8", 53)))
attempt("socket AF_VSOCK", lambda: socket.socket(socket.AF_VSOCK, socket.SOCK_STREAM))
attempt("socket AF_PACKET", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))
print("%d escaped" % escaped)
sys.exit(1 if escaped else 0)
