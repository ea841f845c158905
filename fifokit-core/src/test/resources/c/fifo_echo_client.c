/*
 * Stevens' FIFO echo (UNIX Network Programming vol. 2 ch. 4), the parent's half as its own program:
 * read one line from standard input and write it, newline included, to the FIFO.
 * Usage: fifo_echo_client FIFO < line
 * Changed from the book: the path is an argument.
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
echo_client(int writefd)
{
        char buff[1024];
        if (fgets(buff, sizeof(buff), stdin) == NULL) {
                return;
        }
        write(writefd, buff, strlen(buff));
}

int
main(int argc, char **argv)
{
        int writefd;
        if (argc != 2) {
                fprintf(stderr, "usage: %s FIFO\n", argv[0]);
                return 2;
        }
        mkfifo(argv[1], FILE_MODE);
        writefd = open(argv[1], O_WRONLY, 0);
        if (writefd < 0) {
                perror("open");
                return 1;
        }
        echo_client(writefd);
        close(writefd);
        return 0;
}
