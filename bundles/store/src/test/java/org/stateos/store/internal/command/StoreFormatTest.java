package org.stateos.store.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.stateos.store.FsckReport;
import org.stateos.store.RetentionClass;
import org.stateos.store.StoreStats;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;

class StoreFormatTest {
    private static void fits(List<String> lines) {
        for (String l : lines) {
            assertTrue(l.length() <= 80, "over 80 columns: " + l);
            for (char c : l.toCharArray()) {
                assertTrue(c >= 0x20 && c != 0x7f, "control character in: " + l);
            }
        }
    }

    static StoreStats sample() {
        Map<RetentionClass, StoreStats.ClassUsage> classes = new EnumMap<>(RetentionClass.class);
        classes.put(RetentionClass.PINNED, new StoreStats.ClassUsage(3, 12_288, 0));
        classes.put(RetentionClass.NORMAL, new StoreStats.ClassUsage(1_204, 310_378_496L, 0));
        classes.put(RetentionClass.DVR, new StoreStats.ClassUsage(1_900, 498_073_600L, 512L << 20));
        classes.put(RetentionClass.CACHE, new StoreStats.ClassUsage(40, 10_485_760, 256L << 20));
        return new StoreStats("/opt/esr/data/store/store.img", true, 1L << 30, 3_147, 818_950_144L, classes, 12, 1, 2,
                1_900, 9_120, 311, 50_331_648, 27, 7_077_888, 0,
                Map.ofEntries(Map.entry("ioMode", "direct (O_DIRECT, 4096-byte alignment)"),
                        Map.entry("segmentsTotal", "16"), Map.entry("segmentsFree", "3"), Map.entry("corruptRecords", "0"),
                        Map.entry("forces", "8812"), Map.entry("meanBatchRecords", "6.4"),
                        Map.entry("lastRecoveryRecords", "1022"), Map.entry("lastRecoveryMillis", "41"),
                        Map.entry("checkpointPosition", "segment 12 offset 4096"), Map.entry("threadPolicy", "SCHED_FIFO 5")));
    }

    @Test
    void statsTableFits80Columns() {
        List<String> t = StoreFormat.stats(sample());
        fits(t);
        assertEquals("Device     /opt/esr/data/store/store.img", t.get(0));
        assertEquals("I/O        direct (O_DIRECT, 4096-byte alignment)", t.get(1));
        assertTrue(t.contains("DVR            1900    475.0 MiB    512.0 MiB"), String.join("\n", t));
        assertTrue(t.contains("Threads    log writer and I/O at SCHED_FIFO 5"), String.join("\n", t));
        assertTrue(StoreFormat.statsJson(sample()).contains("\"directIo\": true"));
    }

    @Test
    void getShowsTextOrHexAndNeutralisesEscapes() {
        Unit text = Unit.of("text/plain", "hello\nworld".getBytes());
        List<String> t = StoreFormat.unit(text);
        fits(t);
        assertTrue(t.contains("hello") && t.contains("world"), t.toString());
        byte[] bin = new byte[300];
        bin[0] = 0x1b;
        List<String> h = StoreFormat.unit(Unit.of("application/octet-stream", List.of(text.id()), bin));
        fits(h);
        assertTrue(h.stream().anyMatch(l -> l.startsWith("Payload    binary, first 256 bytes")), h.toString());
        assertEquals(16, h.stream().filter(l -> l.matches("^[0-9a-f]{8}  .*")).count());
        assertNull(StoreFormat.printableText(new byte[] {0x1b, '[', '2', 'J'}));
    }

    @Test
    void fsckReportListsProblems() {
        UnitId a = UnitId.of(new byte[] {1});
        UnitId b = UnitId.of(new byte[] {2});
        FsckReport r = new FsckReport(10, 4096, List.of(a), List.of(), List.of(new FsckReport.Link(a, b)), 2,
                List.of("head of doc: signature does not verify"), 5, 1, Duration.ofMillis(1500));
        List<String> t = StoreFormat.fsck(r);
        fits(t);
        assertTrue(t.contains("Result     DAMAGED: corrupt data is reported, never returned"), String.join("\n", t));
        assertTrue(t.contains("Bad id     " + a.format()));
    }
}
