package org.stateos.webrtc.internal.session;

import io.netty.buffer.ByteBufAllocator;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.stateos.api.media.Codec;
import org.stateos.api.media.MediaKind;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.TrackConfig;
import org.stateos.api.media.TranscodeService;
import org.stateos.webrtc.internal.rtp.H264Profile;
import org.stateos.webrtc.internal.sdp.AnswerWriter;
import org.stateos.webrtc.internal.sdp.Negotiation;
import org.stateos.webrtc.internal.sdp.Negotiator;
import org.stateos.webrtc.internal.sdp.SdpException;
import org.stateos.webrtc.internal.sdp.SdpParser;
import org.stateos.webrtc.internal.sdp.SessionDescription;
import org.stateos.webrtc.internal.transport.PeerTransport;
import org.stateos.webrtc.internal.metrics.ServerLatency;
import org.stateos.webrtc.internal.transport.TransportService;

/**
 * The node's WHEP sessions: turns an offer for a stream into a session (negotiation, transport, subscription) and
 * its answer, finds and ends sessions, and ends them all when the bundle stops.
 */
@Component(service = SessionRegistry.class, configurationPid = SessionRegistry.PID)
@Designate(ocd = SessionConfig.class)
public final class SessionRegistry {
    /** etc/org.stateos.webrtc.session.cfg; the transport's keys live in etc/org.stateos.webrtc.cfg. */
    public static final String PID = "org.stateos.webrtc.session";

    /** A new session and the SDP answer for its offer. */
    public record Created(WhepSession session, String answer) {
    }

    /** Refused because the node already serves its configured maximum of sessions. */
    public static class TooManySessionsException extends Exception {
        private static final long serialVersionUID = 1L;

        TooManySessionsException(int max) {
            super("this node serves its maximum of " + max + " WebRTC sessions");
        }

        TooManySessionsException(String why) {
            super(why);
        }
    }

    /** Refused because the offer's address has its maximum of sessions, or of sessions still connecting (HTTP 429). */
    public static final class TooManyFromAddressException extends TooManySessionsException {
        private static final long serialVersionUID = 1L;

        private TooManyFromAddressException(String why) {
            super(why);
        }

        static TooManyFromAddressException connecting(InetAddress from, int max) {
            return new TooManyFromAddressException(from.getHostAddress() + " has " + max + " WebRTC sessions still "
                    + "connecting (whep.max.connecting.per.address); try again when they have connected or ended");
        }

        static TooManyFromAddressException sessions(InetAddress from, int max) {
            return new TooManyFromAddressException(from.getHostAddress() + " has " + max + " WebRTC sessions on this "
                    + "node (whep.max.sessions.per.address); end one before starting another");
        }
    }

    private final SessionSettings settings;
    private final MediaService media;
    private final TransportService transports;
    private final ByteBufAllocator alloc;
    private final Random random;
    private final SdpParser parser;
    private final ConcurrentHashMap<String, WhepSession> sessions = new ConcurrentHashMap<>();
    private final ServerLatency latency = new ServerLatency();
    /** Each video frame packetized once for all viewers. */
    private final SharedPayloads payloads = new SharedPayloads();
    private volatile boolean closed;
    /** Held while an offer is checked against the limits and its session entered (see {@link #create}). */
    private final Object admission = new Object();
    /** Optional and dynamic: the transcoder bundle can be swapped while sessions play (they re-lease). */
    private volatile TranscodeService transcoder;

    @Activate
    public SessionRegistry(SessionConfig config, @Reference MediaService media, @Reference TransportService transports) {
        this(SessionSettings.of(config), media, transports, ByteBufAllocator.DEFAULT, new SecureRandom());
    }

