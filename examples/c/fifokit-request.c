/*
 * fifokit-request: a reference client for the fifokit request/response protocol
 * (docs/server-protocol.md), in plain C with no library but libc.
 *
 *   cc -O2 -o fifokit-request fifokit-request.c
 *   ./fifokit-request [-t SECONDS] DIR [DATA]      (the request is stdin when DATA is absent)
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

struct mymesg {              /* the seed's struct, byte for byte: native-endian 64-bit longs */
    long mesg_len;
    long mesg_type;
    char mesg_data[MAXMESGDATA];
};

enum { TYPE_OK = 0, TYPE_ERROR = 1, TYPE_END = 2 };

static char reply_path[PATH_MAX];

static void on_alarm(int sig) {
    (void) sig;
    static const char msg[] = "fifokit-request: no reply in time\n";
    unlink(reply_path);                           /* async-signal-safe */
    (void) !write(2, msg, sizeof msg - 1);
    _exit(124);
}

static void die(int code, const char *what) {
    fprintf(stderr, "fifokit-request: %s: %s\n", what, strerror(errno));
    if (reply_path[0]) {
        unlink(reply_path);
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

    struct mymesg req;
    if (optind + 1 < argc) {
        size_t len = strlen(argv[optind + 1]);
        if (len > MAXMESGDATA) { fprintf(stderr, "fifokit-request: request too large\n"); return 1; }
        memcpy(req.mesg_data, argv[optind + 1], len);
        req.mesg_len = (long) len;
    } else {
        size_t len = 0;
        ssize_t r;
        while ((r = read(0, req.mesg_data + len, MAXMESGDATA - len)) > 0) {
            len += (size_t) r;
            if (len == MAXMESGDATA) {
                char extra;
                if (read(0, &extra, 1) > 0) { fprintf(stderr, "fifokit-request: request too large\n"); return 1; }
                break;
            }
        }
        req.mesg_len = (long) len;
    }
    req.mesg_type = (long) getpid();

    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    alarm(timeout);

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

    /* 2. our reply FIFO, open for reading before the request goes out */
    snprintf(reply_path, sizeof reply_path, "%s/client.%ld.fifo", dir, (long) getpid());
    if (mkfifo(reply_path, 0600) < 0) {
        if (errno != EEXIST || unlink(reply_path) < 0 || mkfifo(reply_path, 0600) < 0) {
            reply_path[0] = 0;
            die(1, "mkfifo");
        }
    }
    chmod(reply_path, 0600);                      /* exact mode, whatever the umask */
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
    return status;
}
