package dev.koreexporter.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Reading the files a config names, and the wording of what went wrong (never their content). */
final class ConfigFiles {
    private ConfigFiles() {
    }

    static String read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("is a directory");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /** Null when {@code file} is a readable regular file, else why not, e.g. {@code cannot read "x": no such file}. */
    static String unreadable(Path file) {
        if (!Files.exists(file)) {
            return cannotRead(file, new NoSuchFileException(file.toString()));
        }
        if (Files.isDirectory(file)) {
            return cannotRead(file, new IOException("is a directory"));
        }
        if (!Files.isReadable(file)) {
            return cannotRead(file, new AccessDeniedException(file.toString()));
        }
        return null;
    }

    static String cannotRead(Path file, IOException e) {
        String why = switch (e) {
            case NoSuchFileException x -> "no such file";
            case AccessDeniedException x -> "permission denied";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
        return "cannot read \"" + file + "\": " + why;
    }

    /** Null unless group or others may read {@code file}; not POSIX (or not there): null. */
    static String groupOrOtherReadable(Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                return "\"" + file + "\" is readable by group or others (" + PosixFilePermissions.toString(perms)
                        + "), consider chmod 600";
            }
        } catch (UnsupportedOperationException | IOException e) {
            // Nothing to warn about where permissions are not POSIX or the file is gone (reported elsewhere).
        }
        return null;
    }
}
