package dev.fifokit.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's Javadoc as a reader of its javadoc jar meets it: every exported package of the
 * core, server and bridge modules has a description (a {@code package-info.java} with a doc
 * comment), and a document of the repository's {@code docs/} is a link to it, never a file
 * name the reader cannot follow.
 */
class PackageDocumentationTest {
    private static final List<String> MODULES = List.of("fifokit-core", "fifokit-server", "fifokit-bridge");
    private static final Pattern EXPORT = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");
    private static final Pattern DOC_MENTION = Pattern.compile("docs/[\\w-]+\\.md");

    @Test
    void everyExportedPackageHasADescription() throws IOException {
        Path root = DocumentationExamplesTest.repositoryRoot();
        List<String> packages = new ArrayList<>();
        for (String module : MODULES) {
            Path src = root.resolve(module).resolve("src/main/java");
            Matcher m = EXPORT.matcher(Files.readString(src.resolve("module-info.java")));
            while (m.find()) {
                packages.add(m.group(1));
                Path info = src.resolve(m.group(1).replace('.', '/')).resolve("package-info.java");
                assertThat(info).as(m.group(1)).isRegularFile();
                String text = Files.readString(info);
                assertThat(text).as(m.group(1)).containsPattern("(?s)/\\*\\*.{80,}\\*/\\s*package " + Pattern.quote(m.group(1)) + ";");
            }
        }
        assertThat(packages).contains("dev.fifokit", "dev.fifokit.ends", "dev.fifokit.files", "dev.fifokit.messages",
                "dev.fifokit.diagnostics", "dev.fifokit.spawn", "dev.fifokit.server", "dev.fifokit.bridge");
    }

    @Test
    void aDocumentIsNamedOnlyInsideALinkToIt() throws IOException {
        Path root = DocumentationExamplesTest.repositoryRoot();
        List<String> plain = new ArrayList<>();
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(root.resolve(module).resolve("src/main/java"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(f);
                    for (int i = 0; i < lines.size(); i++) {
                        Matcher m = DOC_MENTION.matcher(lines.get(i));
                        while (m.find()) {
                            String before = lines.get(i).substring(0, m.start());
                            boolean linked = before.endsWith("/blob/main/") || before.endsWith("\">");
                            Path doc = root.resolve(m.group());
                            if (!linked || !Files.isRegularFile(doc)) {
                                plain.add(root.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                            }
                        }
                    }
                }
            }
        }
        assertThat(plain).as("docs/*.md named as text, or a link to a document that is not there").isEmpty();
    }
}
