package dev.fifokit.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Server options whose log lines are kept for assertions instead of going to System.Logger. */
final class Logs {
    private Logs() {}

    static ServerOptions quiet() {
        return ServerOptions.defaults().log(line -> { });
    }

    static ServerOptions into(List<String> lines) {
        return ServerOptions.defaults().log(lines::add);
    }

    static List<String> list() {
        return new CopyOnWriteArrayList<>();
    }
}
