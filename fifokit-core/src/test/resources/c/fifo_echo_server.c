/*
 * Stevens' FIFO echo (UNIX Network Programming vol. 2 ch. 4), the child's half as its own program:
 * open the FIFO for reading, read once, print what came.
 * Usage: fifo_echo_server FIFO
 * Changed from the book: the path is an argument, and read() gets sizeof(buff) - 1 so that
 * buff[n] = '\0' stays inside the buffer when 1024 bytes arrive.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

#define FILE_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)

void
echo_server(int readfd)
{
        int n;
        char buff[1024];
        n = read(readfd, buff, sizeof(buff) - 1);
        if (n < 0) {
                perror("read");
                exit(1);
        }
        buff[n] = '\0';
        printf("%s", buff);
}

int
main(int argc, char **argv)
{
        int readfd;
        if (argc != 2) {
                fprintf(stderr, "usage: %s FIFO\n", argv[0]);
                return 2;
        }
        mkfifo(argv[1], FILE_MODE);
        readfd = open(argv[1], O_RDONLY, 0);
        if (readfd < 0) {
                perror("open");
                return 1;
        }
        echo_server(readfd);
        close(readfd);
        return 0;
}
