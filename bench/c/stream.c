/*
 * fifokit bench: C baselines for byte streams and 64-byte mesg frames through a FIFO.
 * Compiled by `fifokit bench` with gcc -O2 into a temporary directory; never committed as a binary.
 *
 *   stream write  FIFO CHUNK PIPESIZE         write CHUNK-byte blocks until the reader leaves (EPIPE)
 *   stream read   FIFO CHUNK WARM_MS MEAS_MS   read CHUNK-byte blocks; report bytes/s in the window
 *   stream splice FIFO WARM_MS MEAS_MS         splice(2) FIFO -> stdout (/dev/null, a file); same window,
 *                                              result on stderr
 *   stream frames-write FIFO BATCH             64-byte mesg frames (16-byte header + 48 payload),
 *                                              BATCH frames per write(2) (1 = one write each)
 *   stream frames-read  FIFO WARM_MS MEAS_MS   read 64 KiB, walk the frames; report messages/s
 *   stream source BYTES CHUNK [PATH]           write BYTES to stdout (or PATH), then exit
 *   stream sink   [PATH]                       read stdin (or PATH) to EOF; report bytes/s from first byte
 *   stream vsource BYTES CHUNK [PATH]          like source, but vmsplice(2)s the same pages into the pipe:
 *                                              a producer that costs (almost) nothing
 *   stream vsink  [PATH]                       like sink, but splice(2)s into /dev/null: a consumer that
 *                                              costs (almost) nothing; the CLI workloads put the tool
 *                                              under test between these two
 *
 * Every measuring peer prints one line: "result key=value ...". The window opens WARM_MS after
 * the first byte arrives (the Java peers use the same window, so JIT warm-up is outside it) and
 * the reader then closes the FIFO, which ends the writer with EPIPE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/uio.h>
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

static char *buffer(size_t n) {
    void *p;
    if (posix_memalign(&p, 4096, n) != 0) die("posix_memalign");
    memset(p, 'x', n);
    return p;
}

/* Writes all of buf; returns 0, or 1 when the reader has gone. */
static int write_all(int fd, const char *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n > 0) { done += (size_t) n; continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EPIPE) return 1;
        die("write");
    }
    return 0;
}

/* The measuring window shared by every reader: it opens WARM_MS after the first data and
 * lasts MEAS_MS; units that arrived by the read that opened it are not counted. */
struct window { long long open, close, meas; long long units; int state; };

static void window_start(struct window *w, long long t, long long warm_ms, long long meas_ms) {
    w->open = t + warm_ms * 1000000LL;
    w->meas = meas_ms * 1000000LL;
    w->units = 0;
    w->state = 1;
}

/* Counts units that arrived at time t; returns 1 when the window has closed. */
static int window_add(struct window *w, long long t, long long units) {
    if (w->state == 1) {
        if (t >= w->open) { w->state = 2; w->open = t; w->close = t + w->meas; }
        return 0;
    }
    w->units += units;
    if (t >= w->close) { w->close = t; return 1; }
    return 0;
}

static double window_rate(struct window *w) {
    double secs = (w->close - w->open) / 1e9;
    return secs > 0 ? w->units / secs : 0;
}

static int open_fifo(const char *path, int flags) {
    int fd = open(path, flags);
    if (fd < 0) die(path);
    return fd;
}

static int cmd_write(const char *path, size_t chunk, int pipesize) {
    int fd = open_fifo(path, O_WRONLY);
    if (pipesize > 0 && fcntl(fd, F_SETPIPE_SZ, pipesize) < 0) die("F_SETPIPE_SZ");
    char *buf = buffer(chunk);
    while (!write_all(fd, buf, chunk)) {}
    return 0;
}

