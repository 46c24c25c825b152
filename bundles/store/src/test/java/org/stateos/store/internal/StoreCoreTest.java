package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.stateos.store.AcceptResult;
import org.stateos.store.BlobRef;
import org.stateos.store.CasResult;
import org.stateos.store.CorruptUnitException;
import org.stateos.store.Durability;
import org.stateos.store.DurabilityUnavailableException;
import org.stateos.store.FsckReport;
import org.stateos.store.Head;
import org.stateos.store.HeadChange;
import org.stateos.store.HeadVerificationException;
import org.stateos.store.Hlc;
import org.stateos.store.ObjectId;
import org.stateos.store.PutOptions;
import org.stateos.store.Retention;
import org.stateos.store.RetentionClass;
import org.stateos.store.SignedHead;
import org.stateos.store.StoreClosedException;
import org.stateos.store.StoreFullException;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitTooLargeException;
import org.stateos.store.UnitView;
import org.stateos.testsupport.EphemeralIdentity;

class StoreCoreTest {
    private final MemoryRecordLog log = new MemoryRecordLog();
    private final EphemeralIdentity me = new EphemeralIdentity();
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final HeadListeners listeners = new HeadListeners();
    private StoreSettings settings = StoreSettings.defaults();
    private StoreCore store = open();

    private StoreCore open() {
        return StoreCore.open(log, settings, me, () -> null, now::get, new DeviceInfo("mem", false, 0), listeners);
    }

    private static <T> T join(CompletionStage<T> s) {
        return s.toCompletableFuture().join();
    }

    private static Throwable failure(CompletionStage<?> s) {
        CompletionException e = assertThrows(CompletionException.class, () -> s.toCompletableFuture().join());
        return StoreCore.unwrap(e);
    }

    private static Unit text(String s, UnitId... links) {
        return Unit.of("text/plain", List.of(links), s.getBytes(StandardCharsets.UTF_8));
    }

    private UnitId put(Unit u) {
        return join(store.put(u));
    }

    // ------------------------------------------------------------ units

    @Test
    void putThenGetReturnsTheVerifiedUnitAndSurvivesReopen() {
        Unit u = text("hello");
        assertEquals(u.id(), put(u));
        assertTrue(join(store.has(u.id())));
        assertEquals(u, join(store.get(u.id())).orElseThrow());
        StoreCore again = open();
        assertEquals(u, join(again.get(u.id())).orElseThrow());
        assertEquals(1, again.stats().units());
        assertTrue(join(again.get(UnitId.of(new byte[] {9}))).isEmpty());
    }

    @Test
    void secondPutOfSameUnitWritesNothing() {
        Unit u = text("same");
        put(u);
        int appends = log.appends;
        put(u);
        assertEquals(appends, log.appends);
    }

    @Test
    void getReportsCorruptBytesNeverReturnsThem() {
        settings = settings.withHashOnRead(true);
        Unit u = text("precious");
        put(u);
        StoreCore fresh = open();   // empty cache
        log.flip(RecordKinds.UNIT, u.id().bytes(), u.encodedSize() - 1);
        Throwable e = failure(fresh.get(u.id()));
        assertInstanceOf(CorruptUnitException.class, e);
        assertTrue(e.getMessage().contains("hash to"), e.getMessage());

        Unit v = text("other");
        put(v);
        StoreCore fresh2 = open();
        log.corruptCrc(RecordKinds.UNIT, v.id().bytes());
        Throwable c = failure(fresh2.get(v.id()));
        assertTrue(c.getMessage().contains("checksum"), c.getMessage());
        assertEquals(1, fresh2.stats().corruptReads());
    }

    @Test
    void withoutHashOnReadTheChecksumStillGuardsGetsAndFsckHashesEverything() {
        Unit v = text("other");
        put(v);
        log.corruptCrc(RecordKinds.UNIT, v.id().bytes());
        Throwable c = failure(open().get(v.id()));
        assertTrue(c.getMessage().contains("checksum"), c.getMessage());

        // Bytes changed behind a valid checksum (not what a device does; what a bug could): the get, trusting the
        // CRC, hands them out under the asked id, but the unit's own id says what they are, and fsck reports them.
        Unit u = text("precious");
        put(u);
        log.flip(RecordKinds.UNIT, u.id().bytes(), u.encodedSize() - 1);
        StoreCore fresh = open();
        Unit got = join(fresh.get(u.id())).orElseThrow();
        assertNotEquals(u.id(), got.id());
        assertEquals(List.of(u.id()), join(fresh.fsck()).badIds());
    }

