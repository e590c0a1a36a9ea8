package dev.koreexporter.poll;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * How the state dir's files are opened for writing: readable and writable by the exporter's user only (0600), from
 * the moment they exist (checkpoints hold the bots' record ids and times; docs/security.md); a file an earlier
 * version left with wider permissions is narrowed. On file systems without POSIX permissions, files get what the file
 * system gives.
 */
final class Modes {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private Modes() {
    }

    static FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return FileChannel.open(file, options);
        }
        FileChannel ch = FileChannel.open(file, options, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }
}
