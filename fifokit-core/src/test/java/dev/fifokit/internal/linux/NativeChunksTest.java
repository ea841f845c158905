package dev.fifokit.internal.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Buffers carved from shared chunks never overlap, are aligned and zeroed, across threads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeChunksTest {
    @Test
    void buffersFromManyThreadsAreDisjointAlignedAndZeroed() throws Exception {
        List<MemorySegment> all = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int size = 1 + t * 37; // odd sizes: rounding must keep the next buffer aligned
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 2000; i++) {
                    all.add(NativeChunks.allocate(size));
                }
            }));
        }
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(30))).isTrue();
        }
        assertThat(all).hasSize(16_000);
        List<MemorySegment> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingLong(MemorySegment::address));
        for (int i = 0; i < sorted.size(); i++) {
            MemorySegment s = sorted.get(i);
            assertThat(s.address() % 8).isZero();
            for (long b = 0; b < s.byteSize(); b++) {
                assertThat(s.get(JAVA_BYTE, b)).isZero();
            }
            if (i > 0) {
                MemorySegment prev = sorted.get(i - 1);
                assertThat(prev.address() + prev.byteSize()).isLessThanOrEqualTo(s.address());
            }
        }
    }

    @Test
    void aBufferLargerThanAChunkIsRefused() {
        assertThatThrownBy(() -> NativeChunks.allocate(NativeChunks.CHUNK + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NativeChunks.allocate(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
