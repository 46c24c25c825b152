package org.stateos.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.stateos.trust.TestPki;
import org.stateos.trust.TestPki.Identity;
import org.stateos.trust.Verdict;

class GateTest {

    private static Identity vendor;
    private static Identity other;

    @TempDir
    Path dir;

    private FakeFramework framework;
    private Path signed;
    private Path unsigned;
    private Path foreign;

    @BeforeAll
    static void keys() {
        vendor = TestPki.selfSigned(TestPki.VENDOR);
        other = TestPki.selfSigned(new X500Principal("CN=Somebody Else"));
    }

    @BeforeEach
    void jars() throws IOException {
        framework = new FakeFramework(Files.createDirectories(dir.resolve("cache")));
        unsigned = TestPki.jar(dir.resolve("unsigned.jar"), "org.example", TestPki.someEntries());
        signed = TestPki.sign(unsigned, dir.resolve("signed.jar"), vendor);
        foreign = TestPki.sign(unsigned, dir.resolve("foreign.jar"), other);
    }

    private Gate gate(VendorAnchor anchor, BundleRevision self, VerdictCache cache) {
        return new Gate(anchor, self, framework.cacheRoot(), cache, VerifiedJars.open(dir.resolve("data")), null);
    }

    private Gate gate() {
        return gate(VendorAnchor.of(vendor.certificate()), null, VerdictCache.inMemory());
    }

    /** What survives filterResolvable when all candidates are also the triggers (bundle.start, resolveBundles). */
    private static List<BundleRevision> filter(Gate gate, BundleRevision... candidates) {
        List<BundleRevision> list = new ArrayList<>(List.of(candidates));
        gate.hook().begin(List.of(candidates)).filterResolvable(list);
        return list;
    }

    private static List<BundleCapability> matches(Gate gate, BundleRevision requirer, BundleRevision... providers) {
        List<BundleCapability> candidates = new ArrayList<>();
        for (BundleRevision provider : providers) {
            candidates.add(FakeFramework.capabilityOf(provider));
        }
        gate.hook().begin(List.of(requirer)).filterMatches(FakeFramework.requirementOf(requirer), candidates);
        return candidates;
    }

    @Test
    void leavesTheCandidatesWholeWhenNoTriggerIsRefusedToDodgeTheFelixWhitelistBug() throws IOException {
        Gate gate = gate();
        BundleRevision good = framework.bundle(5).revise(signed).revision();
        BundleRevision bare = framework.bundle(6).revise(unsigned).revision();
        List<BundleRevision> candidates = new ArrayList<>(List.of(good, bare));
        gate.hook().begin(List.of(good)).filterResolvable(candidates);
        assertEquals(List.of(good, bare), candidates, "removing anything would cut the system bundle's exports");
    }

    @Test
    void neverOffersARefusedRevisionAsAProvider() throws IOException {
        Gate gate = gate();
        BundleRevision good = framework.bundle(5).revise(signed).revision();
        BundleRevision otherGood = framework.bundle(6).revise(signed).revision();
        BundleRevision bare = framework.bundle(7).revise(unsigned).revision();
        List<BundleCapability> left = matches(gate, good, otherGood, bare);
        assertEquals(1, left.size());
        assertEquals(otherGood, left.get(0).getRevision());
    }

    @Test
    void givesARefusedRequirerNoCandidateSoItCannotResolveNorAttachAsAFragment() throws IOException {
        Gate gate = gate();
        BundleRevision host = framework.bundle(5).revise(signed).revision();
        BundleRevision refusedFragment = framework.bundle(6).revise(foreign).revision();
        assertEquals(List.of(), matches(gate, refusedFragment, host));
    }

    @Test
    void hookLetsVendorSignedRevisionsResolveAndRemovesAllOthers() throws IOException {
        Gate gate = gate();
        BundleRevision good = framework.bundle(5).revise(signed).revision();
        BundleRevision bare = framework.bundle(6).revise(unsigned).revision();
        BundleRevision alien = framework.bundle(7).revise(foreign).revision();
        assertEquals(List.of(good), filter(gate, good, bare, alien));
    }

    @Test
    void neverRefusesTheSystemBundleOrTheRunningTrustRevision() throws IOException {
        FakeFramework.FakeBundle system = framework.bundle(0);
        system.revision.set(FakeFramework.newRevision(system.bundle));
        FakeFramework.FakeBundle trust = framework.bundle(3).revise(unsigned);
        Gate gate = gate(VendorAnchor.of(vendor.certificate()), trust.revision(), VerdictCache.inMemory());
        assertEquals(List.of(system.revision(), trust.revision()), filter(gate, system.revision(), trust.revision()));
        assertTrue(gate.refusals().isEmpty(), "the exempt trust bundle is not listed as a refusal");
    }

    @Test
    void refusesANewRevisionOfTheTrustBundleItselfUnlessItIsSigned() throws IOException {
        FakeFramework.FakeBundle trust = framework.bundle(3).revise(signed);
        Gate gate = gate(VendorAnchor.of(vendor.certificate()), trust.revision(), VerdictCache.inMemory());
        BundleRevision updated = trust.revise(unsigned).revision();
        assertEquals(List.of(), filter(gate, updated));
    }

    @Test
    void failsClosedWithoutAVendorAnchor() throws IOException {
        VendorAnchor none = VendorAnchor.load(null);
        Gate gate = gate(none, null, VerdictCache.inMemory());
        BundleRevision good = framework.bundle(5).revise(signed).revision();
        assertEquals(List.of(), filter(gate, good));
        assertEquals("no vendor anchor: OSGI-INF/vendor-anchor.pem is missing from the trust bundle",
                gate.verdicts().get(0).reason());
    }

