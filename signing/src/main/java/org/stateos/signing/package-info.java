/**
 * The StateOS vendor signing tool, as a library and a command line ({@link org.stateos.signing.Main}):
 * vendor keys and certificates ({@link org.stateos.signing.VendorCertificates},
 * {@link org.stateos.signing.KeyDirectory}), JAR signing ({@link org.stateos.signing.VendorJarSigner},
 * {@link org.stateos.signing.TreeSigner}) and signed release manifests
 * ({@link org.stateos.signing.ReleaseManifestBuilder}, {@link org.stateos.signing.ReleaseSigner},
 * {@link org.stateos.signing.ReleaseVerifier}). Jar verification is the trust bundle's
 * {@code org.stateos.trust.JarSignatureVerifier}, the same code the appliance runs.
 */
package org.stateos.signing;
