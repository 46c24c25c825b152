package org.stateos.webrtc.internal.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.stateos.webrtc.internal.srtp.SrtpProfile;

/**
 * The transport's settings, checked; built from {@link TransportConfig} or directly by tests.
 *
 * @param announcedAddresses configured candidates as "address" or "address:port" ("[v6]:port" for IPv6 with a
 *                           port); empty to derive them from the bind address and the interfaces
 * @param udpGso             send a frame's packets to one viewer with one sendmsg (UDP_SEGMENT) where the kernel can
 */
public record TransportSettings(String bindAddress, int port, List<String> announcedAddresses, Duration iceTimeout,
        Duration consentTimeout, Duration dtlsHandshakeTimeout, int dtlsHandshakeThreads, int dtlsHandshakesPerAddress,
        List<SrtpProfile> srtpProfiles, int maxSessions, int udpSockets, boolean udpGso) {

    /** Handshakes queued behind the busy handshake threads before new ones are refused. */
    public static final int DTLS_HANDSHAKE_QUEUE = 256;

    public TransportSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        announcedAddresses = List.copyOf(announcedAddresses);
        srtpProfiles = List.copyOf(srtpProfiles);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        positive("ice.timeout", iceTimeout);
        positive("consent.timeout", consentTimeout);
        positive("dtls.handshake.timeout", dtlsHandshakeTimeout);
        if (dtlsHandshakeThreads < 1 || dtlsHandshakeThreads > 64) {
            throw new IllegalArgumentException("dtls.handshake.threads must be 1..64, got " + dtlsHandshakeThreads);
        }
        if (dtlsHandshakesPerAddress < 1 || dtlsHandshakesPerAddress > 64) {
            throw new IllegalArgumentException("dtls.handshakes.per.address must be 1..64, got " + dtlsHandshakesPerAddress);
        }
        if (srtpProfiles.isEmpty()) {
            throw new IllegalArgumentException("srtp.profiles names no profile");
        }
        if (udpSockets < 0 || udpSockets > 64) {
            throw new IllegalArgumentException("udp.sockets must be 0 (one per event loop) .. 64, got " + udpSockets);
        }
        if (maxSessions < 1) {
            throw new IllegalArgumentException("max.sessions must be >= 1, got " + maxSessions);
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }

    public static TransportSettings from(TransportConfig c) {
        return new TransportSettings(c.bind_address().trim(), c.port(), split(c.announced_addresses()),
                Duration.ofSeconds(c.ice_timeout_seconds()), Duration.ofSeconds(c.consent_timeout_seconds()),
                Duration.ofSeconds(c.dtls_handshake_timeout_seconds()), c.dtls_handshake_threads(), c.dtls_handshakes_per_address(),
                split(c.srtp_profiles()).stream().map(TransportSettings::profile).toList(), c.max_sessions(), c.udp_sockets(),
                c.udp_gso());
    }

    /** Defaults, as a first boot has them, on {@code port} (0 for any free port). */
    public static TransportSettings defaults(String bindAddress, int port) {
        return new TransportSettings(bindAddress, port, List.of(), Duration.ofSeconds(15), Duration.ofSeconds(30),
                Duration.ofSeconds(10), 2, 1, List.of(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES_CM_128_HMAC_SHA1_80), 1000, 0, true);
    }

    /** {@code sockets} UDP sockets on the port (0: one per event loop). */
    public TransportSettings withUdpSockets(int sockets) {
        return new TransportSettings(bindAddress, port, announcedAddresses, iceTimeout, consentTimeout, dtlsHandshakeTimeout,
                dtlsHandshakeThreads, dtlsHandshakesPerAddress, srtpProfiles, maxSessions, sockets, udpGso);
    }

    /** With or without segmented sends (UDP GSO). */
    public TransportSettings withUdpGso(boolean on) {
        return new TransportSettings(bindAddress, port, announcedAddresses, iceTimeout, consentTimeout, dtlsHandshakeTimeout,
                dtlsHandshakeThreads, dtlsHandshakesPerAddress, srtpProfiles, maxSessions, udpSockets, on);
    }

    /** DTLS handshake timeout, pool threads and how many of them one source address may hold at once. */
    public TransportSettings withDtlsHandshakes(Duration timeout, int threads, int perAddress) {
        return new TransportSettings(bindAddress, port, announcedAddresses, iceTimeout, consentTimeout, timeout, threads,
                perAddress, srtpProfiles, maxSessions, udpSockets, udpGso);
    }

    public TransportSettings withTimeouts(Duration ice, Duration consent) {
        return new TransportSettings(bindAddress, port, announcedAddresses, ice, consent, dtlsHandshakeTimeout,
                dtlsHandshakeThreads, dtlsHandshakesPerAddress, srtpProfiles, maxSessions, udpSockets, udpGso);
    }

    public TransportSettings withSrtpProfiles(List<SrtpProfile> profiles) {
        return new TransportSettings(bindAddress, port, announcedAddresses, iceTimeout, consentTimeout,
                dtlsHandshakeTimeout, dtlsHandshakeThreads, dtlsHandshakesPerAddress, profiles, maxSessions, udpSockets, udpGso);
    }

    public TransportSettings withAnnouncedAddresses(List<String> addresses) {
        return new TransportSettings(bindAddress, port, addresses, iceTimeout, consentTimeout, dtlsHandshakeTimeout,
                dtlsHandshakeThreads, dtlsHandshakesPerAddress, srtpProfiles, maxSessions, udpSockets, udpGso);
    }

    private static SrtpProfile profile(String name) {
        try {
            return SrtpProfile.parse(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("srtp.profiles: unknown profile '" + name + "'");
        }
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return out;
    }
}
