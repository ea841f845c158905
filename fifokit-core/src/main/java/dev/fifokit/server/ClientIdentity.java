package dev.fifokit.server;

/**
 * Who sent a request.
 *
 * @param pid the client id from the request's {@code mesg_type}: a process's pid for the
 *            {@code fifokit request} command and for C or Python clients, or any positive id an
 *            in-process client chose ({@link FifoClient#id(long)}). It is a claim, not a proof.
 * @param uid the owner of the reply FIFO, as the kernel reports it (fstat of the opened
 *            FIFO): the user who created it. In a directory with the sticky bit (or one only
 *            its owner can write) no other user can put a FIFO under that name.
 */
public record ClientIdentity(long pid, int uid) {
}
