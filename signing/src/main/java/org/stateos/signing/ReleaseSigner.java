package org.stateos.signing;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Signs a release manifest as CMS SignedData (RFC 5652): the manifest's exact bytes encapsulated, one signer
 * (SHA256withECDSA, with the standard signed attributes: content type, message digest, signing time, algorithm
 * protection), and the signer's certificate chain included. The output is DER, conventionally release.p7s.
 */
public final class ReleaseSigner {

    private final VendorKey key;

    public ReleaseSigner(VendorKey key) {
        this.key = key;
    }

    /** Checks that {@code manifestJson} is a valid release manifest, then signs those exact bytes. */
    public byte[] sign(byte[] manifestJson) throws SigningException {
        ReleaseManifestJson.parse(manifestJson);
        try {
            ContentSigner signer = new JcaContentSignerBuilder(VendorCertificates.SIGNATURE_ALGORITHM)
                    .build(key.privateKey());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(
                    new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                            .build(signer, key.certificate()));
            generator.addCertificates(new JcaCertStore(key.chain()));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(manifestJson), true);
            return signed.getEncoded("DER");
        } catch (OperatorCreationException | CertificateEncodingException | CMSException | IOException e) {
            throw new SigningException("could not sign the release manifest: " + e.getMessage(), e);
        }
    }
}
