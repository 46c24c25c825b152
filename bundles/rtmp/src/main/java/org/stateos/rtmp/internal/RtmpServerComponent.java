package org.stateos.rtmp.internal;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.stateos.api.media.MediaService;
import org.stateos.rtmp.internal.session.SessionSnapshot;

/**
 * The RTMP ingest in the container: configured by {@code etc/org.stateos.rtmp.cfg}, running on the node's shared
 * {@link EventLoopGroup}, publishing into the {@link MediaService}. A configuration change restarts it.
 */
@Component(service = RtmpSessions.class, configurationPid = RtmpConfig.PID, immediate = true)
@Designate(ocd = RtmpConfig.class)
public final class RtmpServerComponent implements RtmpSessions {
    private final RtmpServer server;

    @Activate
    public RtmpServerComponent(RtmpConfig config, @Reference(name = "eventLoopGroup") EventLoopGroup group,
            @Reference(name = "media") MediaService media) throws IOException {
        this.server = new RtmpServer(RtmpSettings.from(config), group, media);
        server.start();
    }

    @Deactivate
    void stop() {
        server.close();
    }

    @Override
    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public List<SessionSnapshot> sessions() {
        return server.sessions();
    }
}
