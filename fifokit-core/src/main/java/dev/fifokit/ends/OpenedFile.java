package dev.fifokit.ends;

/**
 * The file an end was opened on, as the open saw it: read once with fstat (statx) of the file
 * that was checked and then opened, never refreshed. Its owner and link count are those of
 * that moment; a file opened through a pinned handle is the very file described here even if
 * its name was replaced since. See {@link FifoEnd#openedFile()}.
 *
 * @param mode   the full st_mode: type and permission bits
 * @param owner  the owner's uid (unsigned: use {@link Integer#toUnsignedString(int)})
 * @param links  how many names (hard links) the file had
 * @param device the device it is on, encoded as glibc's makedev (equal to the JDK's
 *               {@code unix:dev} attribute)
 * @param inode  its inode number (the JDK's {@code unix:ino})
 */
public record OpenedFile(int mode, int owner, int links, long device, long inode) {
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;

    /**
     * Whether the file was a FIFO (always, for an end opened by path).
     *
     * @return true for a FIFO
     */
    public boolean isFifo() {
        return (mode & S_IFMT) == S_IFIFO;
    }

    /**
     * The permission bits alone, e.g. {@code 0600}.
     *
     * @return {@code mode & 07777}
     */
    public int permissions() {
        return mode & 07777;
    }

    static OpenedFile of(dev.fifokit.internal.linux.Stat s) {
        return new OpenedFile(s.mode(), s.uid(), s.nlink(), s.dev(), s.ino());
    }
}
