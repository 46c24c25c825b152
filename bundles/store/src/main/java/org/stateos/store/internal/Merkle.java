package org.stateos.store.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

import org.stateos.store.BlobRef;
import org.stateos.store.CorruptUnitException;
import org.stateos.store.MalformedUnitException;
import org.stateos.store.StoreException;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitNotFoundException;
import org.stateos.store.UnitView;

/**
 * Large objects as Merkle trees of units.
 *
 * <ul>
 *   <li>Leaf: type {@value #LEAF}, no links, payload = up to {@code chunkBytes} of the object.</li>
 *   <li>Node: type {@value #NODE}, links = 2..fanout children in object order, payload = one varint per child:
 *       the bytes of the object beneath that child. A node's size is the sum.</li>
 * </ul>
 * An object of at most one chunk is a single leaf. A child may be a leaf or a node at any depth (the writer
 * lifts a lone last child instead of wrapping it), so readers go by type, not by level.
 */
final class Merkle {
    static final String LEAF = "stateos.blob.leaf";
    static final String NODE = "stateos.blob.node";
    static final int MAX_DEPTH = 16;
    /** Units written but not yet durable, at most: back-pressure on the input stream. */
    static final int MAX_IN_FLIGHT = 16;

    private Merkle() {}

    /**
     * Reads a unit by id, verified against it, as a view the stream closes once it has used it; throws
     * UnitNotFoundException or CorruptUnitException.
     */
    @FunctionalInterface
    interface Fetcher {
        UnitView fetch(UnitId id) throws IOException;
    }

    record Entry(UnitId id, long size) {}

    static Unit node(List<Entry> children) {
        Bytes.Out payload = new Bytes.Out(children.size() * 4);
        List<UnitId> links = new ArrayList<>(children.size());
        for (Entry e : children) {
            links.add(e.id());
            payload.varint(e.size());
        }
        return Unit.of(NODE, links, payload.toByteArray());
    }

    /** The children's sizes of a node, checked against its links. */
    static long[] childSizes(UnitId id, Unit node) throws MalformedUnitException {
        Bytes.In in = new Bytes.In(node.payloadBytes(), "blob node " + id.shortForm());
        int n = node.links().size();
        if (n == 0) {
            throw in.error("node without children");
        }
        long[] sizes = new long[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = in.varint(Long.MAX_VALUE / 2);
        }
        in.end();
        return sizes;
    }

