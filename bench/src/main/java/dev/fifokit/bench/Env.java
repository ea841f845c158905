package dev.fifokit.bench;

import dev.fifokit.FifoException;
import dev.fifokit.files.Fifo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Everything a run needs from the machine: a private temporary directory, the C baselines
 * compiled there with {@code gcc -O2} from the sources shipped in {@code bench/c}, the command
 * lines that start a Java peer and the fifokit CLI, and which external tools exist.
 * {@link #close()} deletes the directory.
 */
public final class Env implements AutoCloseable {
    /** The C sources, shipped in the jar from the repository's {@code bench/c}. */
    static final List<String> C_SOURCES = List.of("stream", "pingpong", "calls", "server");
    /** The tools the CLI workloads compare against, when installed. */
    static final List<String> TOOLS = List.of("dd", "pv", "socat", "cat");

    private final Path dir;
    private final Map<String, Path> binaries = new LinkedHashMap<>();
    private final Map<String, Boolean> tools = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final boolean taskset;
    private final boolean nice;
    private final int cpus;
    private final List<String> fifokit;
    private Path helloDir;

    private Env(Path dir, boolean taskset, boolean nice, int cpus, List<String> fifokit) {
        this.dir = dir;
        this.taskset = taskset;
        this.nice = nice;
        this.cpus = cpus;
        this.fifokit = fifokit;
    }

    /**
     * Creates the directory, compiles the C baselines and a JVM hello-world, and looks for the
     * external tools. Fails only when gcc cannot compile the baselines.
     */
    public static Env prepare(PrintStream log) throws IOException, InterruptedException, BenchFailure {
        Path dir = Files.createTempDirectory("fifokit-bench-");
        Env env = new Env(dir, onPath("taskset"), canRaisePriority(), Runtime.getRuntime().availableProcessors(),
                cliCommand());
        try {
            for (String name : C_SOURCES) {
                env.binaries.put(name, env.compileC(name));
            }
            for (String tool : TOOLS) {
                env.tools.put(tool, onPath(tool));
                if (!env.tools.get(tool)) {
                    env.notes.add(tool + " is not installed (apt-get install -y " + tool + "): skipped");
                }
            }
            env.helloDir = env.compileHello(log);
            if (env.nice) {
                env.notes.add("every peer runs at nice -10 (Java and C alike), to keep other load off the figures");
            }
            if (!env.taskset) {
                env.notes.add("taskset is missing (util-linux): processes are not pinned");
            }
            return env;
        } catch (IOException | InterruptedException | BenchFailure | RuntimeException e) {
            env.close();
            throw e;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The placements this machine supports: cross and same with taskset and ≥ 2 CPUs. */
    public List<Placement> placements(String wanted) {
        if (!taskset) {
            return List.of(Placement.none());
        }
        if (cpus < 2) {
            return List.of(Placement.same());
        }
        return switch (wanted) {
            case "same" -> List.of(Placement.same());
            case "both" -> List.of(Placement.cross(), Placement.same());
            default -> List.of(Placement.cross());
        };
    }

    /** The command line of a C baseline: {@code bench/c/<name>.c} compiled, then {@code args}. */
    public List<String> c(String name, Object... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(binaries.get(name).toString());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        return cmd;
    }

    /** The command line of a Java peer ({@link JavaPeer}) with extra JVM options first. */
    public List<String> java(List<String> jvmOptions, Object... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(JavaPeer.class.getName());
        for (Object a : args) {
            cmd.add(a.toString());
        }
        return cmd;
    }

    public List<String> java(Object... args) {
        return java(List.of(), args);
    }

    /** How to start the fifokit CLI: the launcher that started us, else this JVM's class path. */
    public List<String> fifokit() {
        return fifokit;
    }

    /** The directory holding a compiled {@code Hello} class, or null when javac is missing. */
    public Path helloDir() {
        return helloDir;
    }

    public boolean hasTool(String tool) {
        return tools.getOrDefault(tool, false);
    }

    /** Things the report should mention: missing tools, no pinning. */
    public List<String> notes() {
        return notes;
    }

    /**
     * {@code argv} run at a raised priority when this user may (root): every contender alike,
     * so the figures suffer less from whatever else the machine runs.
     */
    public List<String> prioritized(List<String> argv) {
        if (!nice) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of("nice", "-n", "-10"));
        out.addAll(argv);
        return out;
    }

    /** True when {@code nice -n -10} really lowers the niceness (GNU nice runs the command anyway). */
    private static boolean canRaisePriority() {
        try {
            Process p = new ProcessBuilder("nice", "-n", "-10", "nice").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.equals("-10");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * A path for a large scratch file: on tmpfs ({@code /dev/shm}) when it has 8 GiB free, so a
     * splice-to-file run measures the page cache and not disk writeback (which throttles
     * whoever runs after a big write), else in the bench directory.
     */
    public Path scratchFile(String name) {
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm)
                    && Files.getFileStore(shm).getUsableSpace() >= (8L << 30)) {
                return shm.resolve(dir.getFileName() + "-" + name);
            }
        } catch (IOException ignored) {
            // fall back to the bench directory
        }
        return dir.resolve(name);
    }

    /** A new FIFO (an old one of that name is removed first). */
    public Path fifo(String name) throws IOException {
        Path p = dir.resolve(name + ".fifo");
        Files.deleteIfExists(p);
        try (Fifo f = Fifo.create(p)) {
            f.keep();
        } catch (FifoException e) {
            throw new IOException(e.getMessage(), e);
        }
        return p;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> cliCommand() {
        String launcher = System.getenv("FIFOKIT_LAUNCHER");
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(Path.of(launcher).toAbsolutePath().toString());
        }
        return List.of(javaExecutable(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-cp", classPath(), "dev.fifokit.cli.Main");
    }

    /** This JVM's class path with every entry absolute (peers run in the bench directory). */
    static String classPath() {
        StringBuilder b = new StringBuilder();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!e.isEmpty()) {
                b.append(b.isEmpty() ? "" : java.io.File.pathSeparator).append(Path.of(e).toAbsolutePath());
            }
        }
        return b.toString();
    }

    private Path compileC(String name) throws IOException, InterruptedException, BenchFailure {
        Path src = dir.resolve(name + ".c");
        try (InputStream in = Env.class.getResourceAsStream("c/" + name + ".c")) {
            if (in == null) {
                throw new BenchFailure("bench/c/" + name + ".c is missing from the class path");
            }
            Files.write(src, in.readAllBytes());
        }
        Path exe = dir.resolve(name);
        String out = exec(List.of("gcc", "-O2", "-o", exe.toString(), src.toString()), 120);
        if (out != null) {
            throw new BenchFailure("gcc could not compile bench/c/" + name + ".c: " + out);
        }
        return exe;
    }

    private Path compileHello(PrintStream log) throws IOException, InterruptedException {
        Path javac = Path.of(System.getProperty("java.home"), "bin", "javac");
        if (!Files.isExecutable(javac)) {
            notes.add("no javac next to " + javaExecutable() + ": the JVM hello-world baseline is skipped");
            return null;
        }
        Path d = Files.createDirectories(dir.resolve("hello"));
        Files.writeString(d.resolve("Hello.java"),
                "public class Hello { public static void main(String[] a) { System.out.println(\"hello\"); } }\n");
        String out = exec(List.of(javac.toString(), "-d", d.toString(), d.resolve("Hello.java").toString()), 120);
        if (out != null) {
            log.println("bench: javac failed, no hello-world baseline: " + out);
            return null;
        }
        return d;
    }

    /** Runs a short command; null when it succeeded, else its output. */
    static String exec(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : new String(out, StandardCharsets.UTF_8).strip();
    }

    static boolean onPath(String tool) {
        try {
            return exec(List.of("sh", "-c", "command -v " + tool), 10) == null;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
