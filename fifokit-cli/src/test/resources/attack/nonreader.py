"""A hostile client: its reply FIFO shrunk to one page and already full, and it never reads.

usage: nonreader.py DIR [token|pid] [fill|nofill] [BODY]
(prints "sent" once its request is in server.fifo, then sleeps)
With "token" it uses the token form (a shared server), else client.<pid>.fifo. With "nofill" the
shrunk pipe is left empty (the server's first writes go in, then it must wait for a reader that
never reads). BODY is the request (default "hello").
"""
import os
import struct
import sys
import time

F_SETPIPE_SZ = 1031
d = sys.argv[1]
pid = os.getpid()
token = os.urandom(16)
tokenform = len(sys.argv) > 2 and sys.argv[2] == "token"
fill = not (len(sys.argv) > 3 and sys.argv[3] == "nofill")
body = (sys.argv[4] if len(sys.argv) > 4 else "hello").encode()
path = os.path.join(d, ("client.%s.fifo" % token.hex()) if tokenform else ("client.%d.fifo" % pid))
os.mkfifo(path, 0o622 if tokenform else 0o600)
r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
w = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
import fcntl
fcntl.fcntl(r, F_SETPIPE_SZ, 4096)
try:
    while fill:
        os.write(w, b"x" * 4096)
except BlockingIOError:
    pass
os.close(w)
s = os.open(os.path.join(d, "server.fifo"), os.O_WRONLY)
if tokenform:
    payload = struct.pack("=16sq", token, len(body) + 1) + body + b"\n"
    os.write(s, struct.pack("=qq", len(payload), (1 << 48) + pid) + payload)
else:
    os.write(s, struct.pack("=qq", len(body), pid) + body)
print("sent", flush=True)
time.sleep(300)
