/*
 * fifokit bench: the cost of one write(2) plus one read(2) of SIZE bytes on an anonymous pipe,
 * on one thread (the pipe never blocks): the per-call price with no scheduler in the figure.
 * Compiled by `fifokit bench` with gcc -O2 into a temporary directory.
 *
 *   calls calls SIZE WARM_MS MEAS_MS     prints "result ns_per_pair=…"
 */
#define _GNU_SOURCE
#include <fcntl.h>
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

int main(int argc, char **argv) {
    /* the mode word mirrors the Java peer's command line */
    if (argc != 5 || strcmp(argv[1], "calls")) {
        fprintf(stderr, "usage: calls calls SIZE WARM_MS MEAS_MS\n");
        return 2;
    }
    size_t size = strtoul(argv[2], 0, 10);
    long long warm = atoll(argv[3]) * 1000000LL, meas = atoll(argv[4]) * 1000000LL;
    int fds[2];
    if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) { perror("pipe2"); return 1; }
    char *buf = calloc(1, size);
    long long start = now_ns(), open = start + warm, t = start, pairs = 0;
    for (;;) {
        /* check the clock every 256 pairs, as the Java peer does */
        for (int i = 0; i < 256; i++) {
            if (write(fds[1], buf, size) != (ssize_t) size) { perror("write"); return 1; }
            if (read(fds[0], buf, size) != (ssize_t) size) { perror("read"); return 1; }
        }
        t = now_ns();
        if (t < open) continue;
        if (pairs == 0) { open = t; pairs = 1; continue; }
        pairs += 256;
        if (t - open >= meas) break;
    }
    printf("result ns_per_pair=%.1f pairs=%lld\n", (double) (t - open) / (pairs - 1), pairs - 1);
    return 0;
}
