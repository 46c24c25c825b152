/**
 * The signature gate's small API: verdicts on bundles and the jar verifier the build tools share.
 * This package depends on the JDK and org.osgi.framework only.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.trust;
