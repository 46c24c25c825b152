package org.stateos.media.internal.record;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.media.internal.mp4.Mp4FormatException;
import org.stateos.media.internal.mp4.Mp4Verifier;
import org.stateos.store.IndexEntry;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitStore;

/**
 * Reads a recorded track back as one fragmented MP4: the init segment of the first fragment in range, then
 * the fragments in time order, each read from the store (verified against its id there), checked to be a
 * fragment of that same init segment and parsed ({@link Mp4Verifier}) before it is passed on. A fragment the
 * store no longer holds (evicted past the DVR window) is skipped; the output stops before a fragment with
 * another init segment (the codec setup changed: one file holds one setup).
 */
public final class DvrReader {
    private static final Logger LOG = LoggerFactory.getLogger(DvrReader.class);

    /** Where the bytes go; the returned stage completes when the sink can take more. */
    @FunctionalInterface
    public interface Sink {
        CompletionStage<Void> write(byte[] bytes);
    }

    /** What was written. */
    public record Result(int fragments, int skipped, long bytes, boolean setupChanged) {}

    private final UnitStore store;
    private final Executor reads;

    /** @param reads where the store reads (they block on the disk) and each step after one runs */
    public DvrReader(UnitStore store, Executor reads) {
        this.store = store;
        this.reads = reads;
    }

    /** The entries of {@code trackId} overlapping [from, to). */
    public List<IndexEntry> entries(String trackId, long from, long to) {
        return store.timeIndex().query(trackId, from, to);
    }

    public CompletionStage<Result> copy(List<IndexEntry> entries, Sink sink) {
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(new Result(0, 0, 0, false));
        }
        State s = new State(entries, sink);
        // The chain starts on `reads` too: started on the caller's thread, a first read that finished before its
        // continuation was attached ran that continuation (and the sink's first write) on the caller's thread
        // (RecordingTest saw it once in CI).
        return CompletableFuture.supplyAsync(() -> s.next(0), reads).thenCompose(f -> f)
                .thenApply(v -> new Result(s.fragments, s.skipped, s.bytes, s.setupChanged));
    }

    private CompletionStage<Optional<Unit>> read(UnitId id) {
        // The blocking read on `reads`, a thread of this download's own (not the store's get, which would hop to the
        // store's read threads and back); what follows runs there too, as a new task for every fragment.
        return CompletableFuture.supplyAsync(() -> {
            try {
                return store.read(id);
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, reads);
    }

    private final class State {
        final List<IndexEntry> entries;
        final Sink sink;
        UnitId init;
        int fragments;
        int skipped;
        long bytes;
        boolean setupChanged;

        State(List<IndexEntry> entries, Sink sink) {
            this.entries = entries;
            this.sink = sink;
        }

        CompletionStage<Void> next(int i) {
            if (i >= entries.size() || setupChanged) {
                return CompletableFuture.completedFuture(null);
            }
            IndexEntry e = entries.get(i);
            return read(e.unit()).thenCompose(u -> {
                if (u.isEmpty()) {
                    skipped++;
                    LOG.debug("fragment {} is no longer stored; skipped", e.unit());
                    return next(i + 1);
                }
                Unit frag = u.get();
                if (!frag.type().equals(CmafRecorder.FRAGMENT_TYPE) || frag.links().size() != 1) {
                    throw new IllegalStateException("index entry " + e.span() + " points at " + frag
                            + ", not a CMAF fragment");
                }
                byte[] body = frag.payloadBytes();
                check(() -> Mp4Verifier.fragment(body), frag);
                UnitId itsInit = frag.links().get(0);
                if (init == null) {
                    init = itsInit;
                    return read(itsInit).thenCompose(iu -> {
                        Unit initUnit = iu.orElseThrow(() -> new IllegalStateException(
                                "init segment " + itsInit + " of fragment " + frag.id() + " is not stored"));
                        byte[] ib = initUnit.payloadBytes();
                        check(() -> Mp4Verifier.init(ib), initUnit);
                        return write(ib).thenCompose(v -> write(body)).thenCompose(v -> {
                            fragments++;
                            return next(i + 1);
                        });
                    });
                }
                if (!init.equals(itsInit)) {
                    setupChanged = true;
                    return CompletableFuture.completedFuture(null);
                }
                return write(body).thenCompose(v -> {
                    fragments++;
                    return next(i + 1);
                });
            });
        }

        CompletionStage<Void> write(byte[] b) {
            bytes += b.length;
            return sink.write(b);
        }
    }

    private interface Check {
        void run() throws Mp4FormatException;
    }

    private static void check(Check c, Unit u) {
        try {
            c.run();
        } catch (Mp4FormatException e) {
            throw new IllegalStateException("stored unit " + u.id() + " is not a valid CMAF piece: " + e.getMessage(), e);
        }
    }
}
