package org.stateos.webrtc.internal.transport;

/**
 * Opens peer transports on the node's one WebRTC UDP port (8189 by default).
 */
public interface TransportService {

    /**
     * Prepares a transport for one offer: fresh ICE credentials, our DTLS certificate's fingerprint.
     *
     * @param remoteUfrag       the offer's a=ice-ufrag
     * @param remotePwd         the offer's a=ice-pwd
     * @param remoteFingerprint the offer's a=fingerprint (algorithm and hex), checked against the peer's DTLS
     *                          certificate: a mismatch fails the handshake
     * @param listener          the session
     */
    PeerTransport open(String remoteUfrag, String remotePwd, Fingerprint remoteFingerprint, TransportListener listener);

    /** How the UDP sockets send (segmented or one datagram per call, and why), for the shell. */
    String sendMode();

    /** An SDP fingerprint: algorithm (e.g. {@code sha-256}) and colon-separated upper-case hex. */
    record Fingerprint(String algorithm, String hex) {
    }
}
