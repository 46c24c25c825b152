package org.stateos.store;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A stored unit read without a copy: its canonical encoding stays in the memory it was read into (the store's
 * read buffer) until the view is closed. The bytes were checked as {@link UnitStore#get} checks them (the record's
 * CRC32C; with {@code verify.hash.on.read}, the hash) and the encoding parsed as {@link Unit#decode} parses it, so
 * only a well-formed unit is viewed.
 *
 * <p>Close it as soon as the bytes are used (hashed, parsed, copied into a socket's buffer): closing lends the
 * memory to the next read, after which {@link #payload()} and {@link #encoding()} refuse, and buffers taken from
 * them before may show another unit's bytes. Closing twice is harmless; a view that is never closed costs its
 * buffer, which the garbage collector reclaims.
 *
 * <p>Not thread-safe: one reader uses and closes it.
 */
public final class UnitView implements AutoCloseable {
    private final UnitId id;
    private final ByteBuffer encoding;
    private final Unit.Header header;
    private Runnable release;

    private UnitView(UnitId id, ByteBuffer encoding, Unit.Header header, Runnable release) {
        this.id = id;
        this.encoding = encoding;
        this.header = header;
        this.release = release;
    }

    /**
     * Views the remaining bytes of {@code encoding} as the unit stored under {@code id}, without a copy;
     * {@code release} runs once, on the first {@link #close()} (null: nothing to give back). Refuses what
     * {@link Unit#decode} refuses; the bytes are not hashed here (the id is the one they were stored under).
     */
    public static UnitView decode(UnitId id, ByteBuffer encoding, int maxBytes, Runnable release) throws MalformedUnitException {
        if (encoding.remaining() > maxBytes) {
            throw new MalformedUnitException("unit: " + encoding.remaining() + " bytes, more than the maximum " + maxBytes);
        }
        ByteBuffer e = encoding.slice().asReadOnlyBuffer();
        Unit.Header h = Unit.Header.read(new Wire.Reader(e, 0, e.limit(), "unit"));
        return new UnitView(id, e, h, release);
    }

    /** A view of a unit in memory (nothing to give back on close); its id is hashed if the unit has not yet. */
    public static UnitView of(Unit unit) {
        return of(unit.id(), unit);
    }

    /**
     * As {@link #of(Unit)}, for a caller that knows the unit's id already (a cache keyed by it): a 256 KiB unit read
     * from the device has not been hashed, and hashing it would cost more than the read.
     */
    public static UnitView of(UnitId id, Unit unit) {
        return new UnitView(id, unit.encoding(),
                new Unit.Header(unit.type(), unit.links(), unit.encodedSize() - unit.payloadSize()), null);
    }

    /** The id the unit was stored and read under. */
    public UnitId id() {
        return id;
    }

    public String type() {
        return header.type();
    }

    public List<UnitId> links() {
        return header.links();
    }

    public boolean isTombstone() {
        return Unit.TOMBSTONE.equals(header.type());
    }

    public int payloadSize() {
        return encoding.limit() - header.payloadOffset();
    }

    public int encodedSize() {
        return encoding.limit();
    }

    /** A read-only view of the payload; valid until {@link #close()}. */
    public ByteBuffer payload() {
        return open().slice(header.payloadOffset(), payloadSize());
    }

    /** A read-only view of the canonical encoding; valid until {@link #close()}. */
    public ByteBuffer encoding() {
        return open().duplicate();
    }

    /** The unit as a {@link Unit} of its own (one copy), to keep after the view is closed. */
    public Unit toUnit() {
        ByteBuffer e = open();
        byte[] b = new byte[e.limit()];
        e.get(0, b);
        return Unit.ofParsed(b, header);
    }

    private ByteBuffer open() {
        if (release == CLOSED) {
            throw new IllegalStateException("view of unit " + id.shortForm() + " is closed: its memory is lent to another read");
        }
        return encoding;
    }

    @Override
    public void close() {
        Runnable r = release;
        release = CLOSED;
        if (r != null && r != CLOSED) {
            r.run();
        }
    }

    private static final Runnable CLOSED = () -> { };

    @Override
    public String toString() {
        return "UnitView[" + id.shortForm() + " " + header.type() + ", " + header.links().size() + " links, " + payloadSize()
                + " bytes" + (release == CLOSED ? ", closed]" : "]");
    }
}
