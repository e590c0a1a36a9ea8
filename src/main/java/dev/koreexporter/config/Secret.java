package dev.koreexporter.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A secret value (client secret, password) that never prints itself. One read from a file ({@code *-secret-file})
 * knows the file, so that a rotated secret can be read again without a restart ({@link #reread}).
 */
public final class Secret {
    private final String value;
    private final Path file;

    public Secret(String value) {
        this(value, null);
    }

    private Secret(String value, Path file) {
        this.value = Objects.requireNonNull(value, "value");
        this.file = file;
    }

    /** A secret read from {@code file} (its content without the trailing newline). */
    static Secret fromFile(String value, Path file) {
        return new Secret(value, Objects.requireNonNull(file, "file"));
    }

    /** The secret as its file holds it once a trailing newline is dropped; empty when it holds nothing else. */
    static Optional<String> content(String fileText) {
        String value = fileText.replaceAll("[\\r\\n]+$", "");
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    /** The secret itself: call only where it is used (signing), never to log or format. */
    public String reveal() {
        return value;
    }

    /** Whether it was read from a file, so that reading the file again may find another secret. */
    public boolean fromFile() {
        return file != null;
    }

    /**
     * The secret as its file holds it now (README "Configuration": a rotated secret is picked up after Kore.ai
     * refuses the old one); this one when it was not read from a file, or when the file cannot be read or is empty
     * now. Never says why the file could not be read beyond that: the caller logs that it tried.
     */
    public Secret reread() {
        if (file == null) {
            return this;
        }
        try {
            return content(ConfigFiles.read(file)).map(v -> new Secret(v, file)).orElse(this);
        } catch (IOException e) {
            return this;
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "******";
    }
}