    @Test
    void refusesAnUpdateToUnsignedBytesAfterTrustingTheFirstRevision() throws IOException {
        Gate gate = gate();
        FakeFramework.FakeBundle bundle = framework.bundle(5).revise(signed);
        gate.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, bundle.bundle));
        assertTrue(gate.verdicts().get(0).trusted());

        BundleRevision updated = bundle.revise(unsigned).revision();
        gate.bundleChanged(new BundleEvent(BundleEvent.UPDATED, bundle.bundle));
        assertEquals(List.of(), filter(gate, updated));
        Verdict refusal = gate.refusals().get(0);
        assertEquals("unsigned", refusal.reason());
        assertEquals(Sha256.of(unsigned), refusal.contentSha256());
    }

    @Test
    void usesTheCachedVerdictForTheSameBytesAndVerifiesChangedBytesAgain() throws IOException {
        VendorAnchor anchor = VendorAnchor.of(vendor.certificate());
        VerdictCache cache = VerdictCache.inMemory();
        // A planted verdict shows the cache is consulted by content hash (no signature check happens for it).
        cache.put(anchor.fingerprint(), Sha256.of(unsigned), new VerdictCache.Entry(true, "CN=cached", "cached"));
        Gate gate = gate(anchor, null, cache);
        FakeFramework.FakeBundle bundle = framework.bundle(5).revise(unsigned);
        assertTrue(gate.allows(bundle.revision()));
        assertEquals("CN=cached", gate.verdicts().get(0).signer());

        Path changed = TestPki.rewrite(unsigned, dir.resolve("changed.jar"), (name, bytes) -> bytes,
                Map.of("extra.txt", new byte[] {1}));
        assertFalse(gate.allows(bundle.revise(changed).revision()));
        assertEquals("unsigned", gate.verdicts().get(0).reason());
    }

    @Test
    void judgesARevisionTheHookSeesBeforeAnyEvent() throws IOException {
        Gate gate = gate();
        BundleRevision good = framework.bundle(9).revise(signed).revision();
        assertTrue(gate.verdicts().isEmpty());
        assertEquals(List.of(good), filter(gate, good));
        assertEquals(9, gate.verdicts().get(0).bundleId());
    }

    @Test
    void listsVerdictsByBundleIdAndKeepsRefusalsOfUninstalledBundles() throws IOException {
        Gate gate = gate();
        FakeFramework.FakeBundle b8 = framework.bundle(8).revise(foreign);
        FakeFramework.FakeBundle b4 = framework.bundle(4).revise(signed);
        gate.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, b8.bundle));
        gate.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, b4.bundle));
        assertEquals(List.of(4L, 8L), gate.verdicts().stream().map(Verdict::bundleId).toList());

        gate.bundleChanged(new BundleEvent(BundleEvent.UNINSTALLED, b8.bundle));
        assertEquals(List.of(4L), gate.verdicts().stream().map(Verdict::bundleId).toList());
        assertEquals(1, gate.refusals().size());
        assertTrue(gate.refusals().get(0).reason().startsWith("signer CN=Somebody Else does not chain"));
    }

    @Test
    void theHookWaitsForChecksStillRunningAfterInstallEvents() throws IOException {
        Gate gate = gate();
        List<BundleRevision> trusted = new ArrayList<>();
        List<BundleRevision> refused = new ArrayList<>();
        for (int id = 10; id < 18; id++) {
            FakeFramework.FakeBundle bundle = framework.bundle(id).revise(id % 2 == 0 ? signed : unsigned);
            (id % 2 == 0 ? trusted : refused).add(bundle.revision());
            gate.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, bundle.bundle));
        }
        // Asked right after the events, while checks may still run on the verifier threads: never a wrong answer.
        List<BundleRevision> all = new ArrayList<>(trusted);
        all.addAll(refused);
        for (BundleRevision revision : all) {
            assertEquals(trusted.contains(revision), gate.allows(revision), revision.toString());
        }
        assertEquals(8, gate.verdicts().size());
        assertEquals(4, gate.refusals().size());
    }

    @Test
    void keepsTheJarOfATrustedBundleForARestore() throws IOException {
        Gate gate = gate();
        FakeFramework.FakeBundle bundle = framework.bundle(5).revise(signed);
        gate.bundleChanged(new BundleEvent(BundleEvent.INSTALLED, bundle.bundle));
        gate.settle(); // the install's check runs on a verifier thread
        Path kept = VerifiedJars.open(dir.resolve("data")).lastVerified("mvn:org.example/b5/1.0.0").orElseThrow();
        assertEquals(Sha256.of(signed), Sha256.of(kept));
    }

    @Test
    void refusesABundleInstalledByReference() throws IOException {
        Gate gate = gate();
        FakeFramework.FakeBundle bundle = framework.bundle(5);
        Path revisionDir = Files.createDirectories(framework.cacheRoot().resolve("bundle5/version0.0"));
        Files.writeString(revisionDir.resolve("revision.location"), "reference:file:/opt/exploded/");
        bundle.revision.set(FakeFramework.newRevision(bundle.bundle));
        assertFalse(gate.allows(bundle.revision()));
        assertEquals("bundle content is not a signed jar (reference:file:/opt/exploded/)",
                gate.refusals().get(0).reason());
    }
}
