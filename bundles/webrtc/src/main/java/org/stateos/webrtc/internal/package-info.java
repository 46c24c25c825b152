/** The webrtc bundle's implementation; nothing here is exported. */
package org.stateos.webrtc.internal;
