package org.stateos.rtmp.internal.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.StreamBusyException;
import org.stateos.rtmp.internal.amf.Amf0;
import org.stateos.rtmp.internal.amf.AmfException;
import org.stateos.rtmp.internal.chunk.HandshakeDecoder;
import org.stateos.rtmp.internal.chunk.MessageType;
import org.stateos.rtmp.internal.chunk.RtmpMessage;
import org.stateos.rtmp.internal.chunk.RtmpProtocolException;
import org.stateos.rtmp.internal.flv.FlvFormatException;

/**
 * The message layer of one RTMP connection: protocol control, user control and AMF0 commands, and the FLV audio,
 * video and data messages of a publication, which {@link StreamIngest} turns into frames. Runs on the
 * connection's event loop; {@link #snapshot()} may be called from anywhere.
 *
 * <p>Command flow of a publisher (OBS, ffmpeg): connect → releaseStream → FCPublish → createStream → publish →
 * media... → FCUnpublish → deleteStream. A publisher who loses the connection has its publication closed; one the
 * registry ends (taken over, kicked) gets an onStatus saying why and is disconnected.
 */
public final class RtmpSession extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpSession.class);
    static final String NAME_RULE = "a stream key must be 1..64 characters of A-Z a-z 0-9 . _ -";

    /** What a session needs from its server. */
    public record Context(MediaService media, String application, Set<String> allowedKeys, int chunkSize,
            int ackWindow, LongSupplier wallMicros) {
    }

    private final Context context;
    private final ByteCounter counter;
    private final Instant started = Instant.now();
    private Channel channel;
    private volatile SessionState state = SessionState.HANDSHAKE;
    private volatile String remote = "?";
    private volatile String app = "";
    private volatile String streamName = "";
    private volatile StreamIngest ingest;
    private Publication publication;
    private int nextStreamId = 1;
    private int publishStreamId;
    private int publishGeneration;
    private boolean ignoredMediaReported;
    private boolean aggregateReported;

    public RtmpSession(Context context, ByteCounter counter) {
        this.context = context;
        this.counter = counter;
    }

    public SessionState state() {
        return state;
    }

    public SessionSnapshot snapshot() {
        StreamIngest in = ingest;
        return new SessionSnapshot(remote, app, streamName, state, counter.bytesIn(), counter.bitrateBps(),
                Duration.between(started, Instant.now()), in == null ? 0 : in.frames(),
                in == null ? "" : in.metadata());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        if (channel.remoteAddress() instanceof InetSocketAddress a) {
            remote = a.getAddress().getHostAddress() + ":" + a.getPort();
        }
        LOG.debug("RTMP {}: connected", remote);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HandshakeDecoder.COMPLETE) {
            state = SessionState.CONNECTING;
        } else if (evt instanceof IdleStateEvent) {
            LOG.info("RTMP {}: nothing received for the idle timeout ({}); closing", remote, describe());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof RtmpMessage m)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (state != SessionState.CLOSED) {
                handle(m);
            }
        } catch (AmfException | FlvFormatException e) {
            fail("bad " + MessageType.name(m.typeId()) + " message: " + e.getMessage());
        } finally {
            m.release();
        }
    }

    private void handle(RtmpMessage m) throws AmfException, FlvFormatException {
        ByteBuf p = m.payload();
        switch (m.typeId()) {
            case MessageType.SET_CHUNK_SIZE, MessageType.ABORT, MessageType.ACKNOWLEDGEMENT,
                    MessageType.SET_PEER_BANDWIDTH -> {
                // chunk size and abort are applied by the chunk decoder; acks and bandwidth need nothing
            }
            case MessageType.WINDOW_ACK_SIZE -> {
                if (p.readableBytes() >= 4) {
                    counter.window(p.getUnsignedInt(p.readerIndex()));
                }
            }
            case MessageType.USER_CONTROL -> userControl(p);
            case MessageType.COMMAND_AMF0 -> command(Amf0.decodeAll(p, Amf0.Limits.DEFAULT), m.streamId());
            case MessageType.COMMAND_AMF3 -> {
                // AMF3 command messages start with a format byte (0) and then carry AMF0
                p.skipBytes(Math.min(1, p.readableBytes()));
                command(Amf0.decodeAll(p, Amf0.Limits.DEFAULT), m.streamId());
            }
            case MessageType.DATA_AMF0 -> data(Amf0.decodeAll(p, Amf0.Limits.DEFAULT));
            case MessageType.DATA_AMF3 -> {
                p.skipBytes(Math.min(1, p.readableBytes()));
                data(Amf0.decodeAll(p, Amf0.Limits.DEFAULT));
            }
            case MessageType.VIDEO, MessageType.AUDIO -> media(m);
            case MessageType.AGGREGATE -> {
                if (!aggregateReported) {
                    aggregateReported = true;
                    LOG.warn("RTMP {}: aggregate messages are not supported; dropped ({})", remote, describe());
                }
            }
            default -> LOG.debug("RTMP {}: {} ignored", remote, m);
        }
    }

    private void userControl(ByteBuf p) {
        if (p.readableBytes() < 2) {
            return;
        }
        int event = p.getUnsignedShort(p.readerIndex());
        if (event == MessageType.UC_PING_REQUEST && p.readableBytes() >= 6) {
            send(Messages.userControl(channel.alloc(), MessageType.UC_PING_RESPONSE,
                    p.getInt(p.readerIndex() + 2)));
        }
    }

    private void command(List<Object> values, int messageStreamId) {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            fail("command message without a command name");
            return;
        }
        double txn = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        LOG.debug("RTMP {}: command {} {}", remote, name, values);
        if (state == SessionState.CONNECTING && !name.equals("connect")) {
            fail("command '" + name + "' before connect");
            return;
        }
        switch (name) {
            case "connect" -> connect(txn, values);
            case "releaseStream", "FCPublish" -> result(txn, Amf0.NULL, Amf0.UNDEFINED);
            case "createStream" -> {
                result(txn, Amf0.NULL, (double) nextStreamId);
                nextStreamId++;
            }
            case "publish" -> publish(txn, values, messageStreamId);
            case "FCUnpublish" -> {
                unpublish("publisher sent FCUnpublish");
                result(txn, Amf0.NULL, Amf0.UNDEFINED);
            }
            case "deleteStream", "closeStream" -> unpublish("publisher sent " + name);
            case "play", "play2" -> {
                sendStatus(messageStreamId, "error", "NetStream.Play.Failed",
                        "this node ingests RTMP only; watch the stream over WebRTC (http://<node>:8080/)");
                error(txn, "NetConnection.Call.Failed", "play is not supported: this node ingests RTMP only");
            }
            case "_result", "_error", "onStatus", "_checkbw", "getStreamLength", "ping", "pong" -> {
                // replies and keep-alives: nothing to answer
            }
            default -> {
                LOG.info("RTMP {}: unknown command '{}'", remote, name);
                error(txn, "NetConnection.Call.Failed", "Method not found (" + name + ")");
            }
        }
    }

    private void connect(double txn, List<Object> values) {
        if (state != SessionState.CONNECTING) {
            error(txn, "NetConnection.Call.Failed", "already connected");
            return;
        }
        Map<?, ?> props = values.size() > 2 && values.get(2) instanceof Map<?, ?> map ? map : Map.of();
        String requested = props.get("app") instanceof String s ? s : "";
        String appName = stripQuery(requested);
        while (appName.endsWith("/")) {
            appName = appName.substring(0, appName.length() - 1);
        }
        // rtmp://host/live/name typed as the server (OBS) arrives as app "live/name"; publish then names the key
        if (!appName.equals(context.application()) && !appName.startsWith(context.application() + "/")) {
            String text = "unknown application '" + requested + "'; publish to rtmp://<node>/" + context.application()
                    + " with the stream name as the key";
            LOG.info("RTMP {}: connect refused: {}", remote, text);
            sendCommand(0, "_error", txn, Amf0.NULL, status("error", "NetConnection.Connect.Rejected", text));
            closeAfterFlush();
            return;
        }
        app = appName;
        send(Messages.windowAckSize(channel.alloc(), context.ackWindow()));
        send(Messages.setPeerBandwidth(channel.alloc(), context.ackWindow()));
        send(Messages.setChunkSize(channel.alloc(), context.chunkSize()));
        Map<String, Object> info = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", props.get("objectEncoding") instanceof Double d ? d : 0.0);
        sendCommand(0, "_result", txn, Amf0.object("fmsVer", "FMS/3,0,1,123", "capabilities", 31.0), info);
        state = SessionState.CONNECTED;
        LOG.info("RTMP {}: connected to application '{}' ({})", remote, appName,
                props.get("flashVer") instanceof String v ? v : "no flashVer");
    }

    private void publish(double txn, List<Object> values, int messageStreamId) {
        if (state == SessionState.PUBLISHING) {
            sendStatus(messageStreamId, "error", "NetStream.Publish.BadName", "this connection already publishes '"
                    + streamName + "'");
            return;
        }
        String requested = values.size() > 3 && values.get(3) instanceof String s ? s : "";
        String name = stripQuery(requested);
        if (name.isEmpty() && app.startsWith(context.application() + "/")) {
            name = app.substring(context.application().length() + 1); // rtmp://host/live/name with an empty key
        }
        String origin = "rtmp " + remote;
        if (!MediaService.isValidName(name)) {
            refusePublish(messageStreamId, name, NAME_RULE + " (got '" + requested + "')");
            return;
        }
        if (!context.allowedKeys().isEmpty() && !context.allowedKeys().contains(name)) {
            refusePublish(messageStreamId, name, "stream key '" + name + "' is not allowed to publish on this node");
            return;
        }
        Publication pub;
        try {
            int generation = ++publishGeneration;
            pub = context.media().publish(name, origin, reason -> {
                try {
                    channel.eventLoop().execute(() -> ended(generation, reason));
                } catch (RejectedExecutionException e) {
                    channel.close(); // the event loop is shutting down: the connection goes with it
                }
            });
        } catch (StreamBusyException e) {
            refusePublish(messageStreamId, name, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            refusePublish(messageStreamId, name, e.getMessage());
            return;
        }
        if (!channel.isActive()) {
            pub.close();
            return;
        }
        publication = pub;
        publishStreamId = messageStreamId;
        streamName = name;
        ingest = new StreamIngest(pub, this::ingestStatus, context.wallMicros(), channel.alloc());
        state = SessionState.PUBLISHING;
        send(Messages.userControl(channel.alloc(), MessageType.UC_STREAM_BEGIN, messageStreamId));
        sendStatus(messageStreamId, "status", "NetStream.Publish.Start", "Publishing " + name + ".");
        LOG.info("RTMP {}: publishing stream '{}'", remote, name);
    }

    private void refusePublish(int messageStreamId, String name, String why) {
        LOG.warn("RTMP {}: publish of '{}' refused: {}", remote, name, why);
        sendStatus(messageStreamId, "error", "NetStream.Publish.BadName", why);
        closeAfterFlush();
    }

    private void ingestStatus(String level, String code, String description) {
        if (state == SessionState.PUBLISHING) {
            sendStatus(publishStreamId, level, code, description);
        }
    }

    /** The registry ended the publication (takeover, kick): say why, then disconnect. */
    private void ended(int generation, String reason) {
        if (state != SessionState.PUBLISHING || generation != publishGeneration) {
            return;
        }
        LOG.info("RTMP {}: publication of '{}' ended by the media registry: {}", remote, streamName, reason);
        sendStatus(publishStreamId, "status", "NetStream.Unpublish.Success", reason);
        closePublication();
        closeAfterFlush();
    }

    private void unpublish(String why) {
        if (state == SessionState.PUBLISHING) {
            LOG.info("RTMP {}: stream '{}' unpublished ({})", remote, streamName, why);
            sendStatus(publishStreamId, "status", "NetStream.Unpublish.Success", streamName + " is now unpublished.");
            closePublication();
            state = SessionState.CONNECTED;
        }
    }

    private void closePublication() {
        Publication pub = publication;
        publication = null;
        ingest = null;
        if (pub != null) {
            pub.close();
        }
    }

    private void data(List<Object> values) {
        // @setDataFrame("onMetaData", {...}) from ffmpeg/OBS, or onMetaData({...}) directly
        int i = values.size() > 0 && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() > i + 1 && "onMetaData".equals(values.get(i)) && values.get(i + 1) instanceof Map<?, ?> meta
                && ingest != null) {
            ingest.metadata(meta);
        }
    }

    private void media(RtmpMessage m) throws FlvFormatException {
        StreamIngest in = ingest;
        if (state != SessionState.PUBLISHING || in == null || m.streamId() != publishStreamId) {
            if (!ignoredMediaReported) {
                ignoredMediaReported = true;
                LOG.info("RTMP {}: {} outside a publication ignored", remote, m);
            }
            return;
        }
        if (m.typeId() == MessageType.VIDEO) {
            in.video(m.timestamp(), m.payload());
        } else {
            in.audio(m.timestamp(), m.payload());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state == SessionState.PUBLISHING) {
            LOG.info("RTMP {}: connection lost while publishing '{}'; publication closed", remote, streamName);
        } else {
            LOG.debug("RTMP {}: closed ({})", remote, describe());
        }
        closePublication();
        state = SessionState.CLOSED;
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            LOG.debug("RTMP {}: {}", remote, cause.toString());
            ctx.close();
        } else {
            // Decoders wrap what they throw; a protocol error's message is the line an operator needs.
            Throwable root = cause instanceof DecoderException && !(cause instanceof RtmpProtocolException)
                    && cause.getCause() != null ? cause.getCause() : cause;
            fail(root instanceof RtmpProtocolException ? root.getMessage() : root.toString());
            if (!(root instanceof RtmpProtocolException)) {
                LOG.debug("RTMP {}: stack of the failure", remote, cause);
            }
        }
    }

    /** Protocol error: log it, tell a publisher why, close the connection. */
    private void fail(String why) {
        if (state == SessionState.CLOSED || channel == null) {
            return;
        }
        LOG.warn("RTMP {}: closing connection ({}): {}", remote, describe(), why);
        if (state == SessionState.PUBLISHING) {
            sendStatus(publishStreamId, "error", "NetStream.Publish.Failed", why);
        }
        closePublication();
        state = SessionState.CLOSED;
        closeAfterFlush();
    }

    private String describe() {
        return state + (streamName.isEmpty() ? "" : ", stream '" + streamName + "'");
    }

    private static String stripQuery(String s) {
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    private static Map<String, Object> status(String level, String code, String description) {
        return Amf0.object("level", level, "code", code, "description", description);
    }

    private void result(double txn, Object... args) {
        if (txn > 0) {
            Object[] all = new Object[args.length + 2];
            all[0] = "_result";
            all[1] = txn;
            System.arraycopy(args, 0, all, 2, args.length);
            send(Messages.command(channel.alloc(), 0, all));
        }
    }

    private void error(double txn, String code, String description) {
        if (txn > 0) {
            sendCommand(0, "_error", txn, Amf0.NULL, status("error", code, description));
        }
    }

    private void sendStatus(int messageStreamId, String level, String code, String description) {
        sendCommand(messageStreamId, "onStatus", 0.0, Amf0.NULL, status(level, code, description));
    }

    private void sendCommand(int messageStreamId, Object... values) {
        send(Messages.command(channel.alloc(), messageStreamId, values));
    }

    private void send(RtmpMessage m) {
        if (channel.isActive()) {
            channel.writeAndFlush(m, channel.voidPromise());
        } else {
            m.release();
        }
    }

    private void closeAfterFlush() {
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
