/** The rtmp bundle's implementation; nothing here is exported. */
package org.stateos.rtmp.internal;
