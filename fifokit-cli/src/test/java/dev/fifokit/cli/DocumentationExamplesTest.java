package dev.fifokit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code ```java} block of the README and of docs/*.md compiles against the library as
 * it is built, so an example cannot name a method that does not exist.
 *
 * <p>The README's blocks are whole programs (Java 25 compact source files with their imports),
 * which a reader saves as {@code Example.java} and runs with {@code java}: each is run so, as it
 * is in the README, and must print what its {@code // prints:} comment says.
 *
 * <p>A block of docs/*.md is a fragment: it becomes the body of a method in a class of its own,
 * with the library's packages imported and a few names the examples use without declaring them
 * (a {@code path}, a {@code buf} or {@code data}, PEM files {@code cert}, {@code key} and
 * {@code ca}, a message {@code in} and {@code out}, {@code process} and {@code consume})
 * provided as fields and methods, so a block may declare its own variables of the same names.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DocumentationExamplesTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^([ \\t]*)```java[ \\t]*\\n(.*?)^[ \\t]*```", Pattern.DOTALL);

    private static final String HEADER = """
            import dev.fifokit.*;
            import dev.fifokit.bridge.*;
            import dev.fifokit.diagnostics.*;
            import dev.fifokit.ends.*;
            import dev.fifokit.files.*;
            import dev.fifokit.messages.*;
            import dev.fifokit.server.*;
            import dev.fifokit.spawn.*;
            import java.io.*;
            import java.nio.ByteBuffer;
            import java.nio.file.*;
            import java.time.*;
            import java.util.*;
            import static java.nio.charset.StandardCharsets.UTF_8;

            @SuppressWarnings("all")
            class %s {
                Path path = Path.of("/tmp/example.fifo");
                long pid = ProcessHandle.current().pid();
                byte[] buf = new byte[8192];
                byte[] part1 = {1}, part2 = {2}, data = {3};
                Path cert = Path.of("cert.pem"), key = Path.of("key.pem"), ca = Path.of("ca.pem");
                boolean running;
                MessageWriter out;
                MessageReader in;
                static void process(byte[] data, int length) {}
                static void consume(long type, ByteBuffer payload) {}

                void example() throws Exception {
            %s
                }
            }
            """;

    record Example(Path file, int line, String code) {
        String name() {
            return file.getFileName().toString().replaceAll("\\W", "_") + "_line" + line;
        }
    }

    static List<Example> examples(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (var docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
        }
        List<Example> found = new ArrayList<>();
        for (Path f : files) {
            String text = Files.readString(f);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).lines().count() + 1;
                String indent = m.group(1);
                StringBuilder code = new StringBuilder();
                for (String l : m.group(2).split("\n", -1)) {
                    code.append(l.startsWith(indent) ? l.substring(indent.length()) : l).append('\n');
                }
                found.add(new Example(f, line, code.toString()));
            }
        }
        return found;
    }

    @Test
    void everyJavaExampleInTheReadmeAndDocsCompiles(@TempDir Path out) throws Exception {
        Path root = repositoryRoot();
        List<Example> examples = examples(root);
        assertThat(examples).as("java blocks found").hasSizeGreaterThanOrEqualTo(6);
        assertThat(examples.stream().filter(e -> e.file().getFileName().toString().equals("README.md"))
                .map(Example::code).toList()).as("the README shows messages and the server")
                .anySatisfy(c -> assertThat(c).contains("MessageWriter.of", "MessageReader.of"))
                .anySatisfy(c -> assertThat(c).contains("FifoServer.bind", "FifoClient"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> failures = new ArrayList<>();
        for (Example e : examples) {
            if (e.file().getFileName().toString().equals("README.md")) {
                continue; // whole programs: run below
            }
            String source = HEADER.formatted(e.name(), e.code());
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + e.name() + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            boolean ok = javac.getTask(null, null, diagnostics,
                    List.of("-d", out.toString(), "-proc:none", "-classpath", System.getProperty("java.class.path")),
                    null, List.of(file)).call();
            if (!ok) {
                StringBuilder b = new StringBuilder(root.relativize(e.file()) + ", block at line " + e.line() + ":\n");
                long before = HEADER.lines().takeWhile(l -> !l.startsWith("%s")).count();
                diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                        .forEach(d -> b.append("  ").append(d.getMessage(null))
                                .append(" (example line ").append(d.getLineNumber() - before).append(")\n"));
                failures.add(b.toString());
            }
        }
        assertThat(failures).as("examples that do not compile").isEmpty();
    }

    @Test
    void everyReadmeExampleIsAWholeProgramThatRunsAsItIsAndPrintsWhatItSays(@TempDir Path dir) throws Exception {
        Path root = repositoryRoot();
        List<Example> programs = examples(root).stream()
                .filter(e -> e.file().getFileName().toString().equals("README.md")).toList();
        assertThat(programs).as("java blocks in the README").hasSizeGreaterThanOrEqualTo(5);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Example e : programs) {
            String where = "README.md, block at line " + e.line();
            assertThat(e.code()).as(where + ": a whole program").contains("void main(").containsPattern("(?m)^import ");
            // as a reader runs it: saved as a file of its own, launched by java from its source
            Path file = Files.createDirectories(dir.resolve(e.name())).resolve("Example.java");
            Files.writeString(file, e.code());
            Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), file.getFileName().toString())
                    .directory(file.getParent().toFile()).start();
            var r = CliProcess.finish(p, new byte[0], 90);
            assertThat(r.exit()).as(where + ": " + r.stderr()).isZero();
            assertThat(r.stderr()).as(where).isEmpty();
            assertThat(r.out()).as(where + ": what its // prints: comment says").isEqualTo(printed(e.code()));
        }
    }

    /** The lines of the {@code // prints:} comment that ends a program, each with its newline. */
    static String printed(String code) {
        List<String> lines = code.lines().toList();
        int at = lines.indexOf("// prints:");
        assertThat(at).as("a // prints: comment in\n" + code).isNotNegative();
        StringBuilder b = new StringBuilder();
        for (String l : lines.subList(at + 1, lines.size())) {
            if (l.startsWith("// ")) {
                b.append(l.substring(3)).append('\n');
            }
        }
        return b.toString();
    }

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("README.md"))) {
            p = p.getParent();
        }
        assertThat(p).as("README.md above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }
}
