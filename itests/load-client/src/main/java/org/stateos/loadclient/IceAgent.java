package org.stateos.loadclient;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.spec.SecretKeySpec;
import org.stateos.webrtc.internal.stun.StunException;
import org.stateos.webrtc.internal.stun.StunIntegrity;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;

/**
 * The controlling side of ICE for one viewer against an ICE-lite server (RFC 8445, RFC 7675): binding requests
 * with USERNAME {@code theirUfrag:ourUfrag}, PRIORITY, ICE-CONTROLLING, USE-CANDIDATE (aggressive nomination),
 * MESSAGE-INTEGRITY with their password and FINGERPRINT; answers are matched by transaction id and checked for
 * FINGERPRINT and MESSAGE-INTEGRITY. Consent freshness is the same request sent every 4–6 s after nomination.
 * Writes and checks bytes only; the {@link Viewer} sends them and keeps the clock.
 */
public final class IceAgent {
    /** Peer-reflexive type preference 110, local preference 65535, component 1 (RFC 8445 5.1.2.1). */
    static final long PRIORITY = (110L << 24) | (65535L << 8) | 255;
    private static final int PENDING = 8;

    private final String username;
    private final SecretKeySpec key;
    private final String localUfragPrefix;
    private final SecretKeySpec localKey;
    private final long tieBreaker;
    private final SecureRandom random;
    private final byte[][] pending = new byte[PENDING][];
    private int nextSlot;
    private int lastError;

    public IceAgent(String localUfrag, String remoteUfrag, String remotePwd, SecureRandom random) {
        this(localUfrag, null, remoteUfrag, remotePwd, random);
    }

    /** With our password too: then checks from the server (libnice's triggered checks, even in ICE-lite) are answered. */
    public IceAgent(String localUfrag, String localPwd, String remoteUfrag, String remotePwd, SecureRandom random) {
        this.username = remoteUfrag + ":" + localUfrag;
        this.key = StunIntegrity.key(remotePwd);
        this.localUfragPrefix = localUfrag + ":";
        this.localKey = localPwd == null ? null : StunIntegrity.key(localPwd);
        this.random = random;
        this.tieBreaker = random.nextLong() & Long.MAX_VALUE;
    }

    /** A new binding request (remembered as pending); the caller sends and releases it. */
    public ByteBuf request(boolean useCandidate, StunIntegrity integrity) {
        byte[] tid = new byte[12];
        random.nextBytes(tid);
        pending[nextSlot] = tid;
        nextSlot = (nextSlot + 1) % PENDING;
        return StunWriter.bindingRequest(UnpooledByteBufAllocator.DEFAULT, tid, username, PRIORITY, useCandidate,
                tieBreaker, key, integrity);
    }

    /**
     * Checks one STUN datagram from the server.
     *
     * @return true for an authentic success response to one of our pending requests
     */
    public boolean onResponse(ByteBuf datagram, StunIntegrity integrity) {
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (StunException e) {
            return false;
        }
        int slot = -1;
        for (int i = 0; i < PENDING; i++) {
            if (pending[i] != null && Arrays.equals(pending[i], m.transactionId())) {
                slot = i;
            }
        }
        if (slot < 0 || !integrity.fingerprintValid(datagram, m)) {
            return false;
        }
        if (m.type() == StunMessage.BINDING_ERROR) {
            pending[slot] = null;
            lastError = m.errorCode();
            return false;
        }
        if (m.type() != StunMessage.BINDING_SUCCESS || !integrity.integrityValid(datagram, m, key)) {
            return false;
        }
        pending[slot] = null;
        return true;
    }

    /**
     * A success response to an authentic binding request from the server ({@code ourUfrag:theirUfrag}, our
     * password), or null when the datagram is no such request. Janus's libnice sends triggered checks even as
     * ICE-lite and fails the pair if they go unanswered; the node sends none.
     */
    public ByteBuf answerRequest(ByteBuf datagram, InetSocketAddress from, StunIntegrity integrity) {
        if (localKey == null) {
            return null;
        }
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (StunException e) {
            return null;
        }
        if (m.type() != StunMessage.BINDING_REQUEST || m.username() == null || !m.username().startsWith(localUfragPrefix)
                || !integrity.fingerprintValid(datagram, m) || !integrity.integrityValid(datagram, m, localKey)) {
            return null;
        }
        return StunWriter.bindingSuccess(UnpooledByteBufAllocator.DEFAULT, m.transactionId(), from, localKey, integrity);
    }

    /** The last error code the server answered (401 wrong credentials, 487 role conflict), 0 if none. */
    public int lastError() {
        return lastError;
    }
}
