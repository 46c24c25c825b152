package org.stateos.signing;

/**
 * One jar of a release.
 *
 * @param symbolicName Bundle-SymbolicName (without directives)
 * @param version      Bundle-Version ("0.0.0" when absent, as OSGi defines)
 * @param sha256       SHA-256 of the jar's bytes, lower-case hex
 * @param size         the jar's size in bytes
 * @param path         where the jar lies, relative to the release directory, with '/' separators
 */
public record BundleEntry(String symbolicName, String version, String sha256, long size, String path) {}
