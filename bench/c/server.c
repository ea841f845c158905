/*
 * server: the request/response server baseline of `fifokit bench`, in C. It speaks the same
 * protocol as `fifokit serve` and FifoServer (docs/server-protocol.md, simple form): requests
 * from DIR/server.fifo, each answered with its own payload (an echo) into the client's
 * client.<id>.fifo as one data frame plus the end frame, in one write(2), opened without
 * waiting. One thread, no handler processes: the fastest a server of this protocol can be.
 * Like the Java server it skips garbage a byte at a time (a plausible header: length 0 to
 * PIPE_BUF - 16, type 1 to 2^48 - 1; an incomplete frame with nothing more queued is garbage),
 * and never blocks on a client (a reply that does not fit now is dropped).
 *
 *   server DIR DONE     serves until the file DONE exists, then removes server.fifo, exits 0
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define HDR 16
#define MAXP (PIPE_BUF - HDR)
#define MAXID ((1LL << 48) - 1)
#define BUF (1 << 20)

static unsigned char buf[BUF + PIPE_BUF];
static size_t start, end;
static char dir[PATH_MAX];

static void reply(int64_t id, const unsigned char *payload, int64_t len) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/client.%lld.fifo", dir, (long long) id);
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return; /* no reader: the client is gone */
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && st.st_nlink == 1 && st.st_uid == geteuid()) {
        unsigned char out[2 * HDR + MAXP];
        int64_t h[2] = { len, 0 };
        memcpy(out, h, HDR);
        memcpy(out + HDR, payload, (size_t) len);
        int64_t e[2] = { 0, 2 };
        memcpy(out + HDR + len, e, HDR);
        size_t n = (size_t) (2 * HDR + len);
        if (n <= PIPE_BUF) {
            (void) !write(fd, out, n);
        } else {
            (void) !write(fd, out, HDR + (size_t) len);
            (void) !write(fd, out + HDR + len, HDR);
        }
    }
    close(fd);
}

static size_t queued(int fd) {
    int n = 0;
    return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t) n : 0;
}

/* Reads what is queued now; 0 when nothing is. */
static size_t fill(int fd) {
    if (start > 0 && (BUF - end) < PIPE_BUF * 16) {
        memmove(buf, buf + start, end - start);
        end -= start;
        start = 0;
    }
    size_t q = queued(fd);
    if (q == 0) return 0;
    if (q > BUF - end) q = BUF - end;
    ssize_t r = read(fd, buf + end, q);
    if (r <= 0) return 0;
    end += (size_t) r;
    return (size_t) r;
}

static void parse(int fd) {
    int exhausted = 0;
    for (;;) {
        size_t n = end - start;
        if (n < HDR) {
            if (!exhausted && fill(fd) > 0) continue;
            start = end; /* a partial frame with nothing more queued: garbage */
            return;
        }
        int64_t len, type;
        memcpy(&len, buf + start, 8);
        memcpy(&type, buf + start + 8, 8);
        if (len < 0 || len > MAXP || type < 1 || type > MAXID) {
            start++;
            continue;
        }
        if (n < (size_t) (HDR + len)) {
            if (!exhausted) {
                if (fill(fd) > 0) continue;
                exhausted = 1;
            }
            start++;
            continue;
        }
        reply(type, buf + start + HDR, len);
        start += (size_t) (HDR + len);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: server DIR DONE\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", argv[1]);
    const char *done = argv[2];
    mkdir(dir, 0700);
    char fresh[PATH_MAX], path[PATH_MAX];
    snprintf(fresh, sizeof fresh, "%s/.server.fifo.new", dir);
    snprintf(path, sizeof path, "%s/server.fifo", dir);
    unlink(fresh);
    if (mkfifo(fresh, 0600) < 0) { perror("mkfifo"); return 1; }
    int fd = open(fresh, O_RDWR | O_NONBLOCK | O_CLOEXEC); /* also a writer: never end of file */
    if (fd < 0 || rename(fresh, path) < 0) { perror(path); return 1; }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, 100);
        if (r > 0) {
            parse(fd);
        } else if (access(done, F_OK) == 0) {
            break;
        }
        if (r > 0 && access(done, F_OK) == 0) break;
    }
    unlink(path);
    close(fd);
    return 0;
}
