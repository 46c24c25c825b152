package org.stateos.webrtc.internal.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** A session stand-in that records what the transport tells it. */
final class RecordingListener implements TransportListener {
    final CompletableFuture<PeerTransport> connected = new CompletableFuture<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    final LinkedBlockingQueue<String> rtcp = new LinkedBlockingQueue<>();
    volatile int closedCalls;
    volatile boolean callbacksOnLoop = true;
    volatile PeerTransport transport;

    @Override
    public void onConnected(PeerTransport t) {
        checkLoop(t);
        connected.complete(t);
    }

    @Override
    public void onRtcp(ByteBuf plainRtcp) {
        rtcp.add(ByteBufUtil.hexDump(plainRtcp));
    }

    @Override
    public void onClosed(String reason) {
        closedCalls++;
        closed.complete(reason);
    }

    private void checkLoop(PeerTransport t) {
        if (!t.eventLoop().inEventLoop()) {
            callbacksOnLoop = false;
        }
    }
}
