package org.stateos.trust.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.stateos.trust.JarSignatureVerifier;
import org.stateos.trust.TrustGate;
import org.stateos.trust.VerificationResult;
import org.stateos.trust.Verdict;

/**
 * The signature gate. It judges every bundle revision by the bytes of its jar in the framework cache, keeps the
 * verdicts, and answers the resolver hook: a revision whose verdict is not trusted never resolves, so none of its
 * code runs. Its services and listener are registered through the SYSTEM bundle's context, so stopping or
 * uninstalling the trust bundle leaves the gate in force: there is no switch that turns it off.
 */
public final class Gate implements TrustGate {

    /** Service property marking the gate's registrations; the value is the implementation class. */
    static final String MARKER = "org.stateos.trust.gate";
    /** Service property: a random id per gate instance (for the hand-over after the trust bundle is updated). */
    static final String INSTANCE = "org.stateos.trust.gate.instance";
    static final int MAX_REFUSALS = 1000;
    static final long REFRESH_DEADLINE_SECONDS = 60;

    private static final Logger LOG = Logger.getLogger(Activator.LOGGER);

    /**
     * The verdict on one revision: the revision object is the key the resolver hook compares by identity. {@code seq}
     * orders verdicts of one bundle by when its revision was seen, so a slow check of an older revision never
     * replaces the verdict of a newer one.
     */
    record Checked(BundleRevision revision, Verdict verdict, long seq) {}

    private record Judged(Verdict verdict, Path jar) {}

    /**
     * What a check needs of a bundle, read on the thread that saw the revision (the framework's), so the check
     * itself is file work only and may run on a verifier thread while the framework holds its locks. The jar is
     * the file of exactly this revision ({@code version<n>.<m>/bundle.jar} never changes once written).
     */
    private record Subject(long id, BundleRevision revision, String name, String version,
                           String location, RevisionJarLocator.Located located, long seq) {}

    /** A check of a revision submitted to the verifier threads and not yet recorded. */
    private record Pending(BundleRevision revision, Future<Checked> result) {}

    /** How long the resolver hook waits for a pending check before it judges the revision itself. */
    static final long PENDING_WAIT_SECONDS = 60;

    private final VendorAnchor anchor;
    private final BundleRevision selfRevision;
    private final long selfBundleId;
    private final Path cacheRoot;
    private final VerdictCache cache;
    private volatile VerifiedJars kept;
    private final Bundle systemBundle;
    private final String instanceId = UUID.randomUUID().toString();
    private final ConcurrentHashMap<Long, Checked> current = new ConcurrentHashMap<>();
    private final Deque<Verdict> refusals = new ArrayDeque<>();
    private final ConcurrentHashMap<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong seen = new AtomicLong();
    private final Set<Long> restoring = ConcurrentHashMap.newKeySet();
    private final GateResolverHook hook = new GateResolverHook(this);
    private final SynchronousBundleListener bundleListener = this::bundleChanged;
    private final ServiceListener handOverListener = this::serviceChanged;

