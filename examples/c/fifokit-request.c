/*
 * fifokit-request: a reference client for the fifokit request/response protocol
 * (docs/server-protocol.md), in plain C with no library but libc.
 *
 *   cc -O2 -o fifokit-request fifokit-request.c
 *   ./fifokit-request [-t SECONDS] DIR [DATA]      (the request is stdin when DATA is absent; any size)
 *
 * Prints the reply's data on stdout. Exit status, as `fifokit request`:
 *   0 ok, 1 error reply (its text on stderr) or failure, 3 no server, 124 no reply in time.
 *
 * The protocol in five steps:
 *   1. open DIR/server.fifo O_WRONLY|O_NONBLOCK   (ENOENT or ENXIO: no server, exit 3)
 *   2. mkfifo DIR/client.<pid>.fifo 0600, open it O_RDONLY|O_NONBLOCK (reader first!)
 *   3. write ONE struct mymesg { mesg_len, mesg_type = pid, data } with ONE write(2)
 *   4. read frames from the reply FIFO: type 0 data, 1 error text, 2 (empty) end of reply
 *   5. unlink the reply FIFO
 *
 * The token form, for a shared server (DIR has the sticky bit, or is another user's) or a
 * request over 4080 bytes: the FIFOs are named by a random 16-byte token, in hex:
 *   2'. mkfifo DIR/client.<token>.fifo (0622 when shared, else 0600), open it for reading;
 *       when the body is over 4056 bytes, also mkfifo DIR/request.<token>.fifo (0644 / 0600)
 *   3'. ONE write: mesg_type = 2^48 + pid, payload = token, int64 body length, then the body
 *       when it fits (else nothing, and the body is written into request.<token>.fifo)
 *   5'. unlink both
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXMESGDATA (PIPE_BUF - 2 * sizeof(long))   /* 4080 on Linux */
#define MESGHDRSIZE (2 * sizeof(long))

struct mymesg {              /* Stevens' struct mymesg, byte for byte: native-endian 64-bit longs */
    long mesg_len;
    long mesg_type;
    char mesg_data[MAXMESGDATA];
};

enum { TYPE_OK = 0, TYPE_ERROR = 1, TYPE_END = 2 };

#define TOKEN_FORM (1L << 48)
#define TOKEN_BYTES 16
#define TICKET_BYTES (TOKEN_BYTES + 8)

static char reply_path[PATH_MAX];
static char body_path[PATH_MAX];

static void on_alarm(int sig) {
    (void) sig;
    static const char msg[] = "fifokit-request: no reply in time\n";
    unlink(reply_path);                           /* async-signal-safe */
    if (body_path[0]) unlink(body_path);
    (void) !write(2, msg, sizeof msg - 1);
    _exit(124);
}

static void die(int code, const char *what) {
    fprintf(stderr, "fifokit-request: %s: %s\n", what, strerror(errno));
    if (reply_path[0]) {
        unlink(reply_path);
    }
    if (body_path[0]) {
        unlink(body_path);
    }
    exit(code);
}

/* Reads exactly n bytes. Returns n, or 0 at end of file before the first byte, or -1 on a
 * short count. poll() first: a FIFO whose writer has not come yet reads as end of file. */
static ssize_t readn(int fd, void *buf, size_t n) {
    size_t got = 0;
    while (got < n) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, -1) < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        ssize_t r = read(fd, (char *) buf + got, n - got);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return -1;
        }
        if (r == 0) {
            return got == 0 ? 0 : -1;
        }
        got += (size_t) r;
    }
    return (ssize_t) got;
}

/* Makes a FIFO with exactly `mode` (whatever the umask). */
static int make_fifo(const char *path, mode_t mode) {
    if (mkfifo(path, mode) < 0) return -1;
    return chmod(path, mode);
}

/* Writes all of buf, waiting for room. */
static int write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t) w;
    }
    return 0;
}