    @Test
    void refusesTooLargeUnitsAndReplicatedDurabilityWithoutWriting() {
        settings = new StoreSettings(2048, 1 << 20, Map.of(), 90, 80, 1000, 60_000, false);
        store = open();
        assertInstanceOf(UnitTooLargeException.class, failure(store.put(Unit.of("a", new byte[4096]))));
        int before = log.appends;
        Throwable e = failure(store.put(text("x"), PutOptions.DEFAULT.with(Durability.replicated(3))));
        assertInstanceOf(DurabilityUnavailableException.class, e);
        assertTrue(e.getMessage().contains("needs the mesh"), e.getMessage());
        assertEquals(before, log.appends);
    }

    // ------------------------------------------------------------ large objects

    @Test
    void streamRoundTripsThroughAMerkleTree() throws IOException {
        byte[] data = new byte[3 * StoreCore.CHUNK_BYTES + 12345];
        new Random(1).nextBytes(data);
        BlobRef ref = join(store.putStream(new ByteArrayInputStream(data), PutOptions.DEFAULT));
        assertEquals(data.length, ref.size());
        assertEquals(4, ref.leaves());
        StoreCore fresh = open(); // nothing cached
        try (InputStream in = fresh.openStream(ref.root())) {
            assertArrayEquals(data, in.readAllBytes());
        }
        assertEquals(0, log.lentViews.get(), "every piece's read buffer given back");
        assertEquals(0, fresh.stats().cacheBytes(), "a download's pieces are read once: they do not fill the cache");
        InputStream partly = fresh.openStream(ref.root());
        assertEquals(10, partly.read(new byte[10]));
        assertEquals(1, log.lentViews.get(), "the stream holds the piece it is reading");
        partly.close();
        assertEquals(0, log.lentViews.get(), "closing the stream gives it back");
        assertThrows(IOException.class, partly::read);
        Unit root = join(store.get(ref.root())).orElseThrow();
        assertEquals(Merkle.NODE, root.type());
        assertEquals(4, root.links().size());
    }

    @Test
    void deepTreeWithSmallFanoutRoundTrips() throws IOException {
        byte[] data = new byte[10_000];
        new Random(2).nextBytes(data);
        List<Unit> written = new ArrayList<>();
        BlobRef ref = Merkle.write(new ByteArrayInputStream(data), 100, 3, u -> {
            written.add(u);
            return store.put(u).toCompletableFuture();
        }).join();
        assertEquals(100, ref.leaves());
        try (InputStream in = store.openStream(ref.root())) {
            assertArrayEquals(data, in.readAllBytes());
        }
        byte[] empty = new byte[0];
        BlobRef e = join(store.putStream(new ByteArrayInputStream(empty), PutOptions.DEFAULT));
        assertEquals(0, e.size());
        try (InputStream in = store.openStream(e.root())) {
            assertEquals(-1, in.read());
        }
    }

    @Test
    void corruptPieceFailsTheStreamAtThatPiece() throws IOException {
        byte[] data = new byte[3 * StoreCore.CHUNK_BYTES];
        new Random(3).nextBytes(data);
        BlobRef ref = join(store.putStream(new ByteArrayInputStream(data), PutOptions.DEFAULT));
        UnitId second = join(store.get(ref.root())).orElseThrow().links().get(1);
        StoreCore fresh = open();
        log.flip(RecordKinds.UNIT, second.bytes(), 1000);
        try (InputStream in = fresh.openStream(ref.root())) {
            byte[] first = in.readNBytes(StoreCore.CHUNK_BYTES);
            assertArrayEquals(java.util.Arrays.copyOf(data, StoreCore.CHUNK_BYTES), first);   // piece 0 is fine
            CorruptUnitException e = assertThrows(CorruptUnitException.class, () -> in.read(new byte[10]));
            assertEquals(second, e.unit());
            assertTrue(e.getMessage().contains("piece 1 (bytes 262144..524287)"), e.getMessage());
            assertThrows(CorruptUnitException.class, in::read);   // stays failed
        }
        assertEquals(0, log.lentViews.get(), "no read buffer kept by the failed stream");
    }

    // ------------------------------------------------------------ heads

    @Test
    void compareAndSetMovesTheHeadAndReportsConflicts() throws Exception {
        ObjectId doc = ObjectId.of("doc/1");
        UnitId v1 = put(text("v1"));
        CasResult r = join(store.compareAndSetHead(doc, null, v1));
        CasResult.Applied a = assertInstanceOf(CasResult.Applied.class, r);
        a.head().verify();
        assertEquals(me.nodeId(), a.head().writer());
        UnitId v2 = put(text("v2", v1));
        assertTrue(join(store.compareAndSetHead(doc, v1, v2)).applied());
        // A writer that still thinks v1 is the head is told the head is v2 now
        UnitId v2b = put(text("v2b", v1));
        CasResult.Conflict c = assertInstanceOf(CasResult.Conflict.class, join(store.compareAndSetHead(doc, v1, v2b)));
        assertEquals(v2, c.current().get(0).unit());
        // A new object expects no head
        assertFalse(join(store.compareAndSetHead(doc, null, v2b)).applied());
        // A unit that does not link to the head it replaces is refused
        UnitId stray = put(text("stray"));
        assertInstanceOf(IllegalArgumentException.class, failure(store.compareAndSetHead(doc, v2, stray)));
        // Heads survive a restart, clock keeps moving forward
        StoreCore again = open();
        assertEquals(v2, again.heads(doc).get(0).unit());
        assertEquals(Set.of(doc), again.objects());
    }