    /*
     * Restores of refused updates run here, never inside the framework's event dispatch: Bundle.update and
     * refreshBundles from within a bundle listener would re-enter the framework while it holds the bundle's lock.
     * One thread: restores are rare and must not race each other on the same bundle. Core size 0 so no thread
     * lingers while idle: the gate outlives the trust bundle (it is registered through the system bundle), so this
     * executor is shut down when the gate retires (hand-over) or the framework stops, not on bundle stop.
     */
    private final ThreadPoolExecutor restorer = new ThreadPoolExecutor(0, 1, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), daemonThreads("stateos-trust-restore-"));

    /*
     * Checks of newly installed revisions run here, off the framework's event dispatch: Karaf's features service
     * installs every bundle of a deployment before it resolves any, so checking on install events in parallel (two
     * threads for the 2-core ESR) overlaps signature checks with each other and with the installs, and the resolver
     * hook waits only for what is still running. The threads time out when idle; shut down with the gate.
     */
    private final ThreadPoolExecutor verifier = idlePool(Math.max(1, Math.min(2,
            Runtime.getRuntime().availableProcessors())), "stateos-trust-verify-");

    private volatile BundleContext systemContext;
    private volatile ServiceRegistration<?> hookRegistration;
    private volatile ServiceRegistration<?> gateRegistration;
    private volatile boolean retired;

    /**
     * @param anchor       the vendor anchor, possibly missing (then every bundle is refused)
     * @param selfRevision the revision of the trust bundle running this gate: exempt, it resolved before any gate
     * @param cacheRoot    the framework's bundle cache directory (parent of every bundle{@code <id>}); may be null
     * @param cache        verdicts by (anchor fingerprint, jar SHA-256)
     * @param kept         last verified jar of each bundle; null when there is no data area (no restore then)
     * @param systemBundle the system bundle (for refreshBundles); may be null in unit tests
     */
    Gate(VendorAnchor anchor, BundleRevision selfRevision, Path cacheRoot, VerdictCache cache, VerifiedJars kept,
         Bundle systemBundle) {
        this.anchor = anchor;
        this.selfRevision = selfRevision;
        this.selfBundleId = selfRevision == null || selfRevision.getBundle() == null
                ? -1 : selfRevision.getBundle().getBundleId();
        this.cacheRoot = cacheRoot;
        this.cache = cache;
        this.kept = kept;
        this.systemBundle = systemBundle;
    }

    // ---------------------------------------------------------------- life cycle

    /** True when a gate of this same implementation (this class loader) is registered and not retired. */
    static boolean inForce(BundleContext systemContext) {
        ServiceReference<?>[] references;
        try {
            references = systemContext.getAllServiceReferences(null, "(" + MARKER + "=*)");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (references == null) {
            return false;
        }
        for (ServiceReference<?> reference : references) {
            Object service = systemContext.getService(reference);
            try {
                if (service instanceof GateResolverHook h && !h.gate().retired) {
                    return true;
                }
            } finally {
                if (service != null) {
                    systemContext.ungetService(reference);
                }
            }
        }
        return false;
    }

    /**
     * Puts the gate in force: the resolver hook first (fail closed from this moment), then the bundle listener, a
     * check of every bundle already installed, a refresh of any refused bundle that resolved before the gate
     * existed, the TrustGate service, and the hand-over listener.
     */
    void open(BundleContext system) {
        this.systemContext = system;
        if (!anchor.present()) {
            LOG.severe("NO VENDOR ANCHOR: " + anchor.problem() + ". The signature gate refuses EVERY bundle.");
        }
        hookRegistration = system.registerService(ResolverHookFactory.class, hook, properties());
        system.addBundleListener(bundleListener);
        checkAll(system.getBundles());
        refreshRefusedButResolved(system.getBundles());
        startRefusedAfterTheGate(system.getBundles());
        gateRegistration = system.registerService(TrustGate.class, this, properties());
        try {
            system.addServiceListener(handOverListener,
                    "(&(" + MARKER + "=*)(!(" + INSTANCE + "=" + instanceId + ")))");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        long refused = current.values().stream().filter(c -> !c.verdict().trusted()).count();
        LOG.info("signature gate in force (anchor " + anchorSubject() + ", " + current.size() + " bundles checked, "
                + refused + " refused)");
    }

    private Dictionary<String, Object> properties() {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(MARKER, Gate.class.getName());
        properties.put(INSTANCE, instanceId);
        return properties;
    }

    /**
     * Checks every bundle already installed (Karaf installs all startup bundles before it starts the framework).
     * A cold boot verifies every startup jar's signature, a few seconds of CPU: the verifier's two threads use the
     * 2-core ESR without starving the framework's own start. Returns when every check is recorded.
     */
    void checkAll(Bundle[] bundles) {
        try {
            List<Future<Checked>> results = new ArrayList<>();
            for (Bundle bundle : bundles) {
                Subject subject = subject(bundle);
                results.add(verifier.submit(() -> record(subject, judge(subject))));
            }
            for (Future<Checked> result : results) {
                try {
                    result.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    LOG.log(Level.WARNING, "checking a bundle failed; the resolver hook checks it again", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.warning("signature gate retired while checking the installed bundles; the hook checks each again");
        }
    }

    /** A refused bundle that resolved before the gate was registered (it should not exist) is unresolved again. */
    private void refreshRefusedButResolved(Bundle[] bundles) {
        List<Bundle> resolved = new ArrayList<>();
        for (Bundle bundle : bundles) {
            BundleRevision revision = bundle.adapt(BundleRevision.class);
            if (revision != null && revision.getWiring() != null && !allows(revision)) {
                resolved.add(bundle);
            }
        }
        if (!resolved.isEmpty() && systemBundle != null) {
            LOG.severe("refused bundles resolved before the gate was in force, refreshing them: " + resolved);
            systemBundle.adapt(FrameworkWiring.class).refreshBundles(resolved);
        }
    }

    /**
     * Felix starts the bundles of one start level in bundle id order. A refused bundle at the gate's start level
     * with a lower id than the trust bundle (the trust bundle was reinstalled, or someone changed start levels) would
     * be started, and so resolved, before the gate exists on the next boot. Move such bundles above the gate's level.
     * Their persistent start flag is left alone. Not done without an anchor: then every bundle is refused, and
     * nothing should be rearranged until the anchor is back.
     */
    private void startRefusedAfterTheGate(Bundle[] bundles) {
        if (!anchor.present() || selfRevision == null || selfRevision.getBundle() == null) {
            return;
        }
        BundleStartLevel own = selfRevision.getBundle().adapt(BundleStartLevel.class);
        int gateLevel = own == null ? 1 : own.getStartLevel();
        for (Bundle bundle : bundles) {
            Checked checked = current.get(bundle.getBundleId());
            if (checked == null || checked.verdict().trusted() || isExempt(checked.revision(), bundle.getBundleId())) {
                continue;
            }
            try {
                BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
                if (level != null && level.getStartLevel() <= gateLevel) {
                    LOG.warning("refused bundle " + bundle + " had start level " + level.getStartLevel()
                            + ", not after the gate's " + gateLevel + "; moving it to " + (gateLevel + 1));
                    level.setStartLevel(gateLevel + 1);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cannot move the start level of " + bundle, e);
            }
        }
    }

    /** Hands over to a newer gate (the trust bundle was updated): unregisters everything, stops the executor. */
    void retire() {
        retired = true;
        BundleContext system = systemContext;
        if (system != null) {
            try {
                system.removeServiceListener(handOverListener);
                system.removeBundleListener(bundleListener);
            } catch (IllegalStateException e) {
                // the framework is stopping
            }
        }
        unregister(gateRegistration);
        unregister(hookRegistration);
        restorer.shutdown();
        verifier.shutdown();
        LOG.info("signature gate instance " + instanceId + " retired: a newer gate is in force");
    }

    boolean retired() {
        return retired;
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already unregistered
            }
        }
    }

    private void serviceChanged(ServiceEvent event) {
        if (event.getType() != ServiceEvent.REGISTERED || retired) {
            return;
        }
        BundleContext system = systemContext;
        ServiceReference<?> reference = event.getServiceReference();
        Object service = system.getService(reference);
        try {
            Bundle origin = service == null ? null : FrameworkUtil.getBundle(service.getClass());
            BundleRevision originRevision = origin == null ? null : origin.adapt(BundleRevision.class);
            if (origin != null && Activator.SYMBOLIC_NAME.equals(origin.getSymbolicName())
                    && originRevision != null && originRevision != selfRevision && allows(originRevision)) {
                retire();
            } else {
                LOG.warning("ignoring a gate registration that does not come from a vendor-signed trust bundle: "
                        + reference);
            }
        } finally {
            if (service != null) {
                system.ungetService(reference);
            }
        }
    }

    // ---------------------------------------------------------------- events

    void bundleChanged(BundleEvent event) {
        Bundle bundle = event.getBundle();
        try {
            switch (event.getType()) {
                case BundleEvent.INSTALLED -> checkSoon(bundle);
                case BundleEvent.UPDATED -> {
                    Checked checked = check(bundle);
                    if (!checked.verdict().trusted() && !isExempt(checked.revision(), bundle.getBundleId())) {
                        restoreLater(bundle, checked.verdict());
                    }
                }
                case BundleEvent.UNINSTALLED -> {
                    if (bundle.getBundleId() == selfBundleId) {
                        reinstallSelf(bundle);
                    } else {
                        forget(bundle);
                    }
                }
                case BundleEvent.STOPPING -> {
                    if (bundle.getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
                        restorer.shutdown(); // the framework is stopping: no restore can complete now
                        verifier.shutdown();
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            // Never let an exception escape into the framework's dispatch; the hook checks again on resolve.
            LOG.log(Level.WARNING, "signature gate: handling " + event.getType() + " of " + bundle + " failed", e);
        }
    }

    /**
     * The trust bundle itself was uninstalled. This gate stays in force (it belongs to the system bundle), but the
     * next boot would have none: Karaf does not reinstall startup bundles on a warm cache. So install the last
     * verified trust jar again (read now, before the framework deletes the data area) at start level 1 and start it;
     * its gate takes over from this one. The data area is gone: stop persisting into it.
     */
    private void reinstallSelf(Bundle bundle) {
        current.remove(bundle.getBundleId());
        VerifiedJars jars = kept;
        Optional<Path> jar = jars == null ? Optional.empty() : jars.lastVerified(bundle.getLocation());
        byte[] bytes = null;
        try {
            bytes = jar.isPresent() ? Files.readAllBytes(jar.get()) : null;
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the kept trust jar " + jar.get(), e);
        }
        kept = null;
        cache.detach();
        if (bytes == null || systemContext == null) {
            LOG.severe("the trust bundle was uninstalled and no verified copy of it is kept: the gate stays in force"
                    + " until the framework stops, but the NEXT BOOT HAS NO GATE unless the firmware reinstalls it");
            return;
        }
        byte[] trustJar = bytes;
        String location = bundle.getLocation();
        LOG.severe("the trust bundle was uninstalled; installing its last verified jar again so the gate survives"
                + " the next boot");
        try {
            restorer.execute(() -> {
                try {
                    Bundle again = systemContext.installBundle(location, new java.io.ByteArrayInputStream(trustJar));
                    again.adapt(BundleStartLevel.class).setStartLevel(1);
                    again.start();
                    LOG.warning("trust bundle reinstalled as bundle " + again.getBundleId());
                } catch (BundleException | RuntimeException e) {
                    LOG.log(Level.SEVERE, "reinstalling the trust bundle failed; the next boot may have no gate", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.severe("framework stopping: the uninstalled trust bundle is not reinstalled");
        }
    }

    private void forget(Bundle bundle) {
        Pending running = pending.remove(bundle.getBundleId());
        if (running != null) {
            await(running); // else its verdict would be recorded after this removal
        }
        current.remove(bundle.getBundleId());
        VerifiedJars jars = kept;
        if (jars != null) {
            try {
                jars.forget(bundle.getLocation());
            } catch (IOException e) {
                LOG.log(Level.FINE, "cannot forget the kept jar of " + bundle.getLocation(), e);
            }
        }
    }

    // ---------------------------------------------------------------- decisions

    /** The resolver hook's question: may this revision resolve? Fails closed. */
    boolean allows(BundleRevision revision) {
        Bundle bundle = revision.getBundle();
        if (bundle == null) {
            return false;
        }
        long id = bundle.getBundleId();
        if (isExempt(revision, id)) {
            return true;
        }
        Checked known = current.get(id);
        if (known != null && known.revision() == revision) {
            return known.verdict().trusted();
        }
        Pending running = pending.get(id);
        if (running != null && running.revision() == revision) {
            Checked waited = await(running);
            if (waited != null && waited.revision() == revision) {
                return waited.verdict().trusted();
            }
        }
        // Not judged yet (e.g. resolved from another thread before the INSTALLED event reached us): judge now.
        Checked fresh = check(bundle);
        return fresh.revision() == revision && fresh.verdict().trusted();
    }

    private boolean isExempt(BundleRevision revision, long bundleId) {
        return bundleId == Constants.SYSTEM_BUNDLE_ID || (revision != null && revision == selfRevision);
    }

    /** Judges the bundle's current revision now, on this thread, and records the verdict. */
    Checked check(Bundle bundle) {
        Subject subject = subject(bundle);
        return record(subject, judge(subject));
    }

    /**
     * A revision was just installed: judge it on a verifier thread. The resolver hook waits for the result when it
     * is asked about this revision first; a full queue or a stopping gate means judging it here and now.
     */
    private void checkSoon(Bundle bundle) {
        Subject subject = subject(bundle);
        try {
            FutureTask<Checked> task = new FutureTask<>(() -> {
                try {
                    return record(subject, judge(subject));
                } finally {
                    pending.computeIfPresent(subject.id(), (id, p) -> p.revision() == subject.revision() ? null : p);
                }
            });
            pending.put(subject.id(), new Pending(subject.revision(), task));
            verifier.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.remove(subject.id());
            record(subject, judge(subject));
        }
    }

    /** The result of a pending check, or null when it failed or took longer than {@link #PENDING_WAIT_SECONDS}. */
    private static Checked await(Pending running) {
        try {
            return running.result().get(PENDING_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.log(Level.WARNING, "a pending signature check did not finish; judging again", e);
            return null;
        }
    }

    /** Reads what a check needs of the bundle's current revision (framework calls: on the caller's thread). */
    private Subject subject(Bundle bundle) {
        long id = bundle.getBundleId();
        String name = bundle.getSymbolicName() == null ? "?" : bundle.getSymbolicName();
        RevisionJarLocator.Located located = id == Constants.SYSTEM_BUNDLE_ID ? null
                : RevisionJarLocator.locate(RevisionJarLocator.archiveRoot(bundle, cacheRoot));
        return new Subject(id, bundle.adapt(BundleRevision.class), name, String.valueOf(bundle.getVersion()),
                bundle.getLocation(), located, seen.incrementAndGet());
    }

    /**
     * Records the verdict on one revision (unless a newer revision of the bundle was recorded meanwhile), logs and
     * keeps refusals, keeps the jar of a trusted revision. File work only: safe on a verifier thread.
     */
    private Checked record(Subject subject, Judged judged) {
        long id = subject.id();
        BundleRevision revision = subject.revision();
        String name = subject.name();
        String version = subject.version();
        Verdict verdict = judged.verdict();
        Checked checked = new Checked(revision, verdict, subject.seq());
        Checked[] before = new Checked[1];
        current.compute(id, (key, existing) -> {
            before[0] = existing;
            return existing != null && existing.seq() > checked.seq() ? existing : checked;
        });
        Checked previous = before[0];
        boolean repeated = previous != null && previous.revision() == revision
                && previous.verdict().contentSha256().equals(verdict.contentSha256())
                && previous.verdict().trusted() == verdict.trusted();
        if (!verdict.trusted() && !repeated) {
            if (isExempt(revision, id)) {
                LOG.severe("the running trust bundle itself is not vendor-signed (it runs: the framework loaded it"
                        + " before any gate existed): " + verdict.reason());
            } else {
                LOG.warning("REFUSED bundle " + id + " " + name + "/" + version + " (" + subject.location()
                        + "): " + verdict.reason());
                synchronized (refusals) {
                    refusals.addLast(verdict);
                    while (refusals.size() > MAX_REFUSALS) {
                        refusals.removeFirst();
                    }
                }
            }
        }
        VerifiedJars jars = kept;
        if (verdict.trusted() && judged.jar() != null && jars != null) {
            try {
                jars.keep(subject.location(), verdict.contentSha256(), judged.jar());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot keep the verified jar of " + name + "; no restore for it", e);
            }
        }
        return checked;
    }

    private Judged judge(Subject subject) {
        long id = subject.id();
        String name = subject.name();
        String version = subject.version();
        if (id == Constants.SYSTEM_BUNDLE_ID) {
            return new Judged(new Verdict(id, name, version, "", true, "", "the framework itself (not checked)",
                    Instant.now()), null);
        }
        RevisionJarLocator.Located located = subject.located();
        if (!located.found()) {
            return new Judged(refused(id, name, version, "", located.problem()), null);
        }
        String sha256;
        FileStamp before;
        try {
            before = FileStamp.of(located.jar());
            sha256 = Sha256.of(located.jar());
        } catch (IOException e) {
            return new Judged(refused(id, name, version, "", "cannot read the bundle's jar: " + e), null);
        }
        if (!anchor.present()) {
            return new Judged(refused(id, name, version, sha256, "no vendor anchor: " + anchor.problem()), null);
        }
        VerdictCache.Entry entry = cache.get(anchor.fingerprint(), sha256);
        if (entry == null) {
            VerificationResult result = JarSignatureVerifier.verify(located.jar(), anchor.certificate());
            entry = new VerdictCache.Entry(result.trusted(), result.signer(), result.reason());
            // The bytes verified must be the bytes hashed, or the verdict is for unknown content. Felix never
            // rewrites a revision's jar, so the file's identity, size and modification time (taken before hashing)
            // stand in for a second hash of every jar on a cold boot.
            if (!before.unchanged(located.jar())) {
                return new Judged(refused(id, name, version, sha256, "bundle jar changed while it was verified"), null);
            }
            cache.put(anchor.fingerprint(), sha256, entry);
        }
        Verdict verdict = new Verdict(id, name, version, sha256, entry.trusted(), entry.signer(), entry.reason(),
                Instant.now());
        return new Judged(verdict, located.jar());
    }

    private static Verdict refused(long id, String name, String version, String sha256, String reason) {
        return new Verdict(id, name, version, sha256, false, "", reason, Instant.now());
    }

    // ---------------------------------------------------------------- restore

    /**
     * An update was refused: its revision never resolves. Put the last verified jar of this bundle back, refresh,
     * and start it again if it was meant to run, so the previous verified version serves again.
     */
    private void restoreLater(Bundle bundle, Verdict refusedVerdict) {
        long id = bundle.getBundleId();
        VerifiedJars jars = kept;
        if (jars == null || systemBundle == null) {
            LOG.warning("no data area: the refused update of " + refusedVerdict.symbolicName() + " is not undone");
            return;
        }
        Optional<Path> jar = jars.lastVerified(bundle.getLocation());
        if (jar.isEmpty()) {
            LOG.warning("no verified earlier jar of " + refusedVerdict.symbolicName() + " (" + bundle.getLocation()
                    + "); it stays unresolved");
            return;
        }
        if (!restoring.add(id)) {
            LOG.severe("restoring " + refusedVerdict.symbolicName() + " gave a refused revision again; giving up");
            return;
        }
        boolean wasActive = persistentlyStarted(bundle);
        try {
            restorer.execute(() -> restore(bundle, jar.get(), wasActive));
            LOG.warning("restoring the last verified jar of " + refusedVerdict.symbolicName() + " ("
                    + jar.get().getFileName() + ")");
        } catch (java.util.concurrent.RejectedExecutionException e) {
            restoring.remove(id);
            LOG.warning("framework stopping: the refused update of " + refusedVerdict.symbolicName()
                    + " is not undone now; it stays unresolved");
        }
    }

    private static boolean persistentlyStarted(Bundle bundle) {
        try {
            BundleStartLevel startLevel = bundle.adapt(BundleStartLevel.class);
            return startLevel != null && startLevel.isPersistentlyStarted();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void restore(Bundle bundle, Path jar, boolean wasActive) {
        String name = bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
        try {
            try (InputStream in = Files.newInputStream(jar)) {
                bundle.update(in); // the UPDATED event judges the restored revision like any other
            }
            CountDownLatch refreshed = new CountDownLatch(1);
            systemBundle.adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), e -> refreshed.countDown());
            if (!refreshed.await(REFRESH_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                LOG.warning("refresh of " + name + " did not finish within " + REFRESH_DEADLINE_SECONDS + " s");
            }
            if (wasActive && bundle.getState() != Bundle.UNINSTALLED) {
                bundle.start();
            }
            LOG.warning("restored " + name + " to its last verified jar " + jar.getFileName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | BundleException | RuntimeException e) {
            LOG.log(Level.SEVERE, "restoring " + name + " from " + jar + " failed", e);
        } finally {
            restoring.remove(bundle.getBundleId());
        }
    }

    // ---------------------------------------------------------------- TrustGate

    /** Waits for the checks still running on the verifier threads, so the verdicts are complete. */
    void settle() {
        for (Pending running : List.copyOf(pending.values())) {
            await(running);
        }
    }

    @Override
    public List<Verdict> verdicts() {
        settle();
        List<Verdict> verdicts = new ArrayList<>();
        for (Checked checked : current.values()) {
            verdicts.add(checked.verdict());
        }
        verdicts.sort(Comparator.comparingLong(Verdict::bundleId));
        return List.copyOf(verdicts);
    }

    @Override
    public List<Verdict> refusals() {
        settle();
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    @Override
    public X509Certificate anchor() {
        return anchor.certificate();
    }

    GateResolverHook hook() {
        return hook;
    }

    @SuppressWarnings("deprecation") // getSubjectX500Principal() would import javax.security.auth.x500
    private String anchorSubject() {
        return anchor.present() ? anchor.certificate().getSubjectDN().getName() : "MISSING";
    }

    /** Up to {@code threads} daemon threads that end after 30 s idle, with an unbounded queue. */
    private static ThreadPoolExecutor idlePool(int threads, String prefix) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads(prefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
