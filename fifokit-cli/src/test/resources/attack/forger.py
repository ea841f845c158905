"""Forges requests until killed: pid-form frames naming random clients, and token-form frames
with random tokens (reply FIFOs that do not exist, or are someone else's)."""
import os
import random
import struct
import sys
import time

s = os.open(os.path.join(sys.argv[1], "server.fifo"), os.O_WRONLY)
print("forging", flush=True)
while True:
    victim = random.randint(1, 4_000_000)
    os.write(s, struct.pack("=qq", 4, victim) + b"who\n")
    payload = struct.pack("=16sq", os.urandom(16), 4) + b"who\n"
    os.write(s, struct.pack("=qq", len(payload), (1 << 48) + victim) + payload)
    time.sleep(0.002)