static int cmd_read(const char *path, size_t chunk, long long warm, long long meas) {
    int fd = open_fifo(path, O_RDONLY);
    char *buf = buffer(chunk);
    struct window w = {0};
    for (;;) {
        ssize_t n = read(fd, buf, chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("read");
        if (n == 0) { fprintf(stderr, "stream read: writer left early\n"); return 1; }
        long long t = now_ns();
        if (w.state == 0) window_start(&w, t, warm, meas);
        if (window_add(&w, t, n)) break;
    }
    printf("result bytes_per_s=%.0f bytes=%lld\n", window_rate(&w), w.units);
    return 0;
}

static int cmd_splice(const char *path, long long warm, long long meas) {
    int fd = open_fifo(path, O_RDONLY);
    struct window w = {0};
    for (;;) {
        ssize_t n = splice(fd, NULL, 1, NULL, 1 << 20, SPLICE_F_MOVE);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("splice");
        if (n == 0) { fprintf(stderr, "stream splice: writer left early\n"); return 1; }
        long long t = now_ns();
        if (w.state == 0) window_start(&w, t, warm, meas);
        if (window_add(&w, t, n)) break;
    }
    /* standard output is the splice target: report on standard error */
    fprintf(stderr, "result bytes_per_s=%.0f bytes=%lld\n", window_rate(&w), w.units);
    return 0;
}

/* Stevens' struct mymesg (UNIX Network Programming vol. 2 ch. 4): native-endian long mesg_len, long mesg_type, then the payload. */
#define FRAME 64
#define HEADER 16
#define BATCH_LIMIT 4096 /* PIPE_BUF: a batch shared with other writers must stay atomic */

static int cmd_frames_write(const char *path, int batch) {
    int fd = open_fifo(path, O_WRONLY);
    if (batch < 1 || batch * FRAME > BATCH_LIMIT) { fprintf(stderr, "bad batch\n"); return 2; }
    char *buf = buffer(BATCH_LIMIT);
    uint64_t seq = 0;
    for (;;) {
        for (int i = 0; i < batch; i++) {
            char *f = buf + i * FRAME;
            int64_t len = FRAME - HEADER, type = 1;
            memcpy(f, &len, 8);
            memcpy(f + 8, &type, 8);
            memcpy(f + HEADER, &seq, 8);
            seq++;
        }
        if (write_all(fd, buf, (size_t) batch * FRAME)) return 0;
    }
}

static int cmd_frames_read(const char *path, long long warm, long long meas) {
    int fd = open_fifo(path, O_RDONLY);
    size_t cap = 1 << 16;
    char *buf = buffer(cap + FRAME);
    size_t have = 0;
    uint64_t check = 0;
    struct window w = {0};
    for (;;) {
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die("read");
        if (n == 0) { fprintf(stderr, "frames-read: writer left early\n"); return 1; }
        have += (size_t) n;
        size_t off = 0;
        long long msgs = 0;
        while (have - off >= HEADER) {
            int64_t len;
            memcpy(&len, buf + off, 8);
            if (len < 0 || len > 4080) { fprintf(stderr, "corrupt frame\n"); return 1; }
            if (have - off < HEADER + (size_t) len) break;
            uint64_t seq;
            memcpy(&seq, buf + off + HEADER, 8);
            check += seq;
            off += HEADER + (size_t) len;
            msgs++;
        }
        memmove(buf, buf + off, have - off);
        have -= off;
        long long t = now_ns();
        if (w.state == 0) window_start(&w, t, warm, meas);
        if (window_add(&w, t, msgs)) break;
    }
    printf("result msgs_per_s=%.0f msgs=%lld check=%llu\n", window_rate(&w), w.units, (unsigned long long) (check & 1));
    return 0;
}

static int cmd_source(long long bytes, size_t chunk, const char *path) {
    int fd = path ? open_fifo(path, O_WRONLY) : 1;
    char *buf = buffer(chunk);
    while (bytes > 0) {
        size_t n = bytes < (long long) chunk ? (size_t) bytes : chunk;
        if (write_all(fd, buf, n)) return 1;
        bytes -= (long long) n;
    }
    return 0;
}

/* Reads PATH (or stdin) to EOF and prints the rate from the first byte on: with read(2) into a
 * buffer, or (zero_copy) with splice(2) into /dev/null, a consumer that costs (almost) nothing. */
static int cmd_sink(const char *path, int zero_copy) {
    int fd = path ? open_fifo(path, O_RDONLY) : 0;
    size_t chunk = 1 << 16;
    char *buf = zero_copy ? NULL : buffer(chunk);
    int null = zero_copy ? open("/dev/null", O_WRONLY) : -1;
    if (zero_copy && null < 0) die("/dev/null");
    long long first = 0, bytes = 0;
    for (;;) {
        ssize_t n = zero_copy ? splice(fd, NULL, null, NULL, 1 << 20, SPLICE_F_MOVE) : read(fd, buf, chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) die(zero_copy ? "splice" : "read");
        if (n == 0) break;
        if (first == 0) first = now_ns();
        bytes += n;
    }
    double secs = first ? (now_ns() - first) / 1e9 : 0;
    printf("result bytes_per_s=%.0f bytes=%lld\n", secs > 0 ? bytes / secs : 0, bytes);
    return 0;
}

static int cmd_vsource(long long bytes, size_t chunk, const char *path) {
    int fd = path ? open_fifo(path, O_WRONLY) : 1;
    char *buf = buffer(chunk);
    while (bytes > 0) {
        size_t n = bytes < (long long) chunk ? (size_t) bytes : chunk;
        struct iovec v = { buf, n };
        while (v.iov_len > 0) {
            ssize_t w = vmsplice(fd, &v, 1, 0);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && errno == EPIPE) return 1;
            if (w < 0) die("vmsplice");
            v.iov_base = (char *) v.iov_base + w;
            v.iov_len -= (size_t) w;
        }
        bytes -= (long long) n;
    }
    return 0;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) goto usage;
    const char *m = argv[1];
    if (!strcmp(m, "write") && argc == 5) return cmd_write(argv[2], strtoul(argv[3], 0, 10), atoi(argv[4]));
    if (!strcmp(m, "read") && argc == 6)
        return cmd_read(argv[2], strtoul(argv[3], 0, 10), atoll(argv[4]), atoll(argv[5]));
    if (!strcmp(m, "splice") && argc == 5) return cmd_splice(argv[2], atoll(argv[3]), atoll(argv[4]));
    if (!strcmp(m, "frames-write") && argc == 4) return cmd_frames_write(argv[2], atoi(argv[3]));
    if (!strcmp(m, "frames-read") && argc == 5) return cmd_frames_read(argv[2], atoll(argv[3]), atoll(argv[4]));
    if (!strcmp(m, "source") && (argc == 4 || argc == 5))
        return cmd_source(atoll(argv[2]), strtoul(argv[3], 0, 10), argc == 5 ? argv[4] : NULL);
    if (!strcmp(m, "sink") && argc <= 3) return cmd_sink(argc == 3 ? argv[2] : NULL, 0);
    if (!strcmp(m, "vsource") && (argc == 4 || argc == 5))
        return cmd_vsource(atoll(argv[2]), strtoul(argv[3], 0, 10), argc == 5 ? argv[4] : NULL);
    if (!strcmp(m, "vsink") && argc <= 3) return cmd_sink(argc == 3 ? argv[2] : NULL, 1);
usage:
    fprintf(stderr, "usage: stream write|read|splice|frames-write|frames-read|source|sink|vsource|vsink ...\n");
    return 2;
}
