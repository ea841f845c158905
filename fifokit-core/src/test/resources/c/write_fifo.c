/* The write_fifo.cpp of the classic named-FIFO seminar (writes "Hello from C!\n" and its NUL),
 * with the FIFO path as argv[1]. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <assert.h>
#include <sys/wait.h>
#include <fcntl.h>

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "my_fifo";
    fprintf(stderr, "Started\n"); fflush(stderr);
    int fd = open(path, O_WRONLY);
    assert(fd >= 0);
    fprintf(stderr, "Opened\n"); fflush(stderr);
    const char str[] = "Hello from C!\n";
    assert(write(fd, str, sizeof(str)) == sizeof(str));
    fprintf(stderr, "Written\n"); fflush(stderr);
    assert(close(fd) == 0);
    fprintf(stderr, "Closed\n"); fflush(stderr);
    return 0;
}
