package org.stateos.rtmp.internal;

import java.net.InetSocketAddress;
import java.util.List;
import org.stateos.rtmp.internal.session.SessionSnapshot;

/** What rtmp:sessions shows: the server's address and its connections. Registered by {@link RtmpServerComponent}. */
public interface RtmpSessions {
    /** Where the server listens; null when it is not listening. */
    InetSocketAddress localAddress();

    List<SessionSnapshot> sessions();
}
