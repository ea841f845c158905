package dev.fifokit.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.function.Consumer;

/**
 * Builds picocli command models in code, for the commands that a short command line takes
 * (the top command, {@code limits}, {@code cat}): reading picocli's annotations at run time
 * makes the JVM define a dynamic proxy class per annotation type, which the launcher's AOT cache
 * cannot hold, and was most of what {@code fifokit limits} spent beyond a JVM hello-world. A
 * model built here is the same model picocli would read from annotations (same usage help,
 * parsing and errors); the other commands keep their annotations.
 */
final class Models {
    private Models() {}

    /**
     * A command named {@code name} running {@code userObject}; its options and parameters are
     * added next, then {@link #withHelp}.
     */
    static CommandSpec command(Object userObject, String name, String[] description, String[] footer) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(userObject);
        spec.name(name);
        spec.setAddMethodSubcommands(false);
        spec.usageMessage().description(description).footer(footer);
        return spec;
    }

    /**
     * {@code spec} with {@code -h, --help} and {@code -V, --version} as
     * {@code mixinStandardHelpOptions = true} gives them, after the command's own options.
     */
    static CommandSpec withHelp(CommandSpec spec) {
        CommandSpec help = CommandSpec.create();
        help.addOption(OptionSpec.builder("-h", "--help").usageHelp(true)
                .descriptionKey("mixinStandardHelpOptions.help")
                .description("Show this help message and exit.").type(boolean.class).initialValue(false).build());
        help.addOption(OptionSpec.builder("-V", "--version").versionHelp(true)
                .descriptionKey("mixinStandardHelpOptions.version")
                .description("Print version information and exit.").type(boolean.class).initialValue(false).build());
        spec.addMixin("mixinStandardHelpOptions", help);
        return spec;
    }

    /** A flag (no value): {@code set} gets true when it is given, false before parsing. */
    static OptionSpec flag(Consumer<Boolean> set, String description, String... names) {
        Binding<Boolean> binding = new Binding<>(set, Boolean.class);
        return OptionSpec.builder(names).type(boolean.class).initialValue(false)
                .description(description).setter(binding).getter(binding).build();
    }

    /** An option with one value of {@code type}, null until it is given. */
    static <V> OptionSpec.Builder option(Class<V> type, Consumer<V> set, String paramLabel, String description,
                                         String... names) {
        Binding<V> binding = new Binding<>(set, type);
        return OptionSpec.builder(names).type(type).paramLabel(paramLabel).description(description)
                .setter(binding).getter(binding);
    }

    /** The positional parameter at {@code index}, null until it is given. */
    static <V> PositionalParamSpec.Builder positional(int index, Class<V> type, Consumer<V> set, String paramLabel,
                                                      String... description) {
        Binding<V> binding = new Binding<>(set, type);
        return PositionalParamSpec.builder().index(Integer.toString(index)).type(type).paramLabel(paramLabel)
                .description(description).setter(binding).getter(binding);
    }

    /** Passes each value to {@code set} and keeps it for picocli to read back, as a field would. */
    private static final class Binding<V> implements IGetter, ISetter {
        private final Consumer<V> set;
        private final Class<V> type;
        private V value;

        Binding(Consumer<V> set, Class<V> type) {
            this.set = set;
            this.type = type;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T newValue) {
            V old = value;
            value = type.cast(newValue);
            set.accept(value);
            return (T) old;
        }
    }

    /** {@code top}'s model: the {@code fifokit} command, without subcommands. */
    static CommandSpec top(FifokitCommand top) {
        CommandSpec spec = command(top, "fifokit", new String[] {FifokitCommand.DESCRIPTION},
                new String[] {"", FifokitCommand.EXIT_CODES});
        spec.versionProvider(new VersionProvider());
        Binding<Boolean> debug = new Binding<>(FifokitCommand::setDebug, Boolean.class);
        spec.addOption(OptionSpec.builder("--debug").type(boolean.class).initialValue(false)
                .scopeType(CommandLine.ScopeType.INHERIT).description("Print stack traces with errors.")
                .setter(debug).getter(debug).build());
        return withHelp(spec);
    }
}
