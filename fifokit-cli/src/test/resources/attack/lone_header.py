"""Leaves a lone 16-byte header (len 32, type 1) in server.fifo, as a frame that never completes."""
import os
import struct
import sys

s = os.open(os.path.join(sys.argv[1], "server.fifo"), os.O_WRONLY)
os.write(s, struct.pack("=qq", 32, 1))
print("sent", flush=True)
