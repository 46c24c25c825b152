/** Helpers the network bundles share (binding a listening socket on the node's event loop group). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.api.net;
