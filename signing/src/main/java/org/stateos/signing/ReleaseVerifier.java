package org.stateos.signing;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.util.Store;

/**
 * Checks a signed release manifest (release.p7s) before anything in it is believed: one signer, SHA256withECDSA,
 * a valid signature over the encapsulated manifest, a signer that chains to the vendor anchor and may sign code,
 * a well-formed manifest that has not expired, and, when a running version is given, a release that is not older.
 * Every refusal is a {@link SigningException} whose message is the reason.
 */
public final class ReleaseVerifier {

    /** A release that passed every check. */
    public record VerifiedRelease(ReleaseManifest manifest, String signer) {}

    private final X509Certificate anchor;

    public ReleaseVerifier(X509Certificate anchor) {
        this.anchor = anchor;
    }

    /**
     * Verifies {@code signedManifest} at {@code now}; {@code runningVersion} may be null when nothing is running
     * (a first install).
     */
    public VerifiedRelease verify(byte[] signedManifest, Instant now, String runningVersion) throws SigningException {
        CMSSignedData cms;
        try {
            cms = new CMSSignedData(signedManifest);
        } catch (CMSException | RuntimeException e) {
            throw new SigningException("not a CMS signed release manifest: " + e.getMessage(), e);
        }
        if (!CMSObjectIdentifiers.data.getId().equals(cms.getSignedContentTypeOID())) {
            throw new SigningException("signed content is not plain data (" + cms.getSignedContentTypeOID() + ")");
        }
        if (cms.getSignedContent() == null) {
            throw new SigningException("the signature is detached: the manifest is not inside release.p7s");
        }
        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
        if (signers.size() != 1) {
            throw new SigningException("expected exactly one signer, found " + signers.size());
        }
        SignerInformation signerInfo = signers.iterator().next();
        if (!NISTObjectIdentifiers.id_sha256.getId().equals(signerInfo.getDigestAlgOID())
                || !X9ObjectIdentifiers.ecdsa_with_SHA256.getId().equals(signerInfo.getEncryptionAlgOID())) {
            throw new SigningException("signature algorithm is not SHA256withECDSA (digest " + signerInfo.getDigestAlgOID()
                    + ", signature " + signerInfo.getEncryptionAlgOID() + ")");
        }
        List<X509Certificate> included = certificates(cms.getCertificates());
        X509Certificate signer = signerCertificate(cms.getCertificates(), signerInfo);
        try {
            if (!signerInfo.verify(new JcaSimpleSignerInfoVerifierBuilder().build(signer))) {
                throw new SigningException("signature does not match the manifest (tampered?)");
            }
        } catch (CMSException e) {
            throw new SigningException("signature does not match the manifest (tampered?): " + e.getMessage(), e);
        } catch (OperatorCreationException e) {
            throw new SigningException("cannot check the signature: " + e.getMessage(), e);
        }
        CertificatePaths.requireChainToAnchor(signer, included, anchor, Date.from(now));

        byte[] json = (byte[]) cms.getSignedContent().getContent();
        ReleaseManifest manifest = ReleaseManifestJson.parse(json);
        if (manifest.isExpired(now)) {
            throw new SigningException("release manifest " + manifest.version() + " expired at " + manifest.expiresAt());
        }
        if (runningVersion != null) {
            boolean acceptable;
            try {
                acceptable = manifest.isAcceptable(runningVersion);
            } catch (IllegalArgumentException e) {
                throw new SigningException("running version: " + e.getMessage(), e);
            }
            if (!acceptable) {
                throw new SigningException("release " + manifest.version() + " is older than the running version "
                        + runningVersion + " (downgrades are refused)");
            }
        }
        return new VerifiedRelease(manifest, CertificatePaths.subject(signer));
    }

    private static X509Certificate signerCertificate(Store<X509CertificateHolder> store, SignerInformation signerInfo)
            throws SigningException {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = store.getMatches(signerInfo.getSID());
        if (matches.size() != 1) {
            throw new SigningException("the signer's certificate is " + (matches.isEmpty() ? "not included" : "ambiguous"));
        }
        return convert(matches.iterator().next());
    }

    private static List<X509Certificate> certificates(Store<X509CertificateHolder> store) throws SigningException {
        List<X509Certificate> certificates = new ArrayList<>();
        for (X509CertificateHolder holder : store.getMatches(null)) {
            certificates.add(convert(holder));
        }
        return certificates;
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws SigningException {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new SigningException("unreadable certificate in the signature: " + e.getMessage(), e);
        }
    }
}
