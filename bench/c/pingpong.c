/*
 * fifokit bench: C baseline for the round trip over two FIFOs (request, reply).
 * Compiled by `fifokit bench` with gcc -O2 into a temporary directory.
 *
 *   pingpong server REQ REP SIZE SPIN            echo SIZE-byte messages from REQ to REP until EOF
 *   pingpong client REQ REP SIZE SPIN WARM_MS N  round trips for WARM_MS unmeasured, then N measured;
 *                                                prints "result median_ns=… p99_ns=… mean_ns=…"
 *
 * SPIN 0: blocking read(2)/write(2). SPIN 1: the descriptors are made O_NONBLOCK after the
 * open and every wait is a busy retry (the lowest latency C can get without kernel bypass).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static int open_fifo(const char *path, int flags, int spin) {
    int fd = open(path, flags);
    if (fd < 0) die(path);
    if (spin && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
    return fd;
}

/* Reads exactly len bytes; returns 0, or 1 at EOF. */
static int read_full(int fd, char *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = read(fd, buf + done, len - done);
        if (n > 0) { done += (size_t) n; continue; }
        if (n == 0) return 1;
        if (errno == EAGAIN || errno == EINTR) continue;
        die("read");
    }
    return 0;
}

static void write_full(int fd, const char *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n > 0) { done += (size_t) n; continue; }
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        if (n < 0 && errno == EPIPE) exit(0);
        die("write");
    }
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 6 && !strcmp(argv[1], "server")) {
        size_t size = strtoul(argv[4], 0, 10);
        int spin = atoi(argv[5]);
        int req = open_fifo(argv[2], O_RDONLY, spin);
        int rep = open_fifo(argv[3], O_WRONLY, spin);
        char *buf = malloc(size);
        while (!read_full(req, buf, size)) write_full(rep, buf, size);
        return 0;
    }
    if (argc >= 8 && !strcmp(argv[1], "client")) {
        size_t size = strtoul(argv[4], 0, 10);
        int spin = atoi(argv[5]);
        long long warm_until = now_ns() + atoll(argv[6]) * 1000000LL;
        long n = atol(argv[7]);
        int req = open_fifo(argv[2], O_WRONLY, spin);
        int rep = open_fifo(argv[3], O_RDONLY, spin);
        char *buf = calloc(1, size);
        long long *rtt = malloc(sizeof(long long) * (size_t) n);
        for (long i = 0; i < n;) {
            long long t0 = now_ns();
            write_full(req, buf, size);
            if (read_full(rep, buf, size)) { fprintf(stderr, "server left\n"); return 1; }
            long long t1 = now_ns();
            if (t0 >= warm_until) rtt[i++] = t1 - t0;
        }
        qsort(rtt, (size_t) n, sizeof(long long), cmp);
        double sum = 0;
        for (long i = 0; i < n; i++) sum += rtt[i];
        printf("result median_ns=%lld p99_ns=%lld mean_ns=%.0f\n", rtt[n / 2], rtt[(n * 99) / 100], sum / n);
        return 0;
    }
    fprintf(stderr, "usage: pingpong server REQ REP SIZE SPIN | client REQ REP SIZE SPIN WARM_MS N\n");
    return 2;
}
