package dev.fifokit.cli;

import picocli.CommandLine;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers the command lines whose output is known before anything runs, without building the
 * picocli command tree: building it reads the annotations of every command, which is most of
 * the start-up of {@code fifokit --help} or {@code fifokit completion bash}. They are
 * {@code --version}, the help of fifokit and of each command ({@code --help}, {@code -h},
 * {@code help [COMMAND]}) and {@code completion bash|zsh|fish}.
 *
 * <p>The help texts and the completion scripts are rendered by picocli from the command tree
 * when the jar is built ({@link #main}, run by the build after compiling), in both forms picocli
 * prints help in: plain, and with ANSI styles (on a terminal, unless NO_COLOR and the like say
 * otherwise: picocli decides, as it would). A test checks that every answer is, byte for byte,
 * what the tree prints. A command line not listed here, or a jar built without the rendered
 * texts (an IDE's build), takes the tree as before.
 */
final class Prerendered {
    private Prerendered() {}

    /** The resources' folder, beside this class. */
    private static final String FOLDER = "prerendered/";
    private static final String INDEX = "index.txt";

    /**
     * Answers {@code args} when it is one of the command lines above.
     *
     * @return the exit code, or -1 when the command tree must run {@code args}
     */
    static int answer(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            PrintWriter out = stdout();
            for (String line : new VersionProvider().getVersion()) {
                out.println(line);
            }
            out.flush();
            return ExitCodes.OK;
        }
        if (args.length > 0 && args[0].equals("completion")) {
            int code = CompletionCommand.answer(args);
            if (code >= 0) {
                return code;
            }
        }
        if (args.length == 0 || args.length > 2 || System.getProperty("picocli.usage.width") != null) {
            return -1;
        }
        String file = index().get(String.join(" ", args));
        if (file == null) {
            return -1;
        }
        String text = resource(file + (CommandLine.Help.Ansi.AUTO.enabled() ? ".ansi" : ".txt"));
        if (text == null) {
            return -1;
        }
        PrintWriter out = stdout();
        out.print(text);
        out.flush();
        return ExitCodes.OK;
    }

    /** A resource of the jar made at build time, or null when there is none. */
    static String resource(String name) {
        try (InputStream in = Prerendered.class.getResourceAsStream(FOLDER + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** The command lines answered from help texts, each with its texts' file name. */
    private static Map<String, String> index() {
        Map<String, String> files = new LinkedHashMap<>();
        String text = resource(INDEX);
        if (text != null) {
            for (String line : text.split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    files.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        }
        return files;
    }

    /** Standard output as picocli writes help on it: its charset, flushed at each line. */
    private static PrintWriter stdout() {
        Charset charset = Charset.defaultCharset();
        String name = System.getProperty("sun.stdout.encoding");
        if (name != null) {
            try {
                charset = Charset.forName("cp65001".equalsIgnoreCase(name) ? "UTF-8" : name);
            } catch (RuntimeException unknown) {
                // picocli falls back to the default too
            }
        }
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, charset)), true);
    }

    /** The command lines whose output is rendered at build time. */
    static List<List<String>> helpCommandLines() {
        List<List<String>> lines = new ArrayList<>();
        lines.add(List.of("--help"));
        lines.add(List.of("-h"));
        lines.add(List.of("help"));
        for (String name : FifokitCommand.SUBCOMMANDS.keySet()) {
            lines.add(List.of(name, "--help"));
            lines.add(List.of(name, "-h"));
            lines.add(List.of("help", name));
        }
        return lines;
    }

    /**
     * Renders the help texts and the completion scripts into {@code args[0]} (the build's class
     * folder), with the command tree as it is compiled.
     */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]).resolve(Prerendered.class.getPackageName().replace('.', '/')).resolve(FOLDER);
        Files.createDirectories(dir);
        StringBuilder index = new StringBuilder();
        int n = 0;
        for (List<String> line : helpCommandLines()) {
            String file = "help" + n++;
            for (boolean ansi : new boolean[] {false, true}) {
                Files.writeString(dir.resolve(file + (ansi ? ".ansi" : ".txt")), render(line, ansi), StandardCharsets.UTF_8);
            }
            index.append(String.join(" ", line)).append('\t').append(file).append('\n');
        }
        Files.writeString(dir.resolve(INDEX), index, StandardCharsets.UTF_8);
        for (String kind : List.of("bash", "fish")) {
            Files.writeString(dir.resolve("completion." + kind), Completions.generate(kind, Main.commandLine()),
                    StandardCharsets.UTF_8);
        }
    }

    /** What the command tree prints for {@code line}, plain or with ANSI styles. */
    static String render(List<String> line, boolean ansi) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String before = System.getProperty("picocli.ansi");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code;
        try {
            System.setProperty("picocli.ansi", Boolean.toString(ansi));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            code = Main.runTree(line.toArray(String[]::new));
            System.out.flush();
        } finally {
            System.setOut(out);
            System.setErr(err);
            if (before == null) {
                System.clearProperty("picocli.ansi");
            } else {
                System.setProperty("picocli.ansi", before);
            }
        }
        if (code != ExitCodes.OK || errors.size() > 0) {
            throw new IllegalStateException("fifokit " + line + " exited " + code + ": " + errors);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