int main(int argc, char **argv) {
    unsigned timeout = 30;
    int opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt == 't') {
            timeout = (unsigned) strtoul(optarg, NULL, 10);
        } else {
            fprintf(stderr, "usage: %s [-t SECONDS] DIR [DATA]\n", argv[0]);
            return 2;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: %s [-t SECONDS] DIR [DATA]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[optind];
    signal(SIGPIPE, SIG_IGN);

    /* the request, any size */
    char *data;
    size_t len = 0;
    if (optind + 1 < argc) {
        data = argv[optind + 1];
        len = strlen(data);
    } else {
        size_t cap = 65536;
        data = malloc(cap);
        ssize_t r;
        while (data && (r = read(0, data + len, cap - len)) > 0) {
            len += (size_t) r;
            if (len == cap) data = realloc(data, cap *= 2);
        }
        if (!data) { fprintf(stderr, "fifokit-request: out of memory\n"); return 1; }
    }

    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    alarm(timeout);

    /* shared server: sticky directory, or another user's */
    struct stat dst;
    if (stat(dir, &dst) < 0) {
        fprintf(stderr, "fifokit-request: %s: no server\n", dir);
        return 3;
    }
    int shared = (dst.st_mode & S_ISVTX) || dst.st_uid != geteuid();
    int token_form = shared || len > MAXMESGDATA;

    /* 1. the server's FIFO: never wait for it */
    char server_path[PATH_MAX];
    snprintf(server_path, sizeof server_path, "%s/server.fifo", dir);
    int to_server = open(server_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (to_server < 0) {
        if (errno == ENOENT || errno == ENXIO) {
            fprintf(stderr, "fifokit-request: %s: no server\n", server_path);
            return 3;
        }
        die(1, server_path);
    }
    fcntl(to_server, F_SETFL, O_WRONLY);          /* blocking again: the write waits for room */

    struct mymesg req;
    int inline_body = 1;
    if (!token_form) {
        /* 2. our reply FIFO, open for reading before the request goes out */
        snprintf(reply_path, sizeof reply_path, "%s/client.%ld.fifo", dir, (long) getpid());
        if (make_fifo(reply_path, 0600) < 0) {
            if (errno != EEXIST || unlink(reply_path) < 0 || make_fifo(reply_path, 0600) < 0) {
                reply_path[0] = 0;
                die(1, "mkfifo");
            }
        }
        req.mesg_type = (long) getpid();
        req.mesg_len = (long) len;
        memcpy(req.mesg_data, data, len);
    } else {
        /* 2'. FIFOs named by a secret token */
        unsigned char token[TOKEN_BYTES];
        int rnd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (rnd < 0 || read(rnd, token, sizeof token) != (ssize_t) sizeof token) die(1, "/dev/urandom");
        close(rnd);
        char hex[2 * TOKEN_BYTES + 1];
        for (int i = 0; i < TOKEN_BYTES; i++) sprintf(hex + 2 * i, "%02x", token[i]);
        snprintf(reply_path, sizeof reply_path, "%s/client.%s.fifo", dir, hex);
        if (make_fifo(reply_path, shared ? 0622 : 0600) < 0) { reply_path[0] = 0; die(1, "mkfifo"); }
        inline_body = len <= MAXMESGDATA - TICKET_BYTES;
        if (!inline_body) {
            snprintf(body_path, sizeof body_path, "%s/request.%s.fifo", dir, hex);
            if (make_fifo(body_path, shared ? 0644 : 0600) < 0) { body_path[0] = 0; die(1, "mkfifo"); }
        }
        long body_len = (long) len;
        req.mesg_type = TOKEN_FORM + (long) getpid();
        memcpy(req.mesg_data, token, TOKEN_BYTES);
        memcpy(req.mesg_data + TOKEN_BYTES, &body_len, sizeof body_len);
        req.mesg_len = TICKET_BYTES;
        if (inline_body) {
            memcpy(req.mesg_data + TICKET_BYTES, data, len);
            req.mesg_len += (long) len;
        }
    }
    int from_server = open(reply_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (from_server < 0) {
        die(1, reply_path);
    }

    /* 3. one frame, one write(2): atomic, never interleaved with another client's */
    size_t n = MESGHDRSIZE + (size_t) req.mesg_len;
    if (write(to_server, &req, n) != (ssize_t) n) {
        die(errno == EPIPE ? 3 : 1, "write request");
    }
    close(to_server);

    /* 3'. a large body: into its own FIFO, once the server has opened it for reading */
    if (!inline_body) {
        int to_body;
        while ((to_body = open(body_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)) < 0) {
            if (errno != ENXIO) die(1, body_path);
            usleep(5000);                         /* the alarm bounds this wait */
        }
        fcntl(to_body, F_SETFL, O_WRONLY);
        if (write_all(to_body, data, len) < 0) die(1, "write request body");
        close(to_body);
    }

    /* 4. the reply */
    int status = 0;
    struct mymesg m;
    for (;;) {
        ssize_t r = readn(from_server, &m, MESGHDRSIZE);
        if (r <= 0) {
            fprintf(stderr, "fifokit-request: the reply ended without its end marker\n");
            status = 1;
            break;
        }
        if (m.mesg_len < 0 || (size_t) m.mesg_len > MAXMESGDATA) {
            fprintf(stderr, "fifokit-request: corrupt reply frame (length %ld)\n", m.mesg_len);
            status = 1;
            break;
        }
        if (m.mesg_len > 0 && readn(from_server, m.mesg_data, (size_t) m.mesg_len) != m.mesg_len) {
            fprintf(stderr, "fifokit-request: truncated reply frame\n");
            status = 1;
            break;
        }
        if (m.mesg_type == TYPE_END) {
            break;
        }
        if (m.mesg_type == TYPE_OK) {
            fwrite(m.mesg_data, 1, (size_t) m.mesg_len, stdout);
        } else if (m.mesg_type == TYPE_ERROR) {
            fwrite(m.mesg_data, 1, (size_t) m.mesg_len, stderr);
            status = 1;
        }
    }
    fflush(stdout);

    /* 5. clean up */
    close(from_server);
    unlink(reply_path);
    if (body_path[0]) unlink(body_path);
    return status;
}
