package org.stateos.trust.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * A file's identity (inode), size and modification time: enough to notice that a jar was replaced or rewritten
 * between hashing and verifying it, without hashing it twice.
 */
record FileStamp(Object fileKey, long size, FileTime modified) {

    static FileStamp of(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new FileStamp(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
    }

    /** True when {@code file} still has this stamp; false when it changed or cannot be read. */
    boolean unchanged(Path file) {
        try {
            FileStamp now = of(file);
            return Objects.equals(fileKey, now.fileKey) && size == now.size && modified.equals(now.modified);
        } catch (IOException e) {
            return false;
        }
    }
}
