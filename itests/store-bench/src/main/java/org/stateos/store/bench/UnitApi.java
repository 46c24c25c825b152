package org.stateos.store.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.stateos.store.PutOptions;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitView;
import org.stateos.store.internal.LogStructuredStore;
import org.stateos.store.internal.StoreCore;
import org.stateos.store.internal.StoreSettings;
import org.stateos.store.internal.log.LogConfig;
import org.stateos.store.internal.log.RecordLog;
import org.stateos.testsupport.EphemeralIdentity;

/**
 * The store's own service ({@code UnitStore}, as bundles use it) over the bench's engine: each put builds a
 * 256 KiB unit from payload bytes (one copy into its encoding) and the store hashes it for its id (SHA-256);
 * each get goes through the store's read threads, checks CRC32C and copies the unit out of the read buffer.
 * The unit cache is off (0 bytes), so every get reads the device as the engine figure does.
 */
final class UnitApi implements AutoCloseable {
    static final String TYPE = "bench.chunk";

    private final StoreCore store;
    private final int payloadBytes;

    UnitApi(RecordLog log, String device, boolean directIo, int unitBytes) throws GeneralSecurityException {
        StoreSettings settings = new StoreSettings(Unit.DEFAULT_MAX_BYTES, 0, Map.of(), 90, 80, 100_000, 60_000, false);
        this.store = StoreCore.open(log, settings, new EphemeralIdentity(), device, directIo);
        this.payloadBytes = payloadBytesFor(unitBytes);
    }

    /** The engine configured as the store's component configures it by default. */
    static LogConfig engineConfig() {
        return LogStructuredStore.logConfig(Unit.DEFAULT_MAX_BYTES, 256L << 20, 60);
    }

    /** The payload length whose unit encodes to exactly {@code unitBytes}. */
    static int payloadBytesFor(int unitBytes) {
        int withoutPayload = Unit.of(TYPE, new byte[0]).encodedSize() - 1; // less the 1-byte varint of length 0
        for (int p = unitBytes; p > 0; p--) {
            if (withoutPayload + varintSize(p) + p == unitBytes) {
                return p;
            }
        }
        throw new IllegalArgumentException("no payload encodes to " + unitBytes + " bytes");
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }

    /** A per-writer payload buffer; {@link #put} stamps a counter into it so every unit is distinct. */
    byte[] newPayload(byte[] randomBytes) {
        return java.util.Arrays.copyOf(randomBytes, payloadBytes);
    }

    /** Builds the unit, puts it durably (LOCAL), returns its id's bytes (the engine's key). */
    byte[] put(byte[] payload, long counter) {
        return store.put(unit(payload, counter), PutOptions.DEFAULT).toCompletableFuture().join().bytes();
    }

    /** A distinct unit per counter: the counter is stamped into the payload's first 8 bytes, then one copy. */
    static Unit unit(byte[] payload, long counter) {
        for (int i = 0; i < 8; i++) {
            payload[i] = (byte) (counter >>> (8 * i));
        }
        return Unit.of(TYPE, payload);
    }

    /** What a get through the service does with the bytes read: the unit decoded into its own array (one copy). */
    static int decode(java.nio.ByteBuffer encoding) {
        try {
            return Unit.decode(encoding, Unit.DEFAULT_MAX_BYTES).encodedSize();
        } catch (org.stateos.store.MalformedUnitException e) {
            throw new IllegalStateException("unit file does not decode: " + e.getMessage(), e);
        }
    }

    /** The unit's encoded size, read through the store's blocking read on this thread. */
    int read(byte[] id) {
        try {
            return store.read(UnitId.fromBytes(id)).orElseThrow(UnitApi::missing)
                    .encodedSize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unit's encoded size, viewed where the store read it (the view closed at once: its buffer goes back). */
    int view(byte[] id) {
        try (UnitView v = store.readView(UnitId.fromBytes(id))
                .orElseThrow(UnitApi::missing)) {
            return v.encodedSize();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unit's encoded size, read through the store's get. */
    int get(byte[] id) {
        Optional<Unit> u = store.get(UnitId.fromBytes(id)).toCompletableFuture().join();
        return u.orElseThrow(() -> new IllegalStateException("unit " + UnitId.fromBytes(id) + " not found")).encodedSize();
    }

    /**
     * Gets random units one after the other until {@code deadline}, each next get issued from the previous one's
     * completion (the store's read thread runs it: no thread of the caller's waits in between), as an asynchronous
     * server chains them: {@code UnitStore.get}, or with {@code views} {@code UnitStore.getView} (each view closed
     * once counted). Completes when the deadline has passed, or with the first error.
     */
    CompletableFuture<Void> chain(Supplier<byte[]> nextKey, long deadline, IntConsumer onUnit, boolean views) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        next(nextKey, deadline, onUnit, views, done);
        return done;
    }

    private void next(Supplier<byte[]> nextKey, long deadline, IntConsumer onUnit, boolean views, CompletableFuture<Void> done) {
        if (System.nanoTime() >= deadline) {
            done.complete(null);
            return;
        }
        // The unit cache is off, so a get never completes at once: the recursion below runs one level per read thread task.
        UnitId id = UnitId.fromBytes(nextKey.get());
        CompletionStage<Integer> size = views
                ? store.getView(id).thenApply(v -> {
                    try (UnitView view = v.orElseThrow(UnitApi::missing)) {
                        return view.encodedSize();
                    }
                })
                : store.get(id).thenApply(u -> u.orElseThrow(UnitApi::missing)
                        .encodedSize());
        size.whenComplete((n, e) -> {
            try {
                if (e != null) {
                    throw new IllegalStateException("get failed: " + e, e);
                }
                onUnit.accept(n);
            } catch (RuntimeException x) {
                done.completeExceptionally(x);
                return;
            }
            next(nextKey, deadline, onUnit, views, done);
        });
    }

    private static IllegalStateException missing() {
        return new IllegalStateException("a unit the bench put is missing");
    }

    @Override
    public void close() {
        store.close();
    }
}
