package dev.koreexporter;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the daemon does on signals (README "Quick start", docs/reliability.md). SIGTERM or SIGINT: stop polling,
 * write the checkpoints, exit 0. Another SIGTERM or SIGINT while stopping is logged and ignored, as Prometheus
 * does: exiting then would drop the checkpoints being written (a supervisor that cannot wait sends SIGKILL,
 * which loses nothing either, README "Reliability and security"). SIGHUP is logged and ignored: there is no
 * configuration reload, and the JVM's default would end the process with code 129. The JVM's shutdown hook stays
 * as the fallback for other ways the process ends ({@code System.exit} after an {@link Error}): it stops once, or
 * waits for the stop already under way.
 */
final class Signals {
    private static final Logger LOG = Logger.getLogger(Signals.class.getName());

    private final FutureTask<Void> stop;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final IntConsumer exit;

    /** @param exit ends the process ({@code System::exit}; tests pass a fake) */
    Signals(Runnable stop, IntConsumer exit) {
        this.stop = new FutureTask<>(stop, null);
        this.exit = exit;
    }

    /** Installs the handlers of SIGTERM, SIGINT and SIGHUP and the shutdown hook. */
    static void onTermination(Runnable action) {
        Signals signals = new Signals(action, System::exit);
        Runtime.getRuntime().addShutdownHook(new Thread(signals::shuttingDown, "shutdown"));
        handle("TERM", signals::terminate);
        handle("INT", signals::terminate);
        handle("HUP", signals::hangUp);
    }

    private static void handle(String name, Consumer<String> handler) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> handler.accept("SIG" + name));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.fine(() -> "no handler for SIG" + name + ": " + e.getMessage());
        }
    }

    /** SIGTERM or SIGINT: the first stops and exits 0; one arriving while stopping is ignored. */
    void terminate(String signal) {
        if (!stopping.compareAndSet(false, true)) {
            LOG.warning(signal + " ignored: already stopping; the process exits once every checkpoint is written");
            return;
        }
        LOG.info(() -> signal + ": stopping");
        stop.run();
        Throwable failed = awaitStop();
        exit.accept(failed == null ? 0 : FatalErrors.exitCode(failed));
    }

    /** SIGHUP: logged and ignored. */
    void hangUp(String signal) {
        LOG.warning(signal + " ignored: kore-exporter has no configuration reload; restart it to apply a changed"
                + " configuration");
    }

    /** The JVM is exiting for another reason: stop once, or wait for the stop under way to finish. */
    void shuttingDown() {
        stopping.set(true);
        stop.run();
        awaitStop();
    }

    /** @return null once the stop has ended, or why it failed */
    private Throwable awaitStop() {
        try {
            stop.get();
            return null;
        } catch (ExecutionException e) {
            LOG.log(Level.SEVERE, "stopping failed", e.getCause());
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }
}
