package dev.fifokit.cli;

import dev.fifokit.FifoException;
import dev.fifokit.files.Fifo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fifokit mkfifo}: create FIFOs with an exact mode. */
@Command(name = "mkfifo", addMethodSubcommands = false, mixinStandardHelpOptions = true,
        description = {"Create FIFOs with exactly the given mode (the umask is not applied).",
                "An existing FIFO is an error unless -p; anything else at the path always is. A PATH that "
                        + "fails is reported and the others are still created; the exit status is then 1."})
final class MkfifoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--mode"}, paramLabel = "MODE", defaultValue = "0600",
            description = {"Permission bits, octal (0640) or symbolic as for chmod (u=rw,g=r, applied to 0666 as "
                    + "mkfifo(1) does; a clause without u, g, o or a leaves out the umask's bits) (default: "
                    + "${DEFAULT-VALUE})."})
    String mode;

    @Option(names = {"-p", "--parents"},
            description = "Create missing parent directories (0700) and accept an existing FIFO.")
    boolean parents;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "FIFOs to create.")
    List<Path> paths;

    @Override
    public Integer call() {
        int bits;
        try {
            bits = FileModes.parse(mode, FileModes::processUmask);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid mode '" + mode + "': " + e.getMessage());
        }
        int status = ExitCodes.OK;
        for (Path p : paths) {
            // as coreutils' mkfifo: a PATH that fails is reported, the others are still made
            try {
                if (parents) {
                    createParents(p.toAbsolutePath().getParent());
                    Fifo.createOrReuse(p, bits).keep().close();
                } else {
                    Fifo.create(p, bits).keep().close();
                }
            } catch (IOException | RuntimeException e) {
                Failures.report(e, System.err, FifokitCommand.isDebug(), spec);
                status = ExitCodes.FAILURE;
            }
        }
        return status;
    }

    private static void createParents(Path dir) throws FifoException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createParents(dir.getParent());
        try {
            Files.createDirectory(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new FifoException(dir, "exists and is not a directory");
            }
        } catch (java.nio.file.AccessDeniedException e) {
            throw new dev.fifokit.FifoAccessDeniedException(dir, "permission denied (create directory)");
        } catch (IOException e) {
            throw new FifoException(dir, "cannot create directory: " + e.getMessage(), e);
        }
    }
}
