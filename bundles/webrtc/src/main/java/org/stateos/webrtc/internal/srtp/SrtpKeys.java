package org.stateos.webrtc.internal.srtp;

import java.util.Arrays;

/**
 * The master keys of one DTLS-SRTP association, split from the exporter output as RFC 5764 4.2 lays it out:
 * client key, server key, client salt, server salt.
 */
public record SrtpKeys(SrtpProfile profile, byte[] clientKey, byte[] clientSalt, byte[] serverKey, byte[] serverSalt) {

    public static SrtpKeys fromKeyingMaterial(SrtpProfile profile, byte[] material) {
        int k = profile.keyBytes;
        int s = profile.saltBytes;
        if (material.length != 2 * (k + s)) {
            throw new IllegalArgumentException("keying material of " + material.length + " bytes, " + profile + " needs " + 2 * (k + s));
        }
        return new SrtpKeys(profile, Arrays.copyOfRange(material, 0, k), Arrays.copyOfRange(material, 2 * k, 2 * k + s),
                Arrays.copyOfRange(material, k, 2 * k), Arrays.copyOfRange(material, 2 * k + s, 2 * k + 2 * s));
    }

    /** The context a server protects with (its own keys). */
    public SrtpContext serverSender() {
        return new SrtpContext(profile, serverKey, serverSalt);
    }

    /** The context a server unprotects the client's packets with. */
    public SrtpContext serverReceiver() {
        return new SrtpContext(profile, clientKey, clientSalt);
    }

    @Override
    public String toString() {
        return "SrtpKeys[" + profile + "]"; // never the key bytes
    }
}
