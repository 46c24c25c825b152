/** The media bundle's implementation; nothing here is exported. */
package org.stateos.media.internal;