    /**
     * Writes {@code in} as a tree through {@code put} (which completes when the unit is durable). Reads on the
     * calling thread, waits for the oldest put when {@value #MAX_IN_FLIGHT} are outstanding.
     */
    static CompletableFuture<BlobRef> write(InputStream in, int chunkBytes, int fanout,
                                            Function<Unit, CompletableFuture<UnitId>> put) {
        Deque<CompletableFuture<UnitId>> inFlight = new ArrayDeque<>();
        List<CompletableFuture<UnitId>> all = new ArrayList<>();
        List<List<Entry>> levels = new ArrayList<>();
        long total = 0;
        int leaves = 0;
        try {
            while (true) {
                byte[] chunk = in.readNBytes(chunkBytes);
                if (chunk.length == 0 && leaves > 0) {
                    break;
                }
                Unit leaf = Unit.of(LEAF, List.of(), chunk);
                submit(leaf, put, inFlight, all);
                push(levels, 0, new Entry(leaf.id(), chunk.length), fanout, put, inFlight, all);
                total += chunk.length;
                leaves++;
                if (chunk.length < chunkBytes) {
                    break;
                }
            }
            Entry root = null;
            for (int level = 0; level < levels.size(); level++) {
                List<Entry> entries = levels.get(level);
                boolean top = level == levels.size() - 1;
                if (top && entries.size() == 1) {
                    root = entries.get(0);
                    break;
                }
                if (entries.isEmpty()) {
                    continue;
                }
                Entry up;
                if (entries.size() == 1) {
                    up = entries.get(0);
                } else {
                    Unit node = node(entries);
                    submit(node, put, inFlight, all);
                    up = new Entry(node.id(), entries.stream().mapToLong(Entry::size).sum());
                }
                entries.clear();
                push(levels, level + 1, up, fanout, put, inFlight, all);
            }
            BlobRef ref = new BlobRef(root.id(), total, leaves);
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> ref);
        } catch (IOException | RuntimeException e) {
            Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(t);
        }
    }

    private static void push(List<List<Entry>> levels, int level, Entry e, int fanout,
                             Function<Unit, CompletableFuture<UnitId>> put,
                             Deque<CompletableFuture<UnitId>> inFlight, List<CompletableFuture<UnitId>> all) {
        while (levels.size() <= level) {
            levels.add(new ArrayList<>());
        }
        List<Entry> entries = levels.get(level);
        entries.add(e);
        if (entries.size() == fanout) {
            Unit node = node(entries);
            submit(node, put, inFlight, all);
            Entry up = new Entry(node.id(), entries.stream().mapToLong(Entry::size).sum());
            entries.clear();
            push(levels, level + 1, up, fanout, put, inFlight, all);
        }
    }

    private static void submit(Unit u, Function<Unit, CompletableFuture<UnitId>> put,
                               Deque<CompletableFuture<UnitId>> inFlight, List<CompletableFuture<UnitId>> all) {
        while (inFlight.size() >= MAX_IN_FLIGHT) {
            inFlight.removeFirst().join();   // throws CompletionException on the first failed put: stop reading
        }
        inFlight.removeIf(CompletableFuture::isDone);
        CompletableFuture<UnitId> f = put.apply(u);
        if (f.isCompletedExceptionally()) {
            f.join();
        }
        inFlight.addLast(f);
        all.add(f);
    }

    /**
     * Opens a verified stream over the object whose root is {@code root}. Leaves are read as views and copied once,
     * straight into the reader's array; the stream holds at most one (closing it gives it back).
     */
    static InputStream open(UnitId root, Fetcher fetcher) throws IOException {
        UnitView v = fetcher.fetch(root);
        if (!LEAF.equals(v.type()) && !NODE.equals(v.type())) {
            v.close();
            throw new StoreException("unit " + root + " is a " + v.type() + ", not a blob (" + LEAF + " or " + NODE + ")");
        }
        return new BlobStream(root, v, fetcher);
    }

    /** Depth-first over the tree, fetching and checking one unit at a time. */
    static final class BlobStream extends InputStream {
        private final UnitId root;
        private final Fetcher fetcher;
        private final Deque<Frame> stack = new ArrayDeque<>();
        private UnitView leafView;  // the current leaf, held until the stream moves past it or closes
        private ByteBuffer leaf;    // its payload, consumed as the stream is read
        private long offset;        // object bytes before the current leaf's start + consumed
        private long piece = -1;    // index of the current leaf
        private IOException failed;

        private static final class Frame {
            final List<UnitId> children;
            final long[] sizes;
            final long start;
            int next;
            long childStart;

            Frame(List<UnitId> children, long[] sizes, long start) {
                this.children = children;
                this.sizes = sizes;
                this.start = start;
                this.childStart = start;
            }
        }

        BlobStream(UnitId root, UnitView first, Fetcher fetcher) throws IOException {
            this.root = root;
            this.fetcher = fetcher;
            enter(first, -1, 0, 0);
        }

        /** Takes {@code v}: keeps it as the current leaf, or reads it as a node and closes it. */
        private void enter(UnitView v, long expectedSize, long start, int depth) throws IOException {
            boolean kept = false;
            try {
                if (LEAF.equals(v.type())) {
                    piece++;
                    if (expectedSize >= 0 && v.payloadSize() != expectedSize) {
                        throw fail(new CorruptUnitException(v.id(), where(start, expectedSize) + ": leaf " + v.id()
                                + " holds " + v.payloadSize() + " bytes, its parent says " + expectedSize));
                    }
                    if (!v.links().isEmpty()) {
                        throw fail(new CorruptUnitException(v.id(), where(start, v.payloadSize()) + ": leaf " + v.id() + " has links"));
                    }
                    leafView = v;
                    leaf = v.payload();
                    kept = true;
                    return;
                }
                if (!NODE.equals(v.type())) {
                    throw fail(new CorruptUnitException(v.id(), "tree node at byte " + start + " of blob " + root + ": unit "
                            + v.id() + " is a " + v.type()));
                }
                if (depth >= MAX_DEPTH) {
                    throw fail(new CorruptUnitException(v.id(), "blob " + root + " is deeper than " + MAX_DEPTH + " levels"));
                }
                long[] sizes;
                try {
                    sizes = childSizes(v.id(), v.toUnit());
                } catch (MalformedUnitException e) {
                    throw fail(new CorruptUnitException(v.id(), "tree node at byte " + start + " of blob " + root + ": " + e.getMessage(), e));
                }
                long sum = 0;
                for (long s : sizes) {
                    sum += s;
                }
                if (expectedSize >= 0 && sum != expectedSize) {
                    throw fail(new CorruptUnitException(v.id(), "tree node " + v.id() + " at byte " + start + " of blob " + root
                            + " covers " + sum + " bytes, its parent says " + expectedSize));
                }
                stack.push(new Frame(v.links(), sizes, start));
            } finally {
                if (!kept) {
                    v.close();
                }
            }
        }

        private String where(long start, long size) {
            return "piece " + piece + " (bytes " + start + ".." + (start + Math.max(size, 1) - 1) + ") of blob " + root;
        }

        private IOException fail(IOException e) {
            failed = e;
            return e;
        }

        /** Gives the current leaf's buffer back. */
        private void leaveLeaf() {
            leaf = null;
            if (leafView != null) {
                leafView.close();
                leafView = null;
            }
        }

        /** Moves to the next leaf; false at the end. */
        private boolean advance() throws IOException {
            leaveLeaf();
            while (!stack.isEmpty()) {
                Frame f = stack.peek();
                if (f.next == f.sizes.length) {
                    stack.pop();
                    continue;
                }
                int i = f.next++;
                UnitId child = f.children.get(i);
                long start = f.childStart;
                long size = f.sizes[i];
                f.childStart += size;
                UnitView v;
                try {
                    v = fetcher.fetch(child);
                } catch (CorruptUnitException e) {
                    throw fail(new CorruptUnitException(child, "piece " + (piece + 1) + " (bytes " + start + ".."
                            + (start + size - 1) + ") of blob " + root + ": " + e.getMessage(), e));
                } catch (UnitNotFoundException e) {
                    throw fail(new UnitNotFoundException(child, "piece " + (piece + 1) + " (bytes " + start + ".."
                            + (start + size - 1) + ") of blob " + root + ": unit " + child + " is not held here"));
                }
                enter(v, size, start, stack.size());
                if (leaf != null && leaf.hasRemaining()) {
                    return true;
                }
                leaveLeaf(); // an empty leaf
            }
            return false;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failed != null) {
                throw failed;
            }
            if (len == 0) {
                return 0;
            }
            if (leaf == null || !leaf.hasRemaining()) {
                if (!advance()) {
                    return -1;
                }
            }
            int n = Math.min(len, leaf.remaining());
            leaf.get(b, off, n);
            offset += n;
            return n;
        }

        /** Gives back the leaf it holds; a read after close fails. */
        @Override
        public void close() {
            leaveLeaf();
            stack.clear();
            if (failed == null) {
                failed = new IOException("blob stream of " + root + " is closed");
            }
        }

        long position() {
            return offset;
        }
    }
}