    @Test
    void clockIsMonotonicAcrossHeads() {
        ObjectId doc = ObjectId.of("clock");
        UnitId prev = put(text("0"));
        Hlc last = ((CasResult.Applied) join(store.compareAndSetHead(doc, null, prev))).head().clock();
        for (int i = 1; i < 20; i++) {
            if (i == 10) {
                now.addAndGet(-5000);   // the wall clock steps back
            }
            UnitId next = put(text(Integer.toString(i), prev));
            Hlc c = ((CasResult.Applied) join(store.compareAndSetHead(doc, prev, next))).head().clock();
            assertTrue(c.compareTo(last) > 0, c + " after " + last);
            last = c;
            prev = next;
        }
    }

    /** A peer node with its own store over the same units (units travel separately from heads). */
    private SignedHead remoteHead(EphemeralIdentity peer, ObjectId o, UnitId unit, long wall) throws Exception {
        return SignedHead.sign(new Head(o, unit, peer.nodeId(), new Hlc(wall, 0)), peer);
    }

    @Test
    void concurrentRemoteHeadIsKeptAsForkAndDescendantSupersedes() throws Exception {
        EphemeralIdentity peer = new EphemeralIdentity();
        ObjectId doc = ObjectId.of("doc/fork");
        UnitId base = put(text("base"));
        join(store.compareAndSetHead(doc, null, base));
        UnitId mine = put(text("mine", base));
        join(store.compareAndSetHead(doc, base, mine));
        UnitId theirs = put(text("theirs", base));   // fetched from the peer

        assertEquals(AcceptResult.FORKED, join(store.acceptRemoteHead(remoteHead(peer, doc, theirs, now.get()))));
        assertEquals(Set.of(mine, theirs), Set.copyOf(store.heads(doc).stream().map(SignedHead::unit).toList()));
        assertEquals(1, store.stats().forkedObjects());
        // an old head of theirs is stale; the same again is a duplicate
        assertEquals(AcceptResult.STALE, join(store.acceptRemoteHead(remoteHead(peer, doc, base, now.get()))));
        assertEquals(AcceptResult.DUPLICATE, join(store.acceptRemoteHead(remoteHead(peer, doc, theirs, now.get()))));
        // A plain CAS against one fork only conflicts; a merge that names both heads resolves it
        UnitId merge = put(text("merge", mine, theirs));
        assertFalse(join(store.compareAndSetHead(doc, mine, merge)).applied());
        assertTrue(join(store.compareAndSetHeads(doc, Set.of(mine, theirs), merge)).applied());
        assertEquals(List.of(merge), store.heads(doc).stream().map(SignedHead::unit).toList());
        // the peer, having seen the merge, writes on top of it: it supersedes ours
        UnitId after = put(text("after", merge));
        assertEquals(AcceptResult.ADVANCED, join(store.acceptRemoteHead(remoteHead(peer, doc, after, now.get() + 1))));
        assertEquals(List.of(after), store.heads(doc).stream().map(SignedHead::unit).toList());
        // forks survive a restart
        assertEquals(1, open().heads(doc).size());
    }

    @Test
    void remoteHeadWhoseChainIsNotHeldIsKeptAsFork() throws Exception {
        ObjectId doc = ObjectId.of("doc/unknown");
        UnitId mine = put(text("mine"));
        join(store.compareAndSetHead(doc, null, mine));
        UnitId unknown = text("not fetched yet", mine).id();
        assertEquals(AcceptResult.FORKED, join(store.acceptRemoteHead(remoteHead(new EphemeralIdentity(), doc, unknown, now.get()))));
        assertEquals(2, store.heads(doc).size());
    }

