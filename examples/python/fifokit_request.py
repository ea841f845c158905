#!/usr/bin/env python3
"""A reference client for the fifokit request/response protocol (docs/server-protocol.md).

Standard library only. Usage, as `fifokit request`:

    python3 fifokit_request.py [-t SECONDS] DIR [DATA]     # the request is stdin without DATA

Prints the reply's data on stdout. Exit status: 0 ok, 1 error reply (its text on stderr) or
failure, 3 no server, 124 no reply in time.

Import it to use `request(directory, data, timeout)` from Python code.
"""
import argparse
import errno
import os
import select
import struct
import sys
import time

HEADER = struct.Struct("=qq")        # struct mymesg: native-endian int64 mesg_len, mesg_type
PIPE_BUF = os.pathconf("/", "PC_PIPE_BUF") if hasattr(os, "pathconf") else 4096
MAX_PAYLOAD = PIPE_BUF - HEADER.size  # 4080 on Linux
TYPE_OK, TYPE_ERROR, TYPE_END = 0, 1, 2


class NoServer(Exception):
    """No server.fifo, or nobody reads it."""


class Timeout(Exception):
    """No complete reply before the deadline."""


class ErrorReply(Exception):
    """The server answered with an error; args[0] is its text."""


def _read_exactly(fd, n, deadline):
    """Reads n bytes; b"" at end of file before the first byte. Waits with select() first:
    a FIFO whose writer has not come yet reads as end of file."""
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise Timeout("no reply in time")
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            b = os.read(fd, n - got)
        except BlockingIOError:
            continue
        if not b:
            if got == 0:
                return b""
            raise EOFError("truncated reply frame")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def request(directory, data, timeout=30.0, client_id=None):
    """Sends one request and returns the reply's data (bytes)."""
    if len(data) > MAX_PAYLOAD:
        raise ValueError("request of %d bytes is over %d" % (len(data), MAX_PAYLOAD))
    client_id = client_id or os.getpid()
    deadline = time.monotonic() + timeout
    server_path = os.path.join(directory, "server.fifo")
    reply_path = os.path.join(directory, "client.%d.fifo" % client_id)

    # 1. the server's FIFO, without waiting: no reader means no server
    try:
        to_server = os.open(server_path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENXIO):
            raise NoServer(server_path + ": no server") from e
        raise
    try:
        # 2. our reply FIFO, open for reading BEFORE the request is sent
        try:
            os.mkfifo(reply_path, 0o600)
        except FileExistsError:
            os.unlink(reply_path)
            os.mkfifo(reply_path, 0o600)
        os.chmod(reply_path, 0o600)
        from_server = os.open(reply_path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            # 3. one frame in ONE write(2): atomic among all clients
            frame = HEADER.pack(len(data), client_id) + data
            os.set_blocking(to_server, True)
            if os.write(to_server, frame) != len(frame):
                raise OSError("short write to " + server_path)
            os.close(to_server)
            to_server = -1
            # 4. frames until the end marker
            out, err = [], []
            while True:
                head = _read_exactly(from_server, HEADER.size, deadline)
                if not head:
                    raise EOFError("the reply ended without its end marker")
                length, kind = HEADER.unpack(head)
                if length < 0 or length > MAX_PAYLOAD:
                    raise EOFError("corrupt reply frame (length %d)" % length)
                payload = _read_exactly(from_server, length, deadline) if length else b""
                if length and len(payload) != length:
                    raise EOFError("truncated reply frame")
                if kind == TYPE_END:
                    break
                (out if kind == TYPE_OK else err).append(payload)
            if err:
                raise ErrorReply(b"".join(err).decode("utf-8", "replace"))
            return b"".join(out)
        finally:
            os.close(from_server)
            # 5. remove our FIFO
            try:
                os.unlink(reply_path)
            except FileNotFoundError:
                pass
    finally:
        if to_server >= 0:
            os.close(to_server)


def main(argv):
    p = argparse.ArgumentParser(description="Send one request to a fifokit server.")
    p.add_argument("-t", type=float, default=30.0, metavar="SECONDS")
    p.add_argument("dir")
    p.add_argument("data", nargs="?")
    a = p.parse_args(argv)
    data = a.data.encode() if a.data is not None else sys.stdin.buffer.read()
    try:
        sys.stdout.buffer.write(request(a.dir, data, a.t))
        sys.stdout.flush()
        return 0
    except NoServer as e:
        print("fifokit_request: %s" % e, file=sys.stderr)
        return 3
    except Timeout as e:
        print("fifokit_request: %s" % e, file=sys.stderr)
        return 124
    except ErrorReply as e:
        sys.stderr.write(e.args[0] if e.args[0].endswith("\n") else e.args[0] + "\n")
        return 1
    except (OSError, EOFError, ValueError) as e:
        print("fifokit_request: %s" % e, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
