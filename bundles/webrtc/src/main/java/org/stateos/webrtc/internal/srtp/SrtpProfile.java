package org.stateos.webrtc.internal.srtp;

import java.util.Locale;

/**
 * The SRTP protection profiles this transport offers in DTLS use_srtp (RFC 5764 4.1.2, RFC 7714 14.2), with their
 * key, salt and tag sizes. The order of {@link #values()} is no preference; the configuration gives the order.
 */
public enum SrtpProfile {
    /** RFC 3711 default: AES-128 counter mode, HMAC-SHA1 tag truncated to 80 bits. */
    AES_CM_128_HMAC_SHA1_80(0x0001, 16, 14, 10),
    /** RFC 7714: AES-128 GCM, 128-bit tag; several times cheaper per packet on the JDK (STACK-NOTES). */
    AEAD_AES_128_GCM(0x0007, 16, 12, 16);

    /** The DTLS-SRTP protection profile id. */
    public final int dtlsId;
    public final int keyBytes;
    public final int saltBytes;
    public final int tagBytes;

    SrtpProfile(int dtlsId, int keyBytes, int saltBytes, int tagBytes) {
        this.dtlsId = dtlsId;
        this.keyBytes = keyBytes;
        this.saltBytes = saltBytes;
        this.tagBytes = tagBytes;
    }

    public boolean aead() {
        return this == AEAD_AES_128_GCM;
    }

    /** Bytes of keying material the DTLS exporter must produce for both directions (RFC 5764 4.2). */
    public int keyingMaterialBytes() {
        return 2 * (keyBytes + saltBytes);
    }

    public static SrtpProfile byDtlsId(int id) {
        for (SrtpProfile p : values()) {
            if (p.dtlsId == id) {
                return p;
            }
        }
        return null;
    }

    /** Parses a profile name as configured (case-insensitive, SRTP_ prefix optional). */
    public static SrtpProfile parse(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("SRTP_")) {
            n = n.substring(5);
        }
        if (n.equals("AES128_CM_HMAC_SHA1_80")) {
            n = AES_CM_128_HMAC_SHA1_80.name();
        }
        return valueOf(n);
    }
}
