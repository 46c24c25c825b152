package org.stateos.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.stateos.store.BlobRef;
import org.stateos.store.ObjectId;
import org.stateos.store.PutOptions;
import org.stateos.store.StoreClosedException;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitView;
import org.stateos.testsupport.EphemeralIdentity;

/** The DS component over the real engine on a file in a temporary directory. */
class LogStructuredStoreTest {
    @TempDir
    Path dir;

    /** The metatype defaults, with some values overridden. */
    static StoreConfig config(Map<String, Object> overrides) {
        return (StoreConfig) Proxy.newProxyInstance(StoreConfig.class.getClassLoader(), new Class<?>[] {StoreConfig.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return StoreConfig.class;
                    }
                    Object v = overrides.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
    }

    @Test
    void firstBootFormatsAFileUnderKarafDataAndDataSurvivesRestart() throws Exception {
        EphemeralIdentity me = new EphemeralIdentity();
        StoreConfig cfg = config(Map.of("device_path", dir + "/store/store.img", "device_size_bytes", 256L << 20));
        LogStructuredStore s = new LogStructuredStore(cfg, me);
        assertTrue(s.isOpen(), s.problem());
        Unit u = Unit.of("text/plain", "on a real engine".getBytes(StandardCharsets.UTF_8));
        UnitId id = s.put(u).toCompletableFuture().join();
        s.compareAndSetHead(ObjectId.of("doc"), null, id).toCompletableFuture().join();
        byte[] data = new byte[600_000];
        new Random(4).nextBytes(data);
        BlobRef ref = s.putStream(new ByteArrayInputStream(data), PutOptions.DEFAULT).toCompletableFuture().join();
        s.timeIndex().add("t", 0, 10, id).toCompletableFuture().join();
        s.close();

        LogStructuredStore again = new LogStructuredStore(cfg, me);
        assertTrue(again.isOpen(), again.problem());
        assertEquals(u, again.get(id).toCompletableFuture().join().orElseThrow());
        assertEquals(id, again.heads(ObjectId.of("doc")).get(0).unit());
        try (InputStream in = again.openStream(ref.root())) {
            assertTrue(java.util.Arrays.equals(data, in.readAllBytes()));
        }
        assertEquals(1, again.timeIndex().size());
        assertTrue(again.fsck().toCompletableFuture().join().clean());
        assertTrue(again.stats().engine().containsKey("segmentsTotal"), again.stats().engine().toString());

        again.format(false);   // its own device: formatted without --overwrite
        assertTrue(again.isOpen());
        assertFalse(again.has(id).toCompletableFuture().join());
        again.close();
        CompletionException e = assertThrows(CompletionException.class, () -> again.get(id).toCompletableFuture().join());
        assertInstanceOf(StoreClosedException.class, e.getCause());
    }

    @Test
    void neverFormatsADeviceThatHoldsSomethingElse() throws Exception {
        Path img = dir.resolve("foreign.img");
        byte[] ext4 = new byte[8 << 20];
        ext4[1080] = 0x53;   // ext2/3/4 superblock magic 0xEF53 at byte 1080
        ext4[1081] = (byte) 0xEF;
        Files.write(img, ext4);
        LogStructuredStore s = new LogStructuredStore(config(Map.of("device_path", img.toString())), new EphemeralIdentity());
        assertFalse(s.isOpen());
        assertTrue(s.problem().contains("not formatting it"), s.problem());
        CompletionException e = assertThrows(CompletionException.class,
                () -> s.put(Unit.of("a", new byte[1])).toCompletableFuture().join());
        assertTrue(e.getCause().getMessage().contains("not open"), e.getCause().getMessage());
        s.close();
    }

    @Test
    void resolvesKarafData() {
        assertEquals(Path.of("/opt/esr/data/store/store.img"),
                LogStructuredStore.resolve("${karaf.data}/store/store.img", "/opt/esr/data"));
    }


    @Test
    void viewsOfTheEnginesReadBuffersShowEachUnitAndRefuseOnceTheBufferIsLentOn() throws Exception {
        StoreConfig cfg = config(Map.of("device_path", dir + "/store/store.img", "device_size_bytes", 256L << 20,
                "cache_unit_bytes", 0L)); // no cache: every view reads the device into a pooled buffer
        LogStructuredStore s = new LogStructuredStore(cfg, new EphemeralIdentity());
        assertTrue(s.isOpen(), s.problem());
        Random random = new Random(7);
        Unit[] units = new Unit[3];
        for (int i = 0; i < units.length; i++) {
            byte[] payload = new byte[256 * 1024];
            random.nextBytes(payload);
            units[i] = Unit.of("media/test", payload);
            s.put(units[i]).toCompletableFuture().join();
        }
        UnitView kept = s.readView(units[0].id()).orElseThrow(); // never closed: costs its buffer, breaks nothing
        UnitView first = s.readView(units[1].id()).orElseThrow();
        assertEquals(units[1].payload(), first.payload());
        first.close();
        for (int round = 0; round < 40; round++) { // more reads than the pool holds, each reusing a returned buffer
            Unit u = units[round % units.length];
            try (UnitView v = s.readView(u.id()).orElseThrow()) {
                assertEquals(u.payload(), v.payload(), "round " + round);
                assertEquals(u, v.toUnit());
            }
        }
        assertEquals(units[0].payload(), kept.payload());
        assertThrows(IllegalStateException.class, first::payload);
        s.close();
    }
}
