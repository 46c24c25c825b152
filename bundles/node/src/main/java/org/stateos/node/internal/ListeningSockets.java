package org.stateos.node.internal;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads the sockets this process listens on from the kernel (Linux /proc); see {@link ProcNet} for the format. */
public final class ListeningSockets {
    private static final String[][] TABLES = {{"tcp", "tcp"}, {"tcp6", "tcp"}, {"udp", "udp"}, {"udp6", "udp"}};

    private ListeningSockets() {}

    /**
     * The listening sockets of the process whose /proc view is {@code proc} (normally "/proc"; tests pass a
     * fake tree). Where /proc is missing (not Linux) the list is empty; a table that is missing (IPv6 off)
     * is skipped.
     */
    public static List<String> read(Path proc) throws IOException {
        Set<Long> own = socketInodes(proc.resolve("self").resolve("fd"));
        if (own.isEmpty()) {
            return List.of();
        }
        List<ProcNet.Entry> entries = new ArrayList<>();
        for (String[] table : TABLES) {
            Path file = proc.resolve("net").resolve(table[0]);
            try {
                entries.addAll(ProcNet.parse(table[1], Files.readString(file), ByteOrder.nativeOrder()));
            } catch (NoSuchFileException e) {
                // e.g. no IPv6 in this kernel or namespace
            }
        }
        return ProcNet.display(ProcNet.listening(entries, own));
    }

    static Set<Long> socketInodes(Path fdDir) throws IOException {
        Set<Long> inodes = new HashSet<>();
        if (!Files.isDirectory(fdDir)) {
            return inodes;
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    long inode = ProcNet.socketInode(Files.readSymbolicLink(fd).toString());
                    if (inode > 0) {
                        inodes.add(inode);
                    }
                } catch (IOException e) {
                    // closed while we looked (the directory stream's own descriptor, for one)
                }
            }
        }
        return inodes;
    }
}
