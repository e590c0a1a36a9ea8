package dev.koreexporter;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Runs the shutdown action on SIGTERM/SIGINT and exits 0 (README, "Quick start"). A JVM shutdown hook alone would
 * exit 143 on SIGTERM; the hook stays as the fallback for other ways the JVM stops.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private Signals() {
    }

    static void onTermination(Runnable action) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                action.run();
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(once, "shutdown"));
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    once.run();
                    System.exit(0);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                LOG.fine(() -> "no handler for SIG" + name + ": " + e.getMessage());
            }
        }
    }
}
