package dev.fifokit.diagnostics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The /proc text formats fifokit parses, with samples laid out as the kernel writes them. */
class ProcParsingTest {
    private static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

    @Test
    void openatBlockedInWaitForPartner() {
        Syscall s = Syscall.parse((AARCH64 ? "56" : "257")
                + " 0xffffff9c 0x7ffc7bb87af0 0x1 0x0 0x0 0x0 0x7ffc7bb86d00 0x7f2ff00a8011\n");
        assertThat(s.isOpen()).isTrue();
        assertThat(s.openDirFd()).isEqualTo(-100);
        assertThat(s.openPathAddress()).isEqualTo(0x7ffc7bb87af0L);
        assertThat(AccessMode.ofFlags(s.openFlagsArgument())).isEqualTo(AccessMode.WRITE);
        assertThat(s.ioDescriptor()).isEqualTo(-1);
    }

    @Test
    void readAndWriteNameTheirDescriptor() {
        Syscall read = Syscall.parse((AARCH64 ? "63" : "0") + " 0x3 0x7f00 0x20000 0x0 0x0 0x0 0x7ffc 0x7f2f");
        Syscall write = Syscall.parse((AARCH64 ? "64" : "1") + " 0x1 0x7f00 0x100000 0x0 0x0 0x0 0x7ffc 0x7f2f");
        assertThat(read.ioDescriptor()).isEqualTo(3);
        assertThat(write.ioDescriptor()).isEqualTo(1);
        assertThat(read.isOpen()).isFalse();
    }

    @Test
    void notInASystemCall() {
        assertThat(Syscall.parse("running\n")).isNull();
        assertThat(Syscall.parse("-1 0x7ffc7bb86d00 0x7f2ff00a8011\n")).isNull();
        assertThat(Syscall.parse("")).isNull();
        assertThat(Syscall.parse("0 0xzz 0x0 0x0 0x0 0x0 0x0 0x0 0x0")).isNull();
    }

    @Test
    void fdinfoFlagsAreOctalAndInodesDecimal() {
        String info = "pos:\t0\nflags:\t02104001\nmnt_id:\t27\nino:\t2146724\n";
        assertThat(FifoHolders.fdinfoNumber(info, "flags:", 8)).isEqualTo(02104001L);
        assertThat(AccessMode.ofFlags(FifoHolders.fdinfoNumber(info, "flags:", 8))).isEqualTo(AccessMode.WRITE);
        assertThat(AccessMode.ofFlags(0100000)).isEqualTo(AccessMode.READ);
        assertThat(AccessMode.ofFlags(0100002)).isEqualTo(AccessMode.READ_WRITE);
        assertThat(FifoHolders.fdinfoNumber(info, "ino:", 10)).isEqualTo(2146724L);
        assertThat(FifoHolders.fdinfoNumber("pos:\t0\nflags:\t00\n", "ino:", 10)).isNull();
        assertThat(FifoHolders.fdinfoNumber("flags:\tzz\n", "flags:", 8)).isNull();
    }

    @Test
    void statStateSurvivesParenthesesInTheCommand() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("stat", "");
        try {
            java.nio.file.Files.writeString(f, "42 (a) b) (c) S 1 42 42 0 -1\n");
            assertThat(ProcFs.statState(f)).isEqualTo('S');
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    @Test
    void stateWordsAreStable() {
        assertThat(HolderState.BLOCKED_READ.word()).isEqualTo("blocked-read");
        assertThat(HolderState.BLOCKED_WRITE.word()).isEqualTo("blocked-write");
        assertThat(HolderState.BLOCKED_OPEN.word()).isEqualTo("blocked-open");
        assertThat(HolderState.ofStateCode('R')).isEqualTo(HolderState.RUNNING);
        assertThat(HolderState.ofStateCode('T')).isEqualTo(HolderState.STOPPED);
        assertThat(AccessMode.READ_WRITE.word()).isEqualTo("read-write");
    }
}
