package org.stateos.webrtc.internal.ice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.stateos.webrtc.internal.stun.StunException;
import org.stateos.webrtc.internal.stun.StunIntegrity;
import org.stateos.webrtc.internal.stun.StunMessage;
import org.stateos.webrtc.internal.stun.StunWriter;

/**
 * The STUN side of an ICE-lite agent (RFC 8445 lite, RFC 8489, RFC 7675): answers binding requests on behalf of
 * every session on the port. A lite agent is always controlled and sends no checks of its own; the peer's
 * authenticated requests are what validate its address, nominate it (USE-CANDIDATE) and keep consent fresh.
 *
 * <p>Answers: 400 for a request without USERNAME, MESSAGE-INTEGRITY or PRIORITY or with a malformed USERNAME; 401
 * for an unknown username or a wrong MESSAGE-INTEGRITY; 420 for unknown comprehension-required attributes; 487
 * for a peer that also claims the controlled role. Not a request, a bad FINGERPRINT or not STUN at all: dropped.
 * One instance per event loop (it holds a {@link StunIntegrity}).
 */
public final class IceLiteResponder<S> {
    private final StunIntegrity integrity = new StunIntegrity();
    private final Function<String, S> sessionsByLocalUfrag;
    private final Function<S, IceCredentials> credentialsOf;

    public IceLiteResponder(Function<String, S> sessionsByLocalUfrag, Function<S, IceCredentials> credentialsOf) {
        this.sessionsByLocalUfrag = sessionsByLocalUfrag;
        this.credentialsOf = credentialsOf;
    }

    /** Decides about one datagram whose first byte said STUN; does not release or move {@code datagram}. */
    public BindingOutcome<S> answer(ByteBuf datagram, InetSocketAddress sender, ByteBufAllocator alloc) {
        StunMessage m;
        try {
            m = StunMessage.parse(datagram);
        } catch (StunException e) {
            return BindingOutcome.drop("malformed STUN: " + e.getMessage());
        }
        if (!integrity.fingerprintValid(datagram, m)) {
            return BindingOutcome.drop("STUN FINGERPRINT mismatch");
        }
        if (m.type() != StunMessage.BINDING_REQUEST) {
            // indications (keepalives), responses (a lite agent sends no requests) and other methods
            return BindingOutcome.drop(m.isRequest() ? "STUN request of method " + m.method() : null);
        }
        byte[] tid = m.transactionId();
        if (m.unknownRequired().length > 0) {
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 420, "Unknown Attribute",
                    m.unknownRequired(), null, integrity), "unknown comprehension-required STUN attribute");
        }
        if (m.username() == null || !m.hasIntegrity()) {
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 400, "Bad Request", null, null, integrity),
                    "binding request without USERNAME or MESSAGE-INTEGRITY");
        }
        int colon = m.username().indexOf(':');
        if (colon <= 0 || colon == m.username().length() - 1) {
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 400, "Bad Request", null, null, integrity),
                    "USERNAME is not ufrag:ufrag");
        }
        S session = sessionsByLocalUfrag.apply(m.username().substring(0, colon));
        IceCredentials cred = session == null ? null : credentialsOf.apply(session);
        if (cred == null || !cred.expectedUsername().equals(m.username())
                || !integrity.integrityValid(datagram, m, cred.localKey())) {
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 401, "Unauthorized", null, null, integrity),
                    cred == null ? "unknown ICE ufrag" : "wrong USERNAME or MESSAGE-INTEGRITY");
        }
        if (m.priority() == StunMessage.ABSENT) {
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 400, "Bad Request", null, cred.localKey(),
                    integrity), "ICE check without PRIORITY");
        }
        if (m.iceControlled() != null) {
            // We are lite, hence controlled; the peer must take the controlling role (RFC 8445 6.1.1, 7.3.1.1).
            return BindingOutcome.error(StunWriter.bindingError(alloc, tid, 487, "Role Conflict", null, cred.localKey(),
                    integrity), "role conflict: peer claims ICE-CONTROLLED");
        }
        ByteBuf response = StunWriter.bindingSuccess(alloc, tid, sender, cred.localKey(), integrity);
        return new BindingOutcome<>(response, session, m.useCandidate(), null);
    }
}
