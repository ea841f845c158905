"""N bytes of garbage and then a real request, in ONE write(2); prints the reply.

usage: garbage_then_request.py EXAMPLES_PYTHON_DIR DIR N
"""
import os
import struct
import sys
import time

sys.path.insert(0, sys.argv[1])
import fifokit_request as fr

d, n = sys.argv[2], int(sys.argv[3])
pid = os.getpid()
path = os.path.join(d, "client.%d.fifo" % pid)
os.mkfifo(path, 0o600)
try:
    r = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    s = os.open(os.path.join(d, "server.fifo"), os.O_WRONLY)
    body = b"after garbage"
    garbage = bytes(b | 0x80 for b in os.urandom(n))  # high bytes: never a plausible header
    data = garbage + struct.pack("=qq", len(body), pid) + body
    written = os.write(s, data)
    assert written == len(data), "short write %d of %d" % (written, len(data))
    sys.stdout.buffer.write(fr._read_reply(r, time.monotonic() + 20))
finally:
    os.unlink(path)
