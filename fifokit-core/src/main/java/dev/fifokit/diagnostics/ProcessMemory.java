package dev.fifokit.diagnostics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads another process's memory through {@code /proc/<pid>/mem} (pread at the virtual
 * address). The kernel allows it only with ptrace-attach rights: root, or the same user when
 * Yama's ptrace_scope permits. Every method returns {@code null} when not permitted or when
 * the address is not mapped; nothing here throws.
 */
final class ProcessMemory {
    private ProcessMemory() {}

    private static final int PATH_MAX = 4096;
    private static final int PAGE = 4096;

    /** The NUL-terminated string at {@code address} (at most PATH_MAX bytes), or {@code null}. */
    static byte[] cString(long pid, long address) {
        if (address <= 0) {
            return null;
        }
        Path mem = ProcFs.pidDir(pid).resolve("mem");
        try (FileChannel ch = FileChannel.open(mem, StandardOpenOption.READ)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long at = address;
            while (out.size() < PATH_MAX) {
                // read up to the end of the page, so an unmapped next page cannot fail the read
                int want = (int) Math.min(PAGE - (at % PAGE), PATH_MAX - out.size());
                ByteBuffer buf = ByteBuffer.allocate(want);
                int n = ch.read(buf, at);
                if (n <= 0) {
                    return null;
                }
                byte[] b = buf.array();
                for (int i = 0; i < n; i++) {
                    if (b[i] == 0) {
                        out.write(b, 0, i);
                        return out.toByteArray();
                    }
                }
                out.write(b, 0, n);
                at += n;
            }
            return null; // no NUL within PATH_MAX: not a path
        } catch (IOException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** The native-endian 64-bit value at {@code address}, or {@code null}. */
    static Long u64(long pid, long address) {
        if (address <= 0) {
            return null;
        }
        Path mem = ProcFs.pidDir(pid).resolve("mem");
        try (FileChannel ch = FileChannel.open(mem, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            while (buf.hasRemaining()) {
                if (ch.read(buf, address + buf.position()) <= 0) {
                    return null;
                }
            }
            return buf.getLong(0);
        } catch (IOException | SecurityException | IllegalArgumentException e) {
            return null;
        }
    }
}