    @Test
    void refusesRemoteHeadsThatDoNotVerify() throws Exception {
        EphemeralIdentity peer = new EphemeralIdentity();
        EphemeralIdentity mallory = new EphemeralIdentity();
        ObjectId doc = ObjectId.of("doc/forged");
        UnitId u = put(text("u"));
        Head h = new Head(doc, u, peer.nodeId(), new Hlc(now.get(), 0));
        SignedHead forged = SignedHead.of(h, mallory.publicKey().getEncoded(), mallory.sign(SignedHead.signingInput(h)));
        assertInstanceOf(HeadVerificationException.class, failure(store.acceptRemoteHead(forged)));
        SignedHead good = SignedHead.sign(h, peer);
        byte[] sig = good.signature();
        sig[10] ^= 1;
        assertInstanceOf(HeadVerificationException.class,
                failure(store.acceptRemoteHead(SignedHead.of(h, good.publicKey(), sig))));
        assertTrue(store.heads(doc).isEmpty());
    }

    @Test
    void remoteClockIsMergedButNotFollowedFarIntoTheFuture() throws Exception {
        ObjectId doc = ObjectId.of("doc/clock");
        UnitId u = put(text("u"));
        long ahead = now.get() + 10_000;
        join(store.acceptRemoteHead(remoteHead(new EphemeralIdentity(), doc, u, ahead)));
        UnitId v = put(text("v", u));
        Hlc c = ((CasResult.Applied) join(store.compareAndSetHead(doc, u, v))).head().clock();
        assertTrue(c.wallMillis() >= ahead, "local head orders after the remote one it saw");
        ObjectId other = ObjectId.of("doc/far");
        UnitId w = put(text("w"));
        join(store.acceptRemoteHead(remoteHead(new EphemeralIdentity(), other, w, now.get() + 3_600_000)));
        UnitId x = put(text("x", w));
        Hlc d = ((CasResult.Applied) join(store.compareAndSetHead(other, w, x))).head().clock();
        assertTrue(d.wallMillis() <= now.get() + settings.maxClockSkewMillis(), d.toString());
    }

