package dev.fifokit.internal.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Small, long-lived native buffers carved out of shared automatic chunks: the buffers of
 * thousands of descriptors cost one {@link Arena#ofAuto()} (one registration with the JDK's
 * common Cleaner, whose global lock virtual threads queued on) per {@value #CHUNK} bytes
 * instead of one each. Lock-free; never blocks.
 *
 * <p>Memory is never reused: a chunk is freed by the garbage collector once no buffer carved
 * from it is reachable (every slice keeps its chunk's arena alive), so a buffer can never be
 * handed out twice. The price is that one long-lived buffer keeps its whole chunk.
 */
final class NativeChunks {
    static final long CHUNK = 16 * 1024;
    private static final long ALIGN = 8;

    private record Chunk(MemorySegment memory, AtomicLong next) {
        Chunk() {
            this(Arena.ofAuto().allocate(CHUNK, 64), new AtomicLong());
        }
    }

    private static final AtomicReference<Chunk> CURRENT = new AtomicReference<>(new Chunk());

    private NativeChunks() {}

    /** {@code bytes} (at most {@value #CHUNK}) of zeroed native memory, 8-byte aligned. */
    static MemorySegment allocate(long bytes) {
        if (bytes <= 0 || bytes > CHUNK) {
            throw new IllegalArgumentException("cannot carve " + bytes + " bytes from a chunk");
        }
        long size = (bytes + ALIGN - 1) & -ALIGN;
        while (true) {
            Chunk c = CURRENT.get();
            long at = c.next().getAndAdd(size);
            if (at + size <= CHUNK) {
                return c.memory().asSlice(at, bytes);
            }
            CURRENT.compareAndSet(c, new Chunk()); // full: whoever wins installs the next one
        }
    }
}
