/*
 * Stevens' message echo (struct mymesg, mesg_send/mesg_recv; UNIX Network
 * Programming vol. 2 ch. 4), the client's half as its own
 * program over a FIFO instead of pipe(): read one line, strip its newline, send it as one
 * message of type 1.
 * Usage: mesg_echo_client FIFO < line
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

ssize_t mesg_send(int, struct mymesg*);

ssize_t
mesg_send(int fd, struct mymesg *mptr)
{
    return write(fd, mptr, MESGHDRSIZE + mptr->mesg_len);
}

void
echo_client(int writefd)
{
    size_t len;
    struct mymesg mesg;

    if (fgets(mesg.mesg_data, MAXMESGDATA, stdin) == NULL) {
        return;
    }
    len = strlen(mesg.mesg_data);
    if (mesg.mesg_data[len-1] == '\n') {
        len--;
    }
    mesg.mesg_len = len;
    mesg.mesg_type = 1;
    mesg_send(writefd, &mesg);
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
