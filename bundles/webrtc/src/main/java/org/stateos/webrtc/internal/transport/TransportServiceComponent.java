package org.stateos.webrtc.internal.transport;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The WebRTC transport in the container: configured by {@code etc/org.stateos.webrtc.cfg}, bound on the node's
 * shared {@link EventLoopGroup}. A configuration change restarts it (DS deactivates and activates again), which
 * closes every session (their listeners hear onClosed) and makes a new DTLS certificate.
 */
@Component(service = TransportService.class, configurationPid = TransportConfig.PID, immediate = true)
@Designate(ocd = TransportConfig.class)
public final class TransportServiceComponent implements TransportService {
    private final WebRtcTransportServer server;

    @Activate
    public TransportServiceComponent(TransportConfig config, @Reference(name = "eventLoopGroup") EventLoopGroup group)
            throws IOException {
        WebRtcTransportServer s = new WebRtcTransportServer(TransportSettings.from(config), group);
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.server = s;
    }

    @Deactivate
    void stop() {
        server.close();
    }

    @Override
    public PeerTransport open(String remoteUfrag, String remotePwd, Fingerprint remoteFingerprint, TransportListener listener) {
        return server.open(remoteUfrag, remotePwd, remoteFingerprint, listener);
    }

    @Override
    public String sendMode() {
        return server.sendMode();
    }

    /** For shell commands and status. */
    public WebRtcTransportServer server() {
        return server;
    }
}
