package org.stateos.store.fuzz;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.MethodSource;
import org.stateos.store.Head;
import org.stateos.store.HeadVerificationException;
import org.stateos.store.Hlc;
import org.stateos.store.MalformedUnitException;
import org.stateos.store.ObjectId;
import org.stateos.store.SignedHead;
import org.stateos.store.Unit;
import org.stateos.store.UnitId;
import org.stateos.store.UnitView;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.stateos.testsupport.EphemeralIdentity;

/**
 * Fuzzes the two decoders of bytes that arrive from outside the node (units and signed heads travel the mesh):
 * any input decodes or fails with {@link MalformedUnitException}, nothing else; what decodes is canonical (it
 * encodes back to exactly the input, so one unit has one id); a decoded head either verifies or fails with
 * {@link HeadVerificationException}. {@code mvn test} replays the seeds and any kept findings
 * ({@code src/test/resources/org/stateos/store/fuzz/UnitCodecFuzzTestInputs/<method>/}); real fuzzing:
 * <pre>
 * mvn test -pl bundles/store -Pfuzz -Dfuzz.target=UnitCodecFuzzTest#unit [-Dfuzz.seconds=600]
 * mvn test -pl bundles/store -Pfuzz -Dfuzz.target=UnitCodecFuzzTest#signedHead
 * </pre>
 */
class UnitCodecFuzzTest {
    /** Small, so an allocation driven by an unchecked length field stands out. */
    static final int MAX_UNIT_BYTES = 64 * 1024;

    static Stream<byte[]> units() {
        UnitId a = UnitId.of(new byte[] {1});
        UnitId b = UnitId.of(new byte[] {2});
        return Stream.of(Unit.of("text/plain", "hello".getBytes()).encode(),
                Unit.of("media/cmaf-fragment", List.of(a, b), new byte[300]).encode(),
                Unit.tombstone(List.of(a)).encode());
    }

    static Stream<byte[]> signedHeads() throws Exception {
        EphemeralIdentity node = new EphemeralIdentity();
        Head head = new Head(ObjectId.of("doc/1"), UnitId.of(new byte[] {1}), node.nodeId(),
                new Hlc(1_700_000_000_000L, 3));
        return Stream.of(SignedHead.sign(head, node).encode());
    }

    // 30 s: the first input also pays Jazzer's agent install, slow on a loaded 2-core box.
    @Timeout(30)
    @MethodSource("units")
    @FuzzTest(maxDuration = "10m")
    void unit(byte[] data) {
        UnitView view = viewOrRefusal(data);
        Unit u;
        try {
            u = Unit.decode(data, MAX_UNIT_BYTES);
        } catch (MalformedUnitException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new IllegalStateException("refusal without a reason", e);
            }
            if (view != null) {
                throw new IllegalStateException("decode refuses (" + e.getMessage() + ") what a view accepts");
            }
            return;
        }
        if (view == null) {
            throw new IllegalStateException("a view refuses what decode accepts");
        }
        if (!view.type().equals(u.type()) || !view.links().equals(u.links()) || !view.payload().equals(u.payload())
                || !view.toUnit().equals(u)) {
            throw new IllegalStateException("a view of the bytes is not the unit they decode to");
        }
        if (data.length > MAX_UNIT_BYTES) {
            throw new IllegalStateException("decoded " + data.length + " bytes over the " + MAX_UNIT_BYTES + " cap");
        }
        if (!Arrays.equals(u.encode(), data)) {
            throw new IllegalStateException("not canonical: decodes, but encodes to other bytes");
        }
        if (!u.id().equals(UnitId.of(data))) {
            throw new IllegalStateException("id is not the hash of the encoding");
        }
    }

    /** The unit parsed where it lies (a direct buffer, as the store views its read buffer), or null when refused. */
    private static UnitView viewOrRefusal(byte[] data) {
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        try {
            return UnitView.decode(UnitId.of(data), direct, MAX_UNIT_BYTES, null);
        } catch (MalformedUnitException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new IllegalStateException("refusal without a reason", e);
            }
            return null;
        }
    }

    @Timeout(30)
    @MethodSource("signedHeads")
    @FuzzTest(maxDuration = "10m")
    void signedHead(byte[] data) {
        SignedHead h;
        try {
            h = SignedHead.decode(data);
        } catch (MalformedUnitException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new IllegalStateException("refusal without a reason", e);
            }
            return;
        }
        if (!Arrays.equals(h.encode(), data)) {
            throw new IllegalStateException("not canonical: decodes, but encodes to other bytes");
        }
        try {
            h.verify();
        } catch (HeadVerificationException e) {
            // a forged or damaged head: refused with a reason, which is the point
        }
    }
}
