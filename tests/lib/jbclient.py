"""jbclient.py: one DEALER connection to judgeboxd for the Python tests: a
request with the next rid, and the reply that carries that rid."""
import time

import msgpack
import zmq


class Client:
    """V: the protocol version stamped on each request (None: none stamped);
    NORID: a reply without a rid (an error before the daemon read the rid)
    is taken as the answer too; TIMEOUT: a call's default, in seconds."""

    def __init__(self, endpoint, v=None, norid=False, timeout=30):
        self.s = zmq.Context.instance().socket(zmq.DEALER)
        self.s.setsockopt(zmq.LINGER, 0)
        self.s.connect(endpoint)
        self.rid, self.v, self.norid, self.timeout = 0, v, norid, timeout

    def call(self, req, timeout=None):
        """The reply to REQ, or None after TIMEOUT seconds; other replies
        (to requests that timed out before) are dropped."""
        timeout = self.timeout if timeout is None else timeout
        self.rid += 1
        req = dict(req, rid=self.rid)
        if self.v is not None:
            req["v"] = self.v
        self.s.send_multipart([b"", msgpack.packb(req)])
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.s.poll(max(1, int((end - time.monotonic()) * 1000))):
            rep = msgpack.unpackb(self.s.recv_multipart()[-1])
            if rep.get("rid") == self.rid or (self.norid and rep.get("rid") is None):
                return rep
        return None

    def close(self):
        self.s.close(linger=0)
