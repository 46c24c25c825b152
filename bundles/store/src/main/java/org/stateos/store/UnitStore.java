package org.stateos.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Immutable, content-addressed data units and signed object heads on this node's device.
 *
 * <p>Operations that do I/O return a {@link CompletionStage}; failures complete it exceptionally with a
 * {@link StoreException} subclass (wrapped in a {@code CompletionException} by dependent stages). Today reads
 * of the device complete on the store's read threads (a cache hit on the calling thread) and writes on the
 * engine's acknowledgement thread; callers must not rely on either.
 */
@org.osgi.annotation.versioning.ProviderType
public interface UnitStore {

    /**
     * Stores a unit; completes with its id once it is as durable as {@code options} asks. Putting a unit that is
     * already stored writes nothing (but may move it to a stronger retention class). Fails with
     * {@link UnitTooLargeException}, {@link StoreFullException}, {@link DurabilityUnavailableException}.
     */
    CompletionStage<UnitId> put(Unit unit, PutOptions options);

    default CompletionStage<UnitId> put(Unit unit) {
        return put(unit, PutOptions.DEFAULT);
    }

    /**
     * The unit, verified against its id; empty when this node does not hold it. A unit whose stored bytes fail
     * their checksum or do not hash to the id completes with {@link CorruptUnitException}: corrupt data is
     * reported, never returned.
     */
    CompletionStage<Optional<Unit>> get(UnitId id);

    /**
     * As {@link #get}, on the calling thread: blocks it on the device when the unit is not cached, and throws what
     * {@code get} would complete with. For callers on threads of their own that may block (a download's reader, a
     * replication worker), never for a Netty event loop: it saves {@code get}'s two thread hops, which cost more than
     * the copy and checksum of a 256 KiB unit (the store-bench README has the figures).
     */
    Optional<Unit> read(UnitId id) throws IOException;

    /**
     * As {@link #read}, without copying the unit out of the memory it was read into: for a reader that uses each
     * unit's bytes once and at once (sends, hashes or parses them) and closes the view. A unit in the cache is
     * viewed there; one read from the device is not put in the cache, so a reader streaming many units once does
     * not push out those others read again. A 256 KiB unit costs a CRC32C pass and no allocation of its size
     * ({@code read}: also a zeroed array and a copy). Empty when this node does not hold it; corrupt data throws
     * {@link CorruptUnitException}, as {@code read} does.
     */
    Optional<UnitView> readView(UnitId id) throws IOException;

    /**
     * {@link #readView} for callers that must not block (a Netty handler sending the bytes): the device read runs on
     * the store's read threads, as {@link #get}'s does, and the stage completes with the view there (a cached unit at
     * once, on the calling thread). The view is the caller's to close; one whose stage nobody takes is not given back,
     * its buffer left to the garbage collector.
     */
    CompletionStage<Optional<UnitView>> getView(UnitId id);

    CompletionStage<Boolean> has(UnitId id);

    /** Sets a stored unit's retention (e.g. unpins it); completes with false when the unit is not held. */
    CompletionStage<Boolean> retain(UnitId id, Retention retention);

    /**
     * Stores a large object as a Merkle tree of units (leaves of {@value #CHUNK_BYTES} bytes, interior nodes of
     * up to {@value #FANOUT} children). Reads {@code in} on the calling thread to its end (it does not close it);
     * completes when every unit is durable. A stream of at most one chunk is a single leaf unit.
     */
    CompletionStage<BlobRef> putStream(InputStream in, PutOptions options);

    /**
     * Reads a large object back, fetching and verifying one unit at a time as the stream is read. A piece that
     * is missing or corrupt fails the read at that piece with a {@link StoreException} naming the piece, its
     * byte range and its unit.
     */
    InputStream openStream(UnitId root) throws IOException;

    int CHUNK_BYTES = 256 * 1024;
    int FANOUT = 1024;

    /** The object's heads: none, one, or several when it has forks. Newest clock first. */
    List<SignedHead> heads(ObjectId object);

    /** Objects that have at least one head. */
    Set<ObjectId> objects();

    /**
     * Moves the object's head to {@code next} if its heads are exactly {@code expected} (empty for a new object;
     * several to merge forks). {@code next} must be stored already and must link to every expected unit.
     * Completes with {@link CasResult.Applied} once the new signed head is durable, or
     * {@link CasResult.Conflict} saying what the heads are now.
     */
    CompletionStage<CasResult> compareAndSetHeads(ObjectId object, Set<UnitId> expected, UnitId next);

    /** The usual case: one expected head, or {@code expected == null} for "the object has no head yet". */
    default CompletionStage<CasResult> compareAndSetHead(ObjectId object, UnitId expected, UnitId next) {
        return compareAndSetHeads(object, expected == null ? Set.of() : Set.of(expected), next);
    }

    /**
     * Deletes an object: stores a tombstone unit linking to {@code expected} and makes it the head by
     * compare-and-set. The history stays until eviction reclaims it.
     */
    CompletionStage<CasResult> delete(ObjectId object, Set<UnitId> expected);

    /**
     * Takes a head from a peer: verifies it ({@link HeadVerificationException} otherwise), merges its clock, then
     * supersedes the local heads it descends from, ignores it if it is an ancestor of a local head, or keeps it
     * beside them as a fork. Ancestry is found by walking links through the units held here, so fetch the
     * remote chain first: where a unit is missing, the store keeps a fork rather than guess.
     */
    CompletionStage<AcceptResult> acceptRemoteHead(SignedHead head);

    /** Listens to one object's head changes. */
    Registration addHeadListener(ObjectId object, HeadListener listener);

    /** Listens to every object's head changes. */
    Registration addHeadListener(HeadListener listener);

    TimeIndex timeIndex();

    StoreStats stats();

    /** A full verification of every unit, link, head and index entry. Reads the whole store: slow. */
    CompletionStage<FsckReport> fsck();

    /** The largest unit encoding accepted ({@code unit.max.bytes}). */
    int maxUnitBytes();
}
