/** Node identity and node-wide status, shared by every layer. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.stateos.api.node;
