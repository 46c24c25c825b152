package org.stateos.loadclient;

import java.net.InetSocketAddress;

/**
 * How a viewer gets the server's session description and gives its own: WHEP (we offer, the node answers) or
 * Janus's HTTP API (Janus offers, we answer). Called on the setup threads.
 */
public interface Signalling {
    /** The viewer's side: ICE credentials and DTLS fingerprint (sha-256), a fresh SDP session id. */
    record Local(String ufrag, String pwd, String fingerprint, long sdpSessionId) {
    }

    /** The server's description as parsed, and what {@link #close} needs to end the session. */
    record Remote(Answer description, Object session) {
    }

    /** The host the operator addressed: the candidate on it is preferred. */
    String host();

    /** Starts a session and returns the server's description. */
    Remote open(Local local) throws Exception;

    /**
     * The viewer's UDP channel is bound and connected to the chosen candidate: send what is still owed (Janus:
     * the answer with this host candidate). WHEP has nothing left to send.
     */
    void connected(Remote remote, Local local, InetSocketAddress localAddress) throws Exception;

    /** Ends the session (WHEP DELETE, Janus destroy); the HTTP status, or -1 when the request failed. */
    int close(Remote remote);
}