    public SessionRegistry(SessionSettings settings, MediaService media, TransportService transports,
            ByteBufAllocator alloc, Random random) {
        this.settings = settings;
        this.media = media;
        this.transports = transports;
        this.alloc = alloc;
        this.random = random;
        SdpParser.Limits d = SdpParser.Limits.DEFAULT;
        this.parser = new SdpParser(new SdpParser.Limits(settings.maxOfferBytes(), d.maxLines(), d.maxLineChars(),
                d.maxMediaSections(), d.maxFormats(), d.maxFmtpParameters()));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindTranscoder")
    public void bindTranscoder(TranscodeService service) {
        transcoder = service;
        for (WhepSession s : sessions.values()) {
            s.transcoderAvailable(service);
        }
    }

    public void unbindTranscoder(TranscodeService service) {
        if (transcoder == service) {
            transcoder = null;
        }
        for (WhepSession s : sessions.values()) {
            s.transcoderGone(service);
        }
    }

    public SessionSettings settings() {
        return settings;
    }

    /**
     * Answers an offer to watch {@code streamName}.
     *
     * @throws SdpException             400 for a malformed offer, 406 when nothing in it fits the stream
     * @throws StreamNotFoundException  no such stream
     * @throws TooManySessionsException the node is full
     */
    public Created create(String streamName, String offer)
            throws SdpException, StreamNotFoundException, TooManySessionsException {
        return create(streamName, offer, null);
    }

    /**
     * As {@link #create(String, String)} for an offer from {@code from} (the HTTP client's address; null: unknown).
     */
    public Created create(String streamName, String offer, InetAddress from)
            throws SdpException, StreamNotFoundException, TooManySessionsException {
        if (!MediaService.isValidName(streamName)) {
            throw new StreamNotFoundException(streamName);
        }
        SessionDescription parsed = parser.parse(offer);
        StreamInfo info = media.stream(streamName).orElseThrow(() -> new StreamNotFoundException(streamName));
        H264Profile profile = null;
        boolean opus = false;
        for (StreamInfo.TrackInfo t : info.tracks()) {
            TrackConfig c = t.config();
            if (c.kind() == MediaKind.VIDEO && profile == null) {
                if (c.codec() != Codec.H264) {
                    throw new SdpException(SdpException.NOT_ACCEPTABLE, "stream '" + streamName + "' carries " + c.codec()
                            + " video, which WebRTC cannot play without transcoding (not available yet)");
                }
                byte[] avcc = c.config();
                profile = avcc.length >= 4 ? new H264Profile(avcc[1] & 0xff, avcc[2] & 0xff, avcc[3] & 0xff) : null;
            }
            // AAC is offered as Opus too: a transcoder plays it (now or once one is there).
            opus |= c.codec() == Codec.OPUS || c.codec() == Codec.AAC;
        }
        Negotiation negotiation = Negotiator.negotiate(parsed, profile, opus);
        // The limits are checked and the session entered under one lock: checked apart, concurrent offers (one per
        // HTTP loop) all saw room for one more and the node overshot whep.max.sessions by up to the loops' count.
        Admitted admitted;
        synchronized (admission) {
            admitted = admit(streamName, negotiation, from);
        }
        WhepSession session = admitted.session();
        TranscodeService t = transcoder;
        if (t != null) {
            session.transcoderAvailable(t);   // before the subscription, so the AAC track finds it
        }
        try {
            session.subscribed(media.subscribe(streamName, session, admitted.transport().eventLoop()));
        } catch (StreamNotFoundException | RuntimeException e) {
            session.close("subscription failed: " + e.getMessage());
            throw e;
        }
        return new Created(session, admitted.answer());
    }

    private record Admitted(WhepSession session, PeerTransport transport, String answer) {
    }

    /**
     * Checks the node's limits for an offer and enters its session, with {@link #admission} held: short (ids, the
     * transport's bookkeeping, the answer's text); parsing and negotiating come before it, subscribing after.
     */
    private Admitted admit(String streamName, Negotiation negotiation, InetAddress from) throws SdpException,
            TooManySessionsException {
        if (closed) {
            throw new TooManySessionsException(0);
        }
        if (sessions.size() >= settings.maxSessions()) {
            throw new TooManySessionsException(settings.maxSessions());
        }
        if (from != null && !from.isLoopbackAddress()) {
            // The limits are for remote peers: a process on the node (vendor code only) needs no offers to hurt it, and
            // the load client and fan-out benchmark open hundreds of viewers from 127.0.0.1.
            FromAddress fromIt = sessionsFrom(from);
            if (fromIt.connecting() >= settings.maxConnectingPerAddress()) {
                // Without this one client fills the node with offers it never connects (each held until the ICE timeout).
                throw TooManyFromAddressException.connecting(from, settings.maxConnectingPerAddress());
            }
            if (fromIt.all() >= settings.maxSessionsPerAddress()) {
                // Without this one client that does connect (and keeps consent alive) takes every session of the node.
                throw TooManyFromAddressException.sessions(from, settings.maxSessionsPerAddress());
            }
        }
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        int[] seed = {random.nextInt(), random.nextInt(), random.nextInt(), random.nextInt()};
        String cname = "stateos-" + id.substring(0, 12);
        WhepSession session = new WhepSession(id, streamName, negotiation, settings, alloc, cname, seed, payloads,
                s -> sessions.remove(s.id(), s));
        PeerTransport transport;
        try {
            transport = transports.open(negotiation.remoteUfrag(), negotiation.remotePwd(),
                    negotiation.remoteFingerprint(), session);
        } catch (IllegalArgumentException e) {
            // the offer's ICE credentials or fingerprint hash: the client's fault (400), not a server error (500)
            throw new SdpException(e.getMessage());
        } catch (IllegalStateException e) {
            throw new TooManySessionsException(e.getMessage()); // the transport is full or stopping: 503
        }
        session.client(from);
        session.attach(transport);
        session.recordLatencyInto(latency);
        String answer = AnswerWriter.write(negotiation, transport.local(), random.nextLong() & Long.MAX_VALUE, cname,
                "stateos-" + streamName, session.videoSsrc(), session.audioSsrc());
        sessions.put(id, session);
        return new Admitted(session, transport, answer);
    }

    /** Sessions of one client address: all of them, and those not connected yet. */
    private record FromAddress(int all, int connecting) {
    }

    /** The sessions of {@code from} (a scan: at most whep.max.sessions, once per offer). */
    private FromAddress sessionsFrom(InetAddress from) {
        int all = 0;
        int connecting = 0;
        for (WhepSession s : sessions.values()) {
            if (from.equals(s.client())) {
                all++;
                if (s.state() == WhepSession.State.CONNECTING) {
                    connecting++;
                }
            }
        }
        return new FromAddress(all, connecting);
    }

    public Optional<WhepSession> get(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    /** Ends session {@code id} of {@code streamName}; false when there is none. */
    public boolean close(String streamName, String id, String reason) {
        WhepSession s = id == null ? null : sessions.get(id);
        if (s == null || !s.streamName().equals(streamName)) {
            return false;
        }
        sessions.remove(id, s);
        s.close(reason);
        return true;
    }

    public List<WhepSession.Info> sessions() {
        List<WhepSession.Info> out = new ArrayList<>();
        for (WhepSession s : sessions.values()) {
            out.add(s.info());
        }
        out.sort((a, b) -> a.started().compareTo(b.started()));
        return out;
    }

    /** Server-added latency of every session's video frames (webrtc:latency, GET /api/webrtc/latency). */
    public ServerLatency latency() {
        return latency;
    }

    public int size() {
        return sessions.size();
    }

    @Deactivate
    public void close() {
        closed = true;
        for (WhepSession s : List.copyOf(sessions.values())) {
            s.close("WebRTC sessions stopped");
        }
        sessions.clear();
    }
}
