package dev.fifokit.bridge;

import java.io.IOException;

/**
 * {@code raw} format: bytes copied between a local end and a link (or two local ends), with
 * nothing numbered or acknowledged. A local end's failure is a {@link LocalFailure}.
 */
final class RawCopy {
    private RawCopy() {}

    /** Copies the source to the link until the source ends, then ends the link's output. */
    static void send(LocalEnds.RawSource source, Link link, Counters counters) throws IOException {
        byte[] b = new byte[Link.BUFFER];
        while (true) {
            int n;
            try {
                n = source.read(b, 0, b.length);
            } catch (IOException e) {
                throw new LocalFailure(e);
            }
            if (n < 0) {
                link.finishOutput();
                return;
            }
            link.out().write(b, 0, n);
            link.out().flush();
            counters.copied.addAndGet(n);
        }
    }

    /** Copies the link to the sink until the far side ends its stream. */
    static void receive(Link link, LocalEnds.RawSink sink, Counters counters) throws IOException {
        byte[] b = new byte[Link.BUFFER];
        for (int n; (n = link.in().read(b)) >= 0; ) {
            try {
                sink.write(b, 0, n);
            } catch (IOException e) {
                throw new LocalFailure(e);
            }
            counters.copied.addAndGet(n);
        }
    }

    /** Two local ends: splice(2) when one is a FIFO, else a copy through Java. */
    static void local(LocalEnds.RawSource source, LocalEnds.RawSink sink, Counters counters) throws IOException {
        long spliced = LocalEnds.spliceLocal(source, sink);
        if (spliced >= 0) {
            counters.copied.addAndGet(spliced);
            return;
        }
        byte[] b = new byte[Link.BUFFER];
        for (int n; (n = source.read(b, 0, b.length)) >= 0; ) {
            sink.write(b, 0, n);
            counters.copied.addAndGet(n);
        }
    }
}
