package dev.koreexporter;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * An {@link Error} (out of memory, stack overflow) in a poller or the server ends the process (README "Reliability
 * and security"): after one, the JVM's state is not to be trusted, and a process that keeps serving {@code
 * /health/live} while a bot is no longer polled is worse than a restart, which the checkpoints make exact. The exit
 * code is 3 for an {@link OutOfMemoryError}, as the JVM's {@code -XX:+ExitOnOutOfMemoryError} (every launcher's)
 * exits, so that a supervisor sees one code for running out of memory however it was noticed; 1 for any other
 * Error. Logged once; later errors (often the same one in other threads) only exit.
 */
final class FatalErrors implements Consumer<Error> {
    private static final Logger LOG = Logger.getLogger(FatalErrors.class.getName());
    /** Exit code for running out of memory (README "Quick start"): the JVM's own for ExitOnOutOfMemoryError. */
    static final int OUT_OF_MEMORY = 3;
    /** Exit code for "anything else" (README "Quick start"). */
    static final int OTHER_ERROR = 1;

    private final IntConsumer exit;
    private final AtomicBoolean logged = new AtomicBoolean();

    /** @param exit ends the process; tests pass a fake */
    FatalErrors(IntConsumer exit) {
        this.exit = exit;
    }

    /**
     * {@code System.exit}, which runs the shutdown hook (checkpoints), from its own thread so the failing
     * thread is never the one waiting for the hook; the JVM is halted if the hook does not end in 10 s.
     */
    static FatalErrors exitingProcess() {
        return new FatalErrors(code -> {
            Thread.ofPlatform().name("fatal-exit").start(() -> System.exit(code));
            Thread.ofPlatform().name("fatal-halt").daemon(true).start(() -> {
                try {
                    TimeUnit.SECONDS.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(code);
            });
        });
    }

    @Override
    public void accept(Error e) {
        if (logged.compareAndSet(false, true)) {
            int code = exitCode(e);
            LOG.log(Level.SEVERE, "fatal " + e.getClass().getSimpleName() + " in thread "
                    + Thread.currentThread().getName() + ": exiting with code " + code
                    + " (the checkpoints keep counts exact across the restart)", e);
            exit.accept(code);
        }
    }

    /** 3 for running out of memory, 1 for anything else. */
    static int exitCode(Throwable e) {
        return e instanceof OutOfMemoryError ? OUT_OF_MEMORY : OTHER_ERROR;
    }

    /** Errors thrown out of any other thread (the server's included) end the process too. */
    void installAsDefaultHandler() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (e instanceof Error error) {
                accept(error);
            } else if (previous != null) {
                previous.uncaughtException(t, e);
            } else {
                LOG.log(Level.SEVERE, "uncaught in thread " + t.getName(), e);
            }
        });
    }
}
