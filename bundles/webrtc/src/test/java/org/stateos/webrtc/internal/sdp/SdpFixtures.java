package org.stateos.webrtc.internal.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.stateos.webrtc.internal.transport.PeerTransport.LocalParameters;

/** Offers captured from browsers (Chrome recvonly video+audio, as the player makes it). */
public final class SdpFixtures {
    private SdpFixtures() {
    }

    public static String chromeOffer() {
        try (InputStream in = SdpFixtures.class.getResourceAsStream("chrome-recvonly-offer.sdp")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static LocalParameters local() {
        return new LocalParameters("srvU", "serverpassword0123456789", "sha-256",
                "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99",
                List.of(new InetSocketAddress("192.0.2.10", 8189), new InetSocketAddress("2001:db8::10", 8189)));
    }
}
