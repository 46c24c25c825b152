package org.stateos.webrtc.internal.ice;

import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;
import org.stateos.webrtc.internal.stun.StunIntegrity;

/**
 * One session's ICE credentials: ours (fresh per offer) and the peer's from its offer.
 *
 * @param localKey the HMAC key made from {@code localPwd}: checks the peer's requests and signs our responses
 */
public record IceCredentials(String localUfrag, String localPwd, String remoteUfrag, String remotePwd,
        SecretKeySpec localKey) {

    /** ice-char (RFC 8839 5.4): ALPHA / DIGIT / "+" / "/". */
    private static final char[] ICE_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".toCharArray();
    /** 8 ice-chars = 48 bits: enough to keep concurrent sessions apart (ufrag is not a secret). */
    public static final int UFRAG_CHARS = 8;
    /** 24 ice-chars = 144 bits (RFC 8445 5.3 asks for at least 128). */
    public static final int PWD_CHARS = 24;

    public static IceCredentials fresh(SecureRandom random, String remoteUfrag, String remotePwd) {
        String pwd = random(random, PWD_CHARS);
        return new IceCredentials(random(random, UFRAG_CHARS), pwd, remoteUfrag, remotePwd, StunIntegrity.key(pwd));
    }

    static String random(SecureRandom random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ICE_CHARS[random.nextInt(ICE_CHARS.length)];
        }
        return new String(c);
    }

    /** The USERNAME the peer puts in its checks to us: "ourUfrag:theirUfrag". */
    public String expectedUsername() {
        return localUfrag + ":" + remoteUfrag;
    }
}
