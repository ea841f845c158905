package dev.fifokit.server;

/**
 * Who sent a request.
 *
 * @param pid the client's claim from the request's {@code mesg_type}: a process's pid for the
 *            {@code fifokit request} command and for C or Python clients, or any positive id an
 *            in-process client chose ({@link FifoClient#id(long)}). It is a claim, not a proof.
 * @param uid the owner of the reply FIFO the server opened, as the kernel reports it (fstat of
 *            the opened descriptor): the user who created it, which nobody can fake. A private
 *            server accepts only its own user's FIFOs; a shared one anyone's. Read it unsigned
 *            ({@link Integer#toUnsignedString(int)}): uids go up to 2^32 - 2.
 */
public record ClientIdentity(long pid, int uid) {
}
