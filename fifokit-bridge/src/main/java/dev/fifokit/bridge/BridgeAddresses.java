package dev.fifokit.bridge;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The address table: every kind of address a bridge understands, each one entry
 * ({@link AddressKind}: keyword, syntax, parse, open). Immutable; {@link #with(AddressKind)}
 * returns a table with one more entry, which is how a module that is not this one adds a kind:
 *
 * <pre>{@code
 * BridgeAddresses table = BridgeAddresses.standard().with(myKind);
 * try (Bridge b = table.open(table.parse("fifo:/run/in.fifo"), table.parse("my:thing"),
 *         BridgeOptions.defaults().format(BridgeFormat.MESG)).start()) {
 *     b.await();
 * }
 * }</pre>
 */
public final class BridgeAddresses {
    private static final BridgeAddresses STANDARD = new BridgeAddresses(List.of(BuiltInKind.values()));

    private final List<AddressKind> kinds;

    private BridgeAddresses(List<AddressKind> kinds) {
        this.kinds = Collections.unmodifiableList(kinds);
    }

    /** {@return the built-in kinds: fifo, -, tcp, tcp-listen, unix, unix-listen} */
    public static BridgeAddresses standard() {
        return STANDARD;
    }

    /**
     * This table and one more kind.
     *
     * @param kind the new entry
     * @return a new table
     * @throws IllegalArgumentException a kind with the same keyword is already in the table
     */
    public BridgeAddresses with(AddressKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (find(kind.keyword()) != null) {
            throw new IllegalArgumentException("an address kind '" + kind.keyword() + "' is already in the table");
        }
        List<AddressKind> more = new ArrayList<>(kinds);
        more.add(kind);
        return new BridgeAddresses(more);
    }

    /** {@return the entries, in the order they were added} */
    public List<AddressKind> kinds() {
        return kinds;
    }

    /** {@return every kind's syntax, comma-separated, for help and errors} */
    public String syntaxes() {
        return kinds.stream().map(AddressKind::syntax).collect(Collectors.joining(", "));
    }

    /**
     * Parses an address: the text before the first colon (any case) picks the kind, which parses
     * the whole text; {@code -} alone is the standard streams.
     *
     * @param text the address as written
     * @return the address
     * @throws IllegalArgumentException no kind has that keyword, or the kind refuses the text;
     *         the message starts with the text
     */
    public BridgeAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf(':');
        String keyword = colon < 0 ? text : text.substring(0, colon);
        AddressKind kind = find(keyword);
        if (kind == null || colon < 0 && !keyword.equals("-")) {
            if (colon < 0) {
                throw new IllegalArgumentException(text + ": not an address (expected " + syntaxes() + ")");
            }
            throw new IllegalArgumentException(text + ": unknown address type '" + keyword.toLowerCase(Locale.ROOT)
                    + "' (expected " + kinds.stream().map(AddressKind::keyword).collect(Collectors.joining(", ")) + ")");
        }
        try {
            return kind.parse(text);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(text + ":")) {
                throw e;
            }
            throw new IllegalArgumentException(text + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes (does not start) the bridge between two addresses: the kind of the end that is not
     * local opens it, or the source's kind when both are local.
     *
     * @param from where data comes from
     * @param to where data goes
     * @param options how it runs
     * @return the bridge, not started
     * @throws IllegalArgumentException neither end is local, or the kind refuses the pair
     */
    public Bridge open(BridgeAddress from, BridgeAddress to, BridgeOptions options) {
        if (!from.isLocal() && !to.isLocal()) {
            throw new IllegalArgumentException(from + " " + to + ": one end must be local (" + localSyntaxes() + ")");
        }
        AddressKind opener = !to.isLocal() ? to.kind() : from.kind();
        return opener.open(from, to, options);
    }

    private String localSyntaxes() {
        return kinds.stream().filter(k -> k.role() == AddressKind.Role.LOCAL).map(AddressKind::syntax)
                .collect(Collectors.joining(" or "));
    }

    private AddressKind find(String keyword) {
        for (AddressKind k : kinds) {
            if (k.keyword().equalsIgnoreCase(keyword)) {
                return k;
            }
        }
        return null;
    }
}
