package org.stateos.webrtc.internal.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.stateos.webrtc.internal.srtp.SrtpContext;
import org.stateos.webrtc.internal.srtp.SrtpProfile;

/**
 * Test helper: sends bursts of SRTP (AES-GCM) packets through a {@link UdpSocket} on its loop, as a session sends a
 * frame to one viewer, and checks that a receiving socket gets each packet, in order, decrypting to its payload.
 * Each burst and each check starts a fresh SRTP context with the same key, so every burst decrypts on its own.
 */
final class SrtpBursts {
    private final byte[] key = new byte[16];
    private final byte[] salt = new byte[12];
    private int seq;

    SrtpBursts() {
        Arrays.fill(key, (byte) 7);
        Arrays.fill(salt, (byte) 9);
    }

    /** A sender's SRTP context with this helper's key. */
    SrtpContext context() throws Exception {
        return new SrtpContext(SrtpProfile.AEAD_AES_128_GCM, key, salt);
    }

    /** A 12-byte RTP header with this sequence number (payload type 96, SSRC 0x12345678). */
    static byte[] header(int seq) {
        return new byte[] {(byte) 0x80, 96, (byte) (seq >> 8), (byte) seq, 0, 0, 0, 1, 0x12, 0x34, 0x56, 0x78};
    }

    /** One burst of packets with these payload sizes (0 means 1200) on the socket's loop; the plain payloads. */
    List<byte[]> send(Channel channel, UdpSocket socket, InetSocketAddress to, int... sizes) throws Exception {
        SrtpContext srtp = context();
        List<byte[]> payloads = new ArrayList<>();
        channel.eventLoop().submit(() -> {
            socket.beginBurst();
            for (int size : sizes) {
                byte[] payload = new byte[size == 0 ? 1200 : size];
                Arrays.fill(payload, (byte) (seq + 1));
                payloads.add(payload);
                socket.sendRtp(srtp, header(seq++), payload, 0, payload.length, to);
            }
            socket.endBurst();
        }).get(10, TimeUnit.SECONDS);
        return payloads;
    }

    /** Each datagram, in order, decrypts to the payload sent (5 s per datagram at most). */
    void assertReceived(DatagramChannel receiver, List<byte[]> payloads) throws Exception {
        SrtpContext in = context();
        receiver.socket().setSoTimeout(5000);
        byte[] buffer = new byte[65536];
        for (int i = 0; i < payloads.size(); i++) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            receiver.socket().receive(p);
            ByteBuf packet = Unpooled.copiedBuffer(p.getData(), 0, p.getLength());
            try {
                in.unprotectRtp(packet);
                byte[] payload = new byte[packet.readableBytes() - 12];
                packet.getBytes(packet.readerIndex() + 12, payload);
                assertArrayEquals(payloads.get(i), payload, "packet " + i);
            } finally {
                packet.release();
            }
        }
    }
}
