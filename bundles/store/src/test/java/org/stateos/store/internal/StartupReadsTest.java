package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.store.PutOptions;
import org.stateos.store.Retention;
import org.stateos.store.RetentionClass;
import org.stateos.store.StoreStats;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.internal.log.FileBlockDevice;
import org.stateos.store.internal.log.LogConfig;
import org.stateos.store.internal.log.LogStructuredLog;
import org.stateos.testsupport.EphemeralIdentity;

/**
 * Start-up cost after a crash is bounded by the checkpoint interval: the unit store's per-unit state (retention,
 * sizes, last use, time index) comes from the engine's checkpoint, and only the log written after it is read.
 * Counted in records read, not in time.
 */
class StartupReadsTest {
    private static final int UNITS = 400;
    private static final int TAIL_UNITS = 5;

    @TempDir
    Path dir;

    private record Startup(long replayed, long deviceReads, long units, long dvrUnits, long indexEntries,
                           long touchedLastAccess) {
    }

    @Test
    void aRestartAfterACheckpointReadsTheTailOnlyAndKeepsRetentionSizesAndLastUse() throws Exception {
        Startup s = crashAndRestart(RecordKinds.INLINE);
        assertEquals(2L * TAIL_UNITS, s.replayed(), "replayed: the unit and metadata records of the tail's puts");
        assertEquals(0, s.deviceReads(), "no record read per unit at start-up");
        assertEquals(UNITS + TAIL_UNITS, s.units());
        assertEquals(UNITS + TAIL_UNITS, s.dvrUnits(), "retention class from the checkpoint");
        assertEquals(UNITS, s.indexEntries());
        assertEquals(T_TOUCH, s.touchedLastAccess(), "last use rides in the checkpoint");
    }

    @Test
    void withoutInlineKindsStartupReadsARecordPerUnit() throws Exception {
        // The contrast that shows the count above measures something: the old start-up read every metadata record.
        Startup s = crashAndRestart(Set.of());
        assertTrue(s.deviceReads() >= 2L * UNITS, "reads " + s.deviceReads());
        assertEquals(T0, s.touchedLastAccess(), "without hints, last use falls back to creation time");
    }

    private static final long T0 = 1_700_000_000_000L;
    private static final long T_TOUCH = T0 + 3_600_000;

    private Startup crashAndRestart(Set<Byte> inline) throws Exception {
        Path img = dir.resolve("store-" + inline.size() + ".img");
        LogConfig cfg = LogConfig.defaults().withMaxValueBytes(256 * 1024).withSegmentBytes(4 << 20).withInlineKinds(inline);
        AtomicLong now = new AtomicLong(T0);
        EphemeralIdentity me = new EphemeralIdentity();
        PutOptions dvr = PutOptions.of(Retention.dvr(java.time.Duration.ofHours(2)));
        List<UnitId> ids = new ArrayList<>();
        FileBlockDevice device = FileBlockDevice.open(img, 64L << 20);
        LogStructuredLog.format(device, cfg, false);
        LogStructuredLog log = LogStructuredLog.open(device, cfg);
        StoreCore core = open(log, me, now);
        for (int i = 0; i < UNITS; i++) {
            UnitId id = core.put(Unit.of("test/unit", ("unit " + i).getBytes()), dvr).toCompletableFuture().join();
            ids.add(id);
            core.timeIndex().add("cam", i * 1000L, (i + 1) * 1000L, id).toCompletableFuture().join();
        }
        now.set(T_TOUCH);
        core.get(ids.get(7)).toCompletableFuture().join(); // a use after creation: eviction should remember it
        log.checkpoint().join();
        for (int i = 0; i < TAIL_UNITS; i++) {
            core.put(Unit.of("test/unit", ("tail " + i).getBytes()), dvr).toCompletableFuture().join();
        }
        log.crashForTesting(); // no checkpoint at close: the tail must be replayed

        LogStructuredLog again = LogStructuredLog.open(FileBlockDevice.open(img, 0), cfg);
        try {
            long replayed = again.stats().lastRecoveryRecords();
            StoreCore reopened = open(again, me, now);
            StoreStats st = reopened.stats();
            return new Startup(replayed, again.deviceRecordReads(), st.units(),
                    st.classes().get(RetentionClass.DVR).units(), reopened.timeIndex().size(),
                    reopened.lastAccess(ids.get(7)));
        } finally {
            again.close();
        }
    }

    private static StoreCore open(LogStructuredLog log, EphemeralIdentity me, AtomicLong now) {
        return StoreCore.open(log, StoreSettings.defaults(), me, () -> null, now::get,
                new DeviceInfo("test", true, 64L << 20), new HeadListeners());
    }
}
