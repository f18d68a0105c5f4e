#!/usr/bin/python3
# curve_client.py KEYDIR PORT NAME ACTION [ARGS]: one CURVE client action for
# tests/curve.t; prints one line. NAME "none" connects without CURVE.
import os, signal, sys, time
import msgpack, zmq, zmq.auth

keys, port, name, action = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = zmq.Context()
spub, _ = zmq.auth.load_certificate(os.path.join(keys, "server.key"))


def sock(kind, p):
    s = ctx.socket(kind)
    s.setsockopt(zmq.LINGER, 0)
    if name != "none":
        pub, sec = zmq.auth.load_certificate(os.path.join(keys, name + ".key_secret"))
        s.curve_serverkey, s.curve_publickey, s.curve_secretkey = spub, pub, sec
    s.connect("tcp://127.0.0.1:%d" % p)
    return s


def rq(s, m, t=3000):
    s.send_multipart([b"", msgpack.packb(m)])
    if not s.poll(t):
        return None
    return msgpack.unpackb(s.recv_multipart()[-1])


d = sock(zmq.DEALER, port)
if action == "health":
    r = rq(d, {"op": "health", "rid": 1}, 1500)
    print("timeout" if r is None else "ok user=%s admin=%s" % (r["user"], r["admin"]))
elif action == "run":
    r = rq(d, {"op": "run", "rid": 1, "lang": "python3", "source": b"print('hi')\n", "wait": True}, 30000)
    j = r["job"]
    print("ok" if r["ok"] else "error", j["state"], j["result"]["status"], j["result"]["stdout"])
elif action == "events":
    sub = sock(zmq.SUB, port + 1)
    sub.setsockopt(zmq.SUBSCRIBE, b"job.")
    time.sleep(0.5)
    r = rq(d, {"op": "run", "rid": 1, "lang": "python3", "source": b"print('hi')\n", "wait": True}, 30000)
    seen = []
    while sub.poll(1000):
        topic, body = sub.recv_multipart()
        if topic == b"job.%d." % r["job"]["id"]:
            seen.append(msgpack.unpackb(body)["state"])
    print("ok", " ".join(seen))
elif action == "revoke":
    r1 = rq(d, {"op": "health", "rid": 1})
    os.unlink(sys.argv[5])
    os.kill(int(sys.argv[6]), signal.SIGHUP)
    time.sleep(0.5)
    r2 = rq(d, {"op": "health", "rid": 2})
    print("ok user=%s then %s" % (r1["user"], r2["error"]["code"] if r2 and not r2["ok"] else r2))
