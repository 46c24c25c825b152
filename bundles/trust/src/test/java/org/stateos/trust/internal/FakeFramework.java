package org.stateos.trust.internal;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.Bundle;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleRevision;

/** Bundles and revisions as java.lang.reflect.Proxy objects over a directory laid out like Felix's bundle cache. */
final class FakeFramework {

    private final Path cacheRoot;

    FakeFramework(Path cacheRoot) {
        this.cacheRoot = cacheRoot;
    }

    Path cacheRoot() {
        return cacheRoot;
    }

    /** A bundle whose current revision is {@code version0.<revision>/bundle.jar} = a copy of {@code jar}. */
    final class FakeBundle {
        final long id;
        final AtomicReference<BundleRevision> revision = new AtomicReference<>();
        final Bundle bundle;
        private int revisions;

        FakeBundle(long id) {
            this.id = id;
            this.bundle = (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "getBundleId" -> id;
                        case "getSymbolicName" -> "org.example.b" + id;
                        case "getVersion" -> new Version(1, 0, 0);
                        case "getLocation" -> "mvn:org.example/b" + id + "/1.0.0";
                        case "getState" -> Bundle.INSTALLED;
                        case "getDataFile" -> null;
                        case "adapt" -> args[0] == BundleRevision.class ? revision.get() : null;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "bundle " + id;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        /** Installs or updates: a new revision directory with {@code jar}'s bytes, and a new revision object. */
        FakeBundle revise(Path jar) throws IOException {
            Path dir = cacheRoot.resolve("bundle" + id).resolve("version0." + revisions++);
            Files.createDirectories(dir);
            Files.copy(jar, dir.resolve("bundle.jar"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(dir.resolve("revision.location"), "inputstream:");
            revision.set(newRevision(bundle));
            return this;
        }

        BundleRevision revision() {
            return revision.get();
        }
    }

    FakeBundle bundle(long id) {
        return new FakeBundle(id);
    }

    static org.osgi.framework.wiring.BundleCapability capabilityOf(BundleRevision revision) {
        return (org.osgi.framework.wiring.BundleCapability) Proxy.newProxyInstance(BundleRevision.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.wiring.BundleCapability.class}, (proxy, method, args) ->
                        switch (method.getName()) {
                            case "getRevision", "getResource" -> revision;
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "capability of " + revision;
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
    }

    static org.osgi.framework.wiring.BundleRequirement requirementOf(BundleRevision revision) {
        return (org.osgi.framework.wiring.BundleRequirement) Proxy.newProxyInstance(
                BundleRevision.class.getClassLoader(),
                new Class<?>[] {org.osgi.framework.wiring.BundleRequirement.class}, (proxy, method, args) ->
                        switch (method.getName()) {
                            case "getRevision", "getResource" -> revision;
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == args[0];
                            case "toString" -> "requirement of " + revision;
                            default -> throw new UnsupportedOperationException(method.getName());
                        });
    }

    static BundleRevision newRevision(Bundle bundle) {
        return (BundleRevision) Proxy.newProxyInstance(BundleRevision.class.getClassLoader(),
                new Class<?>[] {BundleRevision.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getBundle" -> bundle;
                    case "getWiring" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "revision of " + bundle;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
