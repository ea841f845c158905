package dev.fifokit.cli;

import dev.fifokit.Limits;
import dev.fifokit.ends.FifoReader;
import dev.fifokit.ends.FifoWriter;
import dev.fifokit.ends.OpenOptions;
import dev.fifokit.files.Fifo;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code fifokit demo}: a guided tour of what the seeds show, run for real on a temporary FIFO
 * that is removed at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "A short guided tour on a temporary FIFO: blocking opens, data, limits. Cleans up after itself.")
final class DemoCommand implements Callable<Integer> {
    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        try (Fifo fifo = Fifo.createTemp("demo")) {
            step("1. mkfifo", "created " + fifo.path() + " with mode 0" + Integer.toOctalString(fifo.mode())
                    + " (exact: the umask is not applied)");
            writerBlocksUntilReader(fifo);
            limits();
        }
        out.println();
        out.println("The temporary FIFO is removed. Try it yourself:");
        out.println("  ./fifokit mkfifo /tmp/p && (./fifokit write /tmp/p <<< hello &) && ./fifokit cat /tmp/p");
        return ExitCodes.OK;
    }

    private void writerBlocksUntilReader(Fifo fifo) throws Exception {
        step("2. a writer with no reader", "open for writing... (a plain open(2) would block here, "
                + "and nothing could cancel it)");
        long start = System.nanoTime();
        CompletableFuture<Long> opened = new CompletableFuture<>();
        Thread writer = Thread.ofPlatform().name("demo-writer").start(() -> {
            try (FifoWriter w = FifoWriter.open(fifo.path(), OpenOptions.defaults().timeout(Duration.ofSeconds(10)))) {
                opened.complete(System.nanoTime() - start);
                w.write("Hello from the writer!\n".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                opened.completeExceptionally(e);
            }
        });
        Thread.sleep(500);
        out.println("   after 500 ms the writer is still waiting: " + !opened.isDone()
                + "  (it burns no CPU: it sleeps until inotify reports an open)");
        step("3. a reader comes", "opening for reading releases the writer");
        try (FifoReader r = FifoReader.open(fifo.path(), OpenOptions.defaults().timeout(Duration.ofSeconds(10)))) {
            long waited = opened.get(10, TimeUnit.SECONDS);
            out.printf("   the writer's open completed after %d ms%n", TimeUnit.NANOSECONDS.toMillis(waited));
            byte[] data = r.inputStream().readAllBytes();
            out.print("   read: " + new String(data, StandardCharsets.UTF_8));
            out.println("   then -1: every writer closed, which is end of stream");
        }
        writer.join(10_000);
    }

    private void limits() {
        Limits l = Limits.read();
        step("4. limits", "PIPE_BUF=" + l.pipeBuf() + " (writes up to this size are atomic), OPEN_MAX="
                + l.openMax() + ", default capacity=" + l.defaultCapacity() + ", max capacity="
                + l.maxCapacity() + ", page=" + l.pageSize());
    }

    private void step(String title, String text) {
        out.println(title);
        out.println("   " + text);
    }
}
