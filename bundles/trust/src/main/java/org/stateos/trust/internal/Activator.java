package org.stateos.trust.internal;

import java.io.File;
import java.net.URL;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Starts the signature gate. A plain activator (no Declarative Services, no logging framework): this bundle starts at
 * start level 1 before anything else resolves and imports nothing but the OSGi framework.
 *
 * <p>The gate is registered through the SYSTEM bundle's context, so stopping or uninstalling this bundle does not
 * remove it. Starting this bundle again registers no second gate: a registered gate of this same implementation
 * (same class loader) is found in the service registry. A system property would not do as the guard: it can be set
 * from the command line or etc/system.properties before boot and would then be the off switch the gate must not have.
 * A gate from an earlier revision of this bundle (it was updated) hands over to the new one once the new one is
 * registered, so there is no moment without a gate.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class Activator implements BundleActivator {

    static final String LOGGER = "org.stateos.trust";
    static final String SYMBOLIC_NAME = "org.stateos.trust";
    private static final Logger LOG = Logger.getLogger(LOGGER);

    @Override
    public void start(BundleContext context) {
        Bundle self = context.getBundle();
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        BundleContext systemContext = system.getBundleContext();
        if (Gate.inForce(systemContext)) {
            LOG.info("signature gate already in force; not registering a second one");
            return;
        }
        preloadOwnClasses(self);
        VendorAnchor anchor = VendorAnchor.load(self.getEntry(VendorAnchor.ENTRY));
        File data = context.getDataFile("");
        Path dataDir = data == null ? null : data.toPath().toAbsolutePath();
        // <cache>/bundle<id>/data → <cache>
        Path cacheRoot = dataDir == null || dataDir.getParent() == null ? null : dataDir.getParent().getParent();
        if (dataDir == null) {
            LOG.warning("no data area: verdicts are not cached across boots and refused updates are not undone");
        }
        Gate gate = new Gate(anchor, self.adapt(BundleRevision.class), cacheRoot,
                dataDir == null ? VerdictCache.inMemory() : VerdictCache.load(dataDir.resolve("verdicts.properties")),
                dataDir == null ? null : VerifiedJars.open(dataDir), system);
        gate.open(systemContext);
    }

    /** The gate stays in force: it belongs to the system bundle, not to this one. Nothing to undo. */
    @Override
    public void stop(BundleContext context) {
        LOG.info("trust bundle stopping; the signature gate stays in force (it is registered by the system bundle)");
    }

    /**
     * Loads every class of this bundle now. The gate outlives this bundle: if it is uninstalled and refreshed, its
     * class loader can no longer load classes from the jar, and a class first needed then would fail the gate.
     */
    private static void preloadOwnClasses(Bundle self) {
        Enumeration<URL> entries = self.findEntries("org/stateos/trust", "*.class", true);
        while (entries != null && entries.hasMoreElements()) {
            String path = entries.nextElement().getPath();
            String name = path.substring(path.startsWith("/") ? 1 : 0, path.length() - ".class".length())
                    .replace('/', '.');
            try {
                self.loadClass(name);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.log(Level.FINE, "cannot preload " + name, e);
            }
        }
    }
}
