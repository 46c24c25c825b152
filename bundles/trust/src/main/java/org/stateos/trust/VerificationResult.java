package org.stateos.trust;

/**
 * Outcome of {@link JarSignatureVerifier#verify}.
 *
 * @param trusted true when every entry is signed and a signer of each entry leads to the vendor anchor
 * @param signer  subject of the vendor signer when trusted; of the first signer seen when refused; "" if none
 * @param reason  "signed by the vendor" when trusted, otherwise one sentence saying why it was refused
 */
public record VerificationResult(boolean trusted, String signer, String reason) {

    /** The reason of every trusted result. */
    public static final String TRUSTED = "signed by the vendor";

    public VerificationResult {
        signer = signer == null ? "" : signer;
        reason = reason == null ? "" : reason;
    }

    static VerificationResult trusted(String signer) {
        return new VerificationResult(true, signer, TRUSTED);
    }

    static VerificationResult refused(String signer, String reason) {
        return new VerificationResult(false, signer, reason);
    }
}
