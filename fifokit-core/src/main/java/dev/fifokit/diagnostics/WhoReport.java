package dev.fifokit.diagnostics;

import java.nio.file.Path;
import java.util.List;

/**
 * Who holds a FIFO, and who is waiting to open it: the answer of {@link FifoHolders#of(Path)}
 * and of {@code fifokit who}. A snapshot: processes come and go while it is taken, so a
 * process that exits during the scan is simply absent.
 *
 * @param path                the path that was asked about
 * @param device              the FIFO's st_dev (glibc encoding; see {@link #deviceName()})
 * @param inode               the FIFO's inode number
 * @param unlinked            the FIFO no longer has a name (its holders still use it)
 * @param holders             every descriptor open on it, by pid then fd
 * @param opening             processes blocked opening it (their path resolves to this FIFO)
 * @param unknownOpeners      processes blocked opening <em>some</em> FIFO that could not be
 *                            told apart: their memory is not readable by this caller, or the
 *                            path they used no longer resolves; they may or may not be on this one
 * @param unreadableProcesses processes whose descriptors this caller may not list (the
 *                            report is partial when this is not zero)
 */
public record WhoReport(Path path, long device, long inode, boolean unlinked, List<Holder> holders,
                        List<Opener> opening, List<Opener> unknownOpeners, int unreadableProcesses) {

    /**
     * Makes a report; the three lists are copied, so the report does not change when the
     * lists given to it do.
     */
    public WhoReport {
        holders = List.copyOf(holders);
        opening = List.copyOf(opening);
        unknownOpeners = List.copyOf(unknownOpeners);
    }

    /** {@return the major device number of the file system holding the FIFO} */
    public long deviceMajor() {
        return ((device >>> 8) & 0xfffL) | ((device >>> 32) & 0xfffff000L);
    }

    /** {@return the minor device number} */
    public long deviceMinor() {
        return (device & 0xffL) | ((device >>> 12) & 0xffffff00L);
    }

    /** {@return the device as {@code "major:minor"}, e.g. {@code "254:0"} (as {@code stat -c %Hd:%Ld} prints it)} */
    public String deviceName() {
        return deviceMajor() + ":" + deviceMinor();
    }

    /** {@return true when some processes could not be inspected, so holders may be missing} */
    public boolean partial() {
        return unreadableProcesses > 0;
    }

    /**
     * One sentence per problem the snapshot shows, e.g. {@code "no reader: writers will block"}
     * or {@code "pid 123 holds it read-write: readers will never see EOF"}. Empty when nothing
     * is wrong.
     *
     * @return the sentences
     */
    public List<String> diagnosis() {
        return Diagnosis.of(this);
    }
}
