/**
 * The unit store: immutable, content-addressed data units, large objects as Merkle trees of units,
 * signed object heads with compare-and-set and forks, retention classes and a time index for media tracks.
 * See the bundle's README for the byte-exact encodings.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.stateos.store;
