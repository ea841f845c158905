#!/usr/bin/env python3
"""A reference client for the fifokit request/response protocol (docs/server-protocol.md).

Standard library only. Usage, as `fifokit request`:

    python3 fifokit_request.py [-t SECONDS] DIR [DATA]     # the request is stdin without DATA

Prints the reply's data on stdout. A request of any size works: up to 4080 bytes to a private
server it is one frame (client.<pid>.fifo); to a shared server, or when larger, the token form
is used (client.<token>.fifo, and request.<token>.fifo for a large body). Exit status: 0 ok, 1 error reply (its text on stderr) or
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
TOKEN_FORM = 1 << 48                 # mesg_type of a token-form request: TOKEN_FORM + pid
TOKEN_BYTES = 16
TICKET = struct.Struct("=16sq")      # token, then the body length (native int64)


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


def _is_shared(directory):
    """A shared server's directory has the sticky bit (mode 1733), or belongs to another user."""
    st = os.stat(directory)
    return bool(st.st_mode & 0o1000) or st.st_uid != os.geteuid()


def _read_reply(from_server, deadline):
    """Frames until the end marker; returns the data, raises ErrorReply for an error reply."""
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


def _open_server(server_path):
    """1. the server's FIFO, without waiting: no reader means no server."""
    try:
        return os.open(server_path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ENXIO):
            raise NoServer(server_path + ": no server") from e
        raise


def _send(to_server, frame, server_path):
    """3. one frame in ONE write(2): atomic among all clients."""
    os.set_blocking(to_server, True)
    try:
        if os.write(to_server, frame) != len(frame):
            raise OSError("short write to " + server_path)
    except BrokenPipeError as e:
        raise NoServer(server_path + ": the server stopped") from e


def _write_body(path, data, deadline):
    """The body of a large request: open its FIFO for writing once the server reads it."""
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as e:
            if e.errno != errno.ENXIO:
                raise
            if time.monotonic() > deadline:
                raise Timeout("the server did not read the request body in time")
            time.sleep(0.005)
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def request(directory, data, timeout=30.0, client_id=None):
    """Sends one request and returns the reply's data (bytes)."""
    client_id = client_id or os.getpid()
    deadline = time.monotonic() + timeout
    server_path = os.path.join(directory, "server.fifo")
    shared = _is_shared(directory)
    to_server = _open_server(server_path)
    try:
        if not shared and len(data) <= MAX_PAYLOAD:
            return _simple(directory, data, client_id, deadline, to_server, server_path)
        return _token(directory, data, client_id, deadline, to_server, server_path, shared)
    finally:
        os.close(to_server)


def _simple(directory, data, client_id, deadline, to_server, server_path):
    """The simple form: client.<pid>.fifo, mesg_type = pid, the request as the payload."""
    reply_path = os.path.join(directory, "client.%d.fifo" % client_id)
    # 2. our reply FIFO, open for reading BEFORE the request is sent
    try:
        os.mkfifo(reply_path, 0o600)
    except FileExistsError:
        os.unlink(reply_path)
        os.mkfifo(reply_path, 0o600)
    try:
        os.chmod(reply_path, 0o600)
        from_server = os.open(reply_path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            _send(to_server, HEADER.pack(len(data), client_id) + data, server_path)
            return _read_reply(from_server, deadline)  # 4. frames until the end marker
        finally:
            os.close(from_server)
    finally:
        _unlink(reply_path)  # 5. remove our FIFO


def _token(directory, data, client_id, deadline, to_server, server_path, shared):
    """The token form: FIFOs named by a secret random token; a large body through its own FIFO."""
    token = os.urandom(TOKEN_BYTES)
    reply_path = os.path.join(directory, "client.%s.fifo" % token.hex())
    body_path = os.path.join(directory, "request.%s.fifo" % token.hex())
    inline = len(data) <= MAX_PAYLOAD - TICKET.size
    made = []
    try:
        reply_mode = 0o622 if shared else 0o600   # a shared server (another user) must write it
        os.mkfifo(reply_path, reply_mode)
        made.append(reply_path)
        os.chmod(reply_path, reply_mode)
        if not inline:
            body_mode = 0o644 if shared else 0o600  # ... and read this one
            os.mkfifo(body_path, body_mode)
            made.append(body_path)
            os.chmod(body_path, body_mode)
        from_server = os.open(reply_path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            ticket = TICKET.pack(token, len(data))
            payload = ticket + data if inline else ticket
            _send(to_server, HEADER.pack(len(payload), TOKEN_FORM + client_id) + payload, server_path)
            if not inline:
                _write_body(body_path, data, deadline)
            return _read_reply(from_server, deadline)
        finally:
            os.close(from_server)
    finally:
        for p in made:
            _unlink(p)


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


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