    /** Waits (up to 10 s) until {@code done} holds: listeners and the tombstone collector run on other threads. */
    private static void await(BooleanSupplier done, Supplier<String> what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    @Test
    void listenersSeeChangesInOrderAndAThrowingOneDoesNotBreakOthers() {
        ObjectId doc = ObjectId.of("doc/l");
        List<HeadChange> all = new CopyOnWriteArrayList<>();
        List<HeadChange> mineOnly = new CopyOnWriteArrayList<>();
        listeners.add(null, c -> { throw new IllegalStateException("boom"); });
        listeners.add(null, all::add);
        var reg = listeners.add(doc, mineOnly::add);
        UnitId a = put(text("a"));
        join(store.compareAndSetHead(doc, null, a));
        join(store.compareAndSetHead(ObjectId.of("other"), null, a));
        await(() -> all.size() == 2, () -> "2 changes, got " + all);
        assertEquals(1, mineOnly.size());
        assertEquals(HeadChange.Cause.LOCAL, mineOnly.get(0).cause());
        assertEquals(a, mineOnly.get(0).after().get(0).unit());
        reg.close();
        UnitId b = put(text("b", a));
        join(store.compareAndSetHead(doc, a, b));
        await(() -> all.size() == 3, () -> "3 changes, got " + all);
        assertEquals(1, mineOnly.size());
    }

    @Test
    void headOperationsOnOneObjectCompleteInOrderAndListenersSeeThemInOrder() {
        ObjectId doc = ObjectId.of("doc/order");
        UnitId a = put(text("a"));
        UnitId b = put(text("b", a));
        List<UnitId> seen = new CopyOnWriteArrayList<>();
        listeners.add(doc, c -> seen.add(c.after().get(0).unit()));
        log.hold();
        CompletableFuture<CasResult> first = store.compareAndSetHead(doc, null, a).toCompletableFuture();
        CompletableFuture<CasResult> second = store.compareAndSetHead(doc, a, b).toCompletableFuture();   // queued behind the first
        assertFalse(first.isDone());
        assertFalse(second.isDone());
        log.release();
        log.release();   // the second append is made only after the first completed
        assertTrue(first.join().applied());
        assertTrue(second.join().applied());
        await(() -> seen.size() == 2, () -> "2 changes, got " + seen);
        assertEquals(List.of(a, b), seen);
    }

    @Test
    void aBlockedListenerHoldsBackNoHeadChangeAndRunsOnTheListenerThread() throws Exception {
        ObjectId doc = ObjectId.of("doc/slow");
        UnitId a = put(text("a"));
        UnitId b = put(text("b", a));
        CountDownLatch release = new CountDownLatch(1);
        List<String> threads = new CopyOnWriteArrayList<>();
        List<UnitId> seen = new CopyOnWriteArrayList<>();
        listeners.add(doc, c -> {
            threads.add(Thread.currentThread().getName());
            seen.add(c.after().get(0).unit());
            try {
                release.await(20, TimeUnit.SECONDS); // a listener stuck on something of its own
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        // Both changes complete (durable, acknowledged) while the listener is still stuck on the first.
        CompletableFuture<CasResult> both = CompletableFuture.supplyAsync(() -> join(store.compareAndSetHead(doc, null, a)))
                .thenCompose(r -> store.compareAndSetHead(doc, a, b));
        assertTrue(both.get(5, TimeUnit.SECONDS).applied());
        assertEquals(b, store.heads(doc).get(0).unit());
        await(() -> seen.size() == 1, () -> "first change delivered");
        release.countDown();
        await(() -> seen.size() == 2, () -> "second change delivered");
        assertEquals(List.of(a, b), seen);
        assertEquals(List.of("stateos-store-head-listeners", "stateos-store-head-listeners"), threads);
    }

    @Test
    void theListenerQueueIsBoundedAndSlowListenersAreCounted() {
        try (HeadListeners bounded = new HeadListeners(2, 50)) {
            CountDownLatch release = new CountDownLatch(1);
            List<HeadChange> seen = new CopyOnWriteArrayList<>();
            bounded.add(null, c -> {
                seen.add(c);
                try {
                    release.await(20, TimeUnit.SECONDS);
                    Thread.sleep(60); // the fixture: a listener that is slow (over the 50 ms threshold) on every change
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ObjectId doc = ObjectId.of("doc/q");
            HeadChange change = new HeadChange(doc, List.of(), List.of(), HeadChange.Cause.LOCAL);
            bounded.fire(change);
            await(() -> seen.size() == 1, () -> "first change taken by the listener thread");
            for (int i = 0; i < 5; i++) {
                bounded.fire(change); // 2 wait in the queue, 3 do not fit; fire never blocks
            }
            assertEquals(3, bounded.dropped());
            release.countDown();
            await(() -> seen.size() == 3, () -> "the 2 queued changes delivered, got " + seen.size());
            await(() -> bounded.slowCalls() == 3, () -> "3 slow calls counted, got " + bounded.slowCalls());
            assertEquals(3, seen.size());
        }
    }

    @Test
    void readIsGetOnTheCallersThread() throws IOException {
        settings = settings.withHashOnRead(true);
        UnitId a = put(text("read me here"));
        store = open(); // a fresh store: nothing cached
        assertEquals(a, store.read(a).orElseThrow().id());
        assertEquals(Thread.currentThread().getName(), log.lastReadThread, "the device read ran on the caller's thread");
        log.lastReadThread = null;
        assertEquals(a, store.read(a).orElseThrow().id()); // cached now: no read at all
        assertEquals(null, log.lastReadThread);
        assertTrue(store.read(UnitId.of(new byte[] {9})).isEmpty());

        // corrupt bytes are thrown, as get completes with them: checksum, then hash
        Unit v = text("other");
        put(v);
        StoreCore fresh = open();
        log.corruptCrc(RecordKinds.UNIT, v.id().bytes());
        CorruptUnitException c = assertThrows(CorruptUnitException.class, () -> fresh.read(v.id()));
        assertTrue(c.getMessage().contains("checksum"), c.getMessage());
        Unit w = text("third");
        put(w);
        StoreCore fresh2 = open();
        log.flip(RecordKinds.UNIT, w.id().bytes(), w.encodedSize() - 1);
        CorruptUnitException h = assertThrows(CorruptUnitException.class, () -> fresh2.read(w.id()));
        assertTrue(h.getMessage().contains("hash to"), h.getMessage());

        store.close();
        assertThrows(StoreClosedException.class, () -> store.read(a));
    }

    @Test
    void readViewIsReadWithoutACopyAndGivesEveryBufferBack() throws IOException {
        UnitId link = put(text("linked"));
        Unit u = text("view me", link);
        UnitId a = put(u);
        store = open(); // a fresh store: nothing cached
        UnitView v = store.readView(a).orElseThrow();
        assertEquals(Thread.currentThread().getName(), log.lastReadThread, "the device read ran on the caller's thread");
        assertEquals(1, log.lentViews.get(), "the view holds the engine's buffer");
        assertEquals(a, v.id());
        assertEquals("text/plain", v.type());
        assertEquals(List.of(link), v.links());
        assertEquals(u.payload(), v.payload());
        assertEquals(u.encoding(), v.encoding());
        assertEquals(u, v.toUnit());
        v.close();
        v.close(); // harmless
        assertEquals(0, log.lentViews.get(), "closing gave the buffer back");
        IllegalStateException closed = assertThrows(IllegalStateException.class, v::payload);
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertThrows(IllegalStateException.class, v::encoding);

        // a view does not fill the cache: the next one reads the device again; a unit cached by read is viewed there
        log.lastReadThread = null;
        store.readView(a).orElseThrow().close();
        assertEquals(Thread.currentThread().getName(), log.lastReadThread);
        store.read(a);
        log.lastReadThread = null;
        try (UnitView cached = store.readView(a).orElseThrow()) {
            assertEquals(u.payload(), cached.payload());
        }
        assertEquals(null, log.lastReadThread, "served from the cache");
        assertTrue(store.readView(UnitId.of(new byte[] {9})).isEmpty());

        // corrupt bytes are thrown as read throws them (checksum, encoding, hash), and no buffer is kept
        Unit crc = text("bad checksum");
        Unit form = text("bad encoding");
        Unit hash = text("bad hash");
        put(crc);
        put(form);
        put(hash);
        settings = settings.withHashOnRead(true);
        StoreCore fresh = open();
        log.corruptCrc(RecordKinds.UNIT, crc.id().bytes());
        log.flip(RecordKinds.UNIT, form.id().bytes(), 0);
        log.flip(RecordKinds.UNIT, hash.id().bytes(), hash.encodedSize() - 1);
        assertTrue(assertThrows(CorruptUnitException.class, () -> fresh.readView(crc.id())).getMessage().contains("checksum"));
        assertTrue(assertThrows(CorruptUnitException.class, () -> fresh.readView(form.id())).getMessage().contains("do not decode"));
        assertTrue(assertThrows(CorruptUnitException.class, () -> fresh.readView(hash.id())).getMessage().contains("hash to"));
        assertEquals(3, fresh.stats().corruptReads());
        assertEquals(0, log.lentViews.get(), "a refused read gives its buffer back");

        store.close();
        assertThrows(StoreClosedException.class, () -> store.readView(a));
    }

    @Test
    void getViewReadsOnTheStoresReadThreadsAndTheViewIsTheCallersToClose() throws Exception {
        Unit u = text("viewed on a read thread");
        UnitId a = put(u);
        Unit bad = text("bad checksum");
        put(bad);
        store = open(); // nothing cached
        UnitView v = join(store.getView(a)).orElseThrow();
        assertTrue(log.lastReadThread.startsWith("stateos-store-read-"), log.lastReadThread);
        assertEquals(1, log.lentViews.get());
        assertEquals(u.payload(), v.payload());
        v.close();
        assertEquals(0, log.lentViews.get());
        assertTrue(join(store.getView(UnitId.of(new byte[] {9}))).isEmpty());
        log.corruptCrc(RecordKinds.UNIT, bad.id().bytes());
        assertInstanceOf(CorruptUnitException.class, failure(store.getView(bad.id())));
        assertEquals(0, log.lentViews.get(), "a refused read keeps no buffer");

        // a get cancelled while its read is under way: the store gives the view's buffer back itself
        CountDownLatch gate = new CountDownLatch(1);
        log.readGate = gate;
        log.lastReadThread = null;
        int lentBefore = log.viewsLentInAll.get();
        CompletableFuture<Optional<UnitView>> cancelled = store.getView(a).toCompletableFuture();
        await(() -> log.lastReadThread != null, () -> "the read started");
        assertTrue(cancelled.cancel(false));
        log.readGate = null;
        gate.countDown();
        await(() -> log.viewsLentInAll.get() == lentBefore + 1 && log.lentViews.get() == 0,
                () -> "the cancelled get's buffer given back: " + (log.viewsLentInAll.get() - lentBefore) + " lent, "
                        + log.lentViews.get() + " not given back");

        store.close();
        assertInstanceOf(StoreClosedException.class, failure(store.getView(a)));
    }

    @Test
    void getReadsTheDeviceOnTheStoresReadThreadsNotTheCallers() {
        UnitId a = put(text("read me"));
        store = open(); // a fresh store: nothing cached
        Unit u = join(store.get(a)).orElseThrow();
        assertEquals(a, u.id());
        assertTrue(log.lastReadThread.startsWith("stateos-store-read-"), log.lastReadThread);
        log.lastReadThread = null;
        join(store.get(a)); // cached now: no read at all
        assertEquals(null, log.lastReadThread);
        store.close();
        assertInstanceOf(StoreClosedException.class, failure(store.get(UnitId.of(new byte[1]))));
    }

    @Test
    void deleteMakesATombstoneTheHead() {
        ObjectId doc = ObjectId.of("doc/del");
        UnitId a = put(text("a"));
        join(store.compareAndSetHead(doc, null, a));
        CasResult.Applied r = assertInstanceOf(CasResult.Applied.class, join(store.delete(doc, Set.of(a))));
        Unit t = join(store.get(r.head().unit())).orElseThrow();
        assertTrue(t.isTombstone());
        assertEquals(List.of(a), t.links());
    }

    @Test
    void deletingAnObjectReleasesItsHistoryButNotWhatOtherHeadsOrTheTimeIndexReach() {
        ObjectId doc = ObjectId.of("doc/gc");
        ObjectId other = ObjectId.of("doc/keeps-shared");
        UnitId shared = put(text("shared"));
        UnitId indexed = put(text("a fragment the time index names"));
        UnitId v1 = put(text("v1", shared, indexed));
        UnitId v2 = put(text("v2", v1));
        UnitId w = put(text("w", shared));
        join(store.compareAndSetHead(doc, null, v1));
        join(store.compareAndSetHead(doc, v1, v2));
        join(store.compareAndSetHead(other, null, w));
        store.timeIndex().add("cam/video", 0, 1_000_000, indexed);
        long before = store.stats().unitBytes();

        CasResult.Applied r = assertInstanceOf(CasResult.Applied.class, join(store.delete(doc, Set.of(v2))));
        UnitId tombstone = r.head().unit();
        await(() -> !join(store.has(v1)) && !join(store.has(v2)), () -> "v1 and v2 released");
        assertFalse(log.contains(RecordKinds.UNIT, v1.bytes()));
        assertFalse(log.contains(RecordKinds.UNIT_META, v2.bytes()));
        assertTrue(join(store.has(shared)), "reachable from the other object's head");
        assertTrue(join(store.has(indexed)), "named by the time index");
        assertTrue(join(store.has(w)));
        assertTrue(join(store.has(tombstone)));
        assertEquals(tombstone, store.heads(doc).get(0).unit());
        assertEquals(2, store.tombstonedUnits());
        assertTrue(store.stats().unitBytes() < before, store.stats().unitBytes() + " < " + before);
    }

    @Test
    void aUnitPutAgainWhileTheCollectorReleasesItIsEitherSparedOrReleasedAndReplayAgrees() throws Exception {
        List<Runnable> manual = new CopyOnWriteArrayList<>(); // the test runs the collector itself, racing a put
        store = StoreCore.open(log, settings, me, () -> null, now::get, new DeviceInfo("mem", false, 0), listeners,
                manual::add);
        // A unit only deleted objects reach is garbage; a put that finishes before a pass does not save it, one
        // during the pass does. What must never happen: the store answering "held" while its log says "deleted"
        // (the re-write logged before the delete records), which a restart would reveal as a lost unit.
        Map<UnitId, Boolean> heldBeforeRestart = new java.util.HashMap<>();
        for (int i = 0; i < 200; i++) {
            ObjectId doc = ObjectId.of("doc/race-" + i);
            Unit u = text("raced " + i);
            UnitId v1 = put(u);
            join(store.compareAndSetHead(doc, null, v1));
            join(store.delete(doc, Set.of(v1)));
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Integer> collector = CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return store.collectTombstoned();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            CompletableFuture<UnitId> again = CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new CompletionException(e);
                }
                return join(store.put(u));
            });
            go.countDown();
            collector.join();
            assertEquals(v1, again.join());
            boolean held = join(store.has(v1));
            assertEquals(held, log.contains(RecordKinds.UNIT, v1.bytes()), "iteration " + i + ": memory and log agree");
            heldBeforeRestart.put(v1, held);
        }
        for (UnitId id : heldBeforeRestart.keySet()) { // later passes rightly take earlier garbage
            heldBeforeRestart.put(id, join(store.has(id)));
        }
        store.close();
        // replay, with the collection that an open requests held back (it would rightly take the garbage)
        store = StoreCore.open(log, settings, me, () -> null, now::get, new DeviceInfo("mem", false, 0), listeners,
                manual::add);
        for (Map.Entry<UnitId, Boolean> e : heldBeforeRestart.entrySet()) {
            assertEquals(e.getValue(), join(store.has(e.getKey())), e.getKey() + ": held before the restart = after");
        }
    }

    @Test
    void aTombstoneSurvivesARestartAndTheCollectionFinishesAfterIt() {
        ObjectId doc = ObjectId.of("doc/gc-restart");
        UnitId v1 = put(text("v1"));
        UnitId v2 = put(text("v2", v1));
        join(store.compareAndSetHead(doc, null, v1));
        join(store.compareAndSetHead(doc, v1, v2));
        List<Runnable> neverRun = new CopyOnWriteArrayList<>(); // the collector of this store never gets to run
        store = StoreCore.open(log, settings, me, () -> null, now::get, new DeviceInfo("mem", false, 0), listeners,
                neverRun::add);
        UnitId tombstone = ((CasResult.Applied) join(store.delete(doc, Set.of(v2)))).head().unit();
        assertFalse(neverRun.isEmpty(), "a collection was requested");
        assertTrue(join(store.has(v1)) && join(store.has(v2)), "not collected before the crash");
        store.close(); // "crash": the deleted history is still on the device

        store = open();
        assertEquals(tombstone, store.heads(doc).get(0).unit(), "the tombstone is still the head after the restart");
        await(() -> !join(store.has(v1)) && !join(store.has(v2)), () -> "v1 and v2 released after the restart");
        assertTrue(join(store.has(tombstone)));
    }

    // ------------------------------------------------------------ retention, eviction

    @Test
    void fullDeviceEvictsCacheUnitsFirstThenFailsClearlyWithoutDamage() {
        log.capacity(45_000);
        List<UnitId> cached = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cached.add(join(store.put(Unit.of("c", new byte[8000 + i]), PutOptions.of(Retention.CACHE))));
        }
        UnitId pinned = join(store.put(Unit.of("p", new byte[5000]), PutOptions.of(Retention.PINNED)));
        // Full: the new NORMAL unit pushes out CACHE units (least recently used first)
        now.addAndGet(1000);
        join(store.get(cached.get(0)));   // touched: most recently used
        UnitId n = put(Unit.of("n", new byte[10_000]));
        assertTrue(join(store.has(n)));
        assertTrue(join(store.has(pinned)));
        assertTrue(store.stats().evictedUnits() >= 1);
        assertTrue(join(store.has(cached.get(0))), "the recently used cache unit stays");
        // Nothing evictable left but normal (last copies) and pinned: a clear error, nothing lost
        for (UnitId c : cached) {
            join(store.retain(c, Retention.NORMAL));
        }
        Throwable e = failure(store.put(Unit.of("n", new byte[30_000])));
        assertInstanceOf(StoreFullException.class, e);
        assertTrue(e.getMessage().contains("nothing evictable"), e.getMessage());
        assertTrue(join(store.has(pinned)));
        assertTrue(join(store.has(n)));
        FsckReport r = join(store.fsck());
        assertTrue(r.clean(), r.toString());
    }

    @Test
    void pinnedQuotaRefusesAPinnedPutOverIt() {
        Map<RetentionClass, Long> q = new EnumMap<>(RetentionClass.class);
        q.put(RetentionClass.PINNED, 10_000L);
        settings = settings.withQuotas(q);
        store = open();
        join(store.put(Unit.of("p", new byte[6000]), PutOptions.of(Retention.PINNED)));
        Throwable e = failure(store.put(Unit.of("p", new byte[6001]), PutOptions.of(Retention.PINNED)));
        assertInstanceOf(StoreFullException.class, e);
        assertTrue(e.getMessage().contains("PINNED quota"), e.getMessage());
    }

    @Test
    void rePutMovesUnitToAStrongerClassOnly() {
        Unit u = text("x");
        join(store.put(u, PutOptions.of(Retention.CACHE)));
        join(store.put(u, PutOptions.of(Retention.PINNED)));
        assertEquals(1, store.stats().classes().get(RetentionClass.PINNED).units());
        join(store.put(u, PutOptions.of(Retention.CACHE)));
        assertEquals(1, store.stats().classes().get(RetentionClass.PINNED).units());
        assertEquals(RetentionClass.PINNED, open().stats().classes().entrySet().stream()
                .filter(e -> e.getValue().units() == 1).findFirst().orElseThrow().getKey());
    }

    // ------------------------------------------------------------ index, fsck

    @Test
    void timeIndexSurvivesReopen() {
        UnitId a = put(text("chunk a"));
        UnitId b = put(text("chunk b"));
        join(store.timeIndex().add("cam1/video", 0, 2_000_000, a));
        join(store.timeIndex().add("cam1/video", 2_000_000, 4_000_000, b));
        StoreCore again = open();
        assertEquals(List.of(a, b), again.timeIndex().query("cam1/video", 0, 10_000_000).stream()
                .map(org.stateos.store.IndexEntry::unit).toList());
        assertTrue(join(again.timeIndex().remove("cam1/video", 0, 2_000_000)));
        assertEquals(1, open().timeIndex().size());
    }

    @Test
    void fsckReportsBadIdsBadCrcsDanglingLinksAndBadHeads() {
        UnitId ok = put(text("ok"));
        UnitId bad = put(text("bad"));
        UnitId crc = put(text("crc"));
        UnitId missing = text("never stored").id();
        put(text("links to nothing", missing));
        join(store.compareAndSetHead(ObjectId.of("d"), null, ok));
        log.flip(RecordKinds.UNIT, bad.bytes(), 5);
        log.corruptCrc(RecordKinds.UNIT, crc.bytes());
        FsckReport r = join(store.fsck());
        assertEquals(List.of(bad), r.badIds());
        assertEquals(List.of(crc), r.badCrcs());
        assertEquals(1, r.danglingLinks().size());
        assertEquals(missing, r.danglingLinks().get(0).to());
        assertEquals(1, r.headsChecked());
        assertTrue(r.badHeads().isEmpty());
        assertFalse(r.clean());
    }
}
