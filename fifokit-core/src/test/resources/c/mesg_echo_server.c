/*
 * Stevens' message echo (struct mymesg, mesg_send/mesg_recv; UNIX Network
 * Programming vol. 2 ch. 4), the server's half as its own
 * program over a FIFO instead of pipe(): receive one message and print its data and "\n".
 * Usage: mesg_echo_server FIFO
 * Changed from the book: a FIFO path instead of an inherited pipe, and <fcntl.h> for open().
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <unistd.h>

#include <limits.h> //PIPE_BUF

#define MAXMESGDATA (PIPE_BUF - 2*sizeof(long))

#define MESGHDRSIZE (sizeof(struct mymesg) - MAXMESGDATA)

#define FILE_MODE (S_IRUSR | S_IWUSR | S_IRGRP | S_IROTH)

struct mymesg {
    long mesg_len;
    long mesg_type;
    char mesg_data[MAXMESGDATA];
};

ssize_t mesg_recv(int, struct mymesg*);

ssize_t
mesg_recv(int fd, struct mymesg *mptr)
{
    size_t len;
    ssize_t n;

    if ( (n = read(fd, mptr, MESGHDRSIZE)) == 0 ) {
        return 0;//End of file
    } else if (n != MESGHDRSIZE) {
        perror("read");
        exit(1);
    }
    if ( (len = mptr->mesg_len) > 0 ) {
        if ( (n = read(fd, mptr->mesg_data, len)) != len ) {
            perror("read");
            exit(1);
        }
    }
    return len;
}

void
echo_server(int readfd)
{
    ssize_t n;
    struct mymesg mesg;

    mesg.mesg_type = 1;
    if ( (n = mesg_recv(readfd, &mesg)) == 0 ) {
        perror("mesg_recv");
        exit(1);
    }
    mesg.mesg_data[n] = '\0';

    printf("%s\n", mesg.mesg_data);
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
