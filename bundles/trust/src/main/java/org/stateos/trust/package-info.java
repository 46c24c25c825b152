/**
 * The signature gate's small API: verdicts on bundles and the jar verifier the build tools share.
 * This package depends on the JDK and org.osgi.framework only.
 *
 * <p>Exported without the usual substitution import: the trust bundle resolves before the gate exists, so an import of
 * its own package could be wired to another bundle's export of it, unchecked.
 */
@org.osgi.annotation.bundle.Export(substitution = org.osgi.annotation.bundle.Export.Substitution.NOIMPORT)
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.trust;
