package org.stateos.node.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * The node's P-256 key pair in one PEM file (PKCS#8 "PRIVATE KEY", the form {@code openssl pkey} reads).
 *
 * <p>The JDK's PKCS#8 encoding of an EC key holds the private scalar only, and the JDK offers no way to
 * derive the public point from it. The file therefore carries the public key inside the ECPrivateKey
 * structure (RFC 5915, field {@code [1] publicKey}), exactly as OpenSSL writes it. On load the pair is
 * checked by a test signature, so a file whose halves do not match is refused, never "repaired".
 *
 * <p>Created with mode 600 in a directory created with mode 700: the file is written under a temporary
 * name that already has mode 600, forced to disk, then moved into place atomically. A crash leaves
 * either no key file or a complete one.
 */
public final class NodeKeyFile {
    static final String CURVE = "secp256r1";
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";
    private static final int FIELD_BYTES = 32;

    /*
     * PrivateKeyInfo {
     *   version 0, AlgorithmIdentifier { id-ecPublicKey, prime256v1 },
     *   privateKey OCTET STRING { ECPrivateKey { version 1, privateKey OCTET STRING (32),
     *                                            [1] publicKey BIT STRING (04 || X || Y) } } }
     * All lengths are below 128, so the encoding for P-256 is this fixed template around d, X and Y.
     */
    private static final byte[] PREFIX = HexFormat.of().parseHex(
            "308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420");
    private static final byte[] MIDDLE = HexFormat.of().parseHex("a14403420004");

    private NodeKeyFile() {}

    /** Loads the key pair from {@code file}, or makes a new one there when the file does not exist. */
    public static KeyPair loadOrCreate(Path file) throws IOException {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return load(file);
        }
        KeyPair created = generate();
        try {
            write(file, created);
            return created;
        } catch (FileAlreadyExistsException e) {
            return load(file); // someone else made it between our check and our move: theirs wins
        }
    }

    /** Reads and checks a key file; a missing, unreadable or damaged file is a {@link NodeKeyException}. */
    public static KeyPair load(Path file) throws IOException {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new NodeKeyException(file, "it does not exist", e);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new NodeKeyException(file, "it is not a PEM text file", e);
        }
        byte[] der = decodePem(file, pem);
        try {
            return decode(der);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new NodeKeyException(file, e.getMessage(), e);
        }
    }

    /** Writes {@code pair} to {@code file} with mode 600; fails if the file already exists. */
    public static void write(Path file, KeyPair pair) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        createPrivateDirectory(dir);
        byte[] pem = encodePem(encode(pair)).getBytes(StandardCharsets.US_ASCII);
        Path tmp = posix(dir)
                ? Files.createTempFile(dir, ".node-key-", ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE))
                : Files.createTempFile(dir, ".node-key-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(pem);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            } finally {
                Arrays.fill(pem, (byte) 0);
            }
            if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(file.toString());
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move the new node key into place atomically in " + dir, e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Mode of a key file as rwx text, or null where the file system has no POSIX modes. */
    static String mode(Path path) throws IOException {
        return posix(path) ? PosixFilePermissions.toString(Files.getPosixFilePermissions(path)) : null;
    }

    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no P-256 key generator", e);
        }
    }

    static byte[] encode(KeyPair pair) {
        ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();
        ECPoint w = ((ECPublicKey) pair.getPublic()).getW();
        byte[] out = new byte[PREFIX.length + FIELD_BYTES + MIDDLE.length + 2 * FIELD_BYTES];
        int at = 0;
        System.arraycopy(PREFIX, 0, out, at, PREFIX.length);
        at += PREFIX.length;
        at = putUnsigned(priv.getS(), out, at);
        System.arraycopy(MIDDLE, 0, out, at, MIDDLE.length);
        at += MIDDLE.length;
        at = putUnsigned(w.getAffineX(), out, at);
        putUnsigned(w.getAffineY(), out, at);
        return out;
    }

    static KeyPair decode(byte[] der) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("EC");
        ECPrivateKey priv;
        try {
            priv = (ECPrivateKey) factory.generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (java.security.spec.InvalidKeySpecException e) {
            throw new GeneralSecurityException("it is not a PKCS#8 EC private key (" + e.getMessage() + ")", e);
        }
        ECParameterSpec params = priv.getParams();
        ECParameterSpec p256 = p256();
        if (!params.getCurve().equals(p256.getCurve()) || !params.getOrder().equals(p256.getOrder())
                || !params.getGenerator().equals(p256.getGenerator())) {
            throw new GeneralSecurityException("the key is not on curve P-256 (secp256r1)");
        }
        byte[] point = publicPoint(der);
        ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(point, 1, 1 + FIELD_BYTES)),
                new BigInteger(1, Arrays.copyOfRange(point, 1 + FIELD_BYTES, point.length)));
        ECPublicKey pub = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(w, params));
        KeyPair pair = new KeyPair(pub, priv);
        checkPair(pair);
        return pair;
    }

    /** Signs and verifies a fixed message: proves the stored public key belongs to the stored private key. */
    private static void checkPair(KeyPair pair) throws GeneralSecurityException {
        byte[] probe = "stateos node key self-test".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(probe);
        byte[] sig = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(pair.getPublic());
        verifier.update(probe);
        if (!verifier.verify(sig)) {
            throw new GeneralSecurityException("its public key does not belong to its private key");
        }
    }

    private static ECParameterSpec p256() throws GeneralSecurityException {
        java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
        try {
            ap.init(new ECGenParameterSpec(CURVE));
            return ap.getParameterSpec(ECParameterSpec.class);
        } catch (java.security.spec.InvalidParameterSpecException e) {
            throw new GeneralSecurityException("the JDK does not know P-256", e);
        }
    }

    /** Finds the uncompressed public point (04 || X || Y) in PrivateKeyInfo → ECPrivateKey → [1]. */
    private static byte[] publicPoint(byte[] der) throws GeneralSecurityException {
        Der outer = new Der(der, 0, der.length).enter(0x30);  // PrivateKeyInfo
        outer.skip(0x02);                                       // version
        outer.skip(0x30);                                       // AlgorithmIdentifier
        Der inner = outer.enter(0x04).enter(0x30);              // privateKey OCTET STRING → ECPrivateKey
        inner.skip(0x02);                                       // version
        inner.skip(0x04);                                       // private scalar
        while (inner.hasMore()) {
            int tag = inner.peekTag();
            if (tag == 0xa1) {
                Der bits = inner.enter(0xa1).enter(0x03);
                byte[] value = bits.rest();
                if (value.length != 2 + 2 * FIELD_BYTES || value[0] != 0 || value[1] != 0x04) {
                    throw new GeneralSecurityException("its public key is not an uncompressed P-256 point");
                }
                return Arrays.copyOfRange(value, 1, value.length);
            }
            inner.skip(tag);
        }
        throw new GeneralSecurityException("it holds no public key (ECPrivateKey field [1] is missing)");
    }

    private static int putUnsigned(BigInteger value, byte[] out, int at) {
        byte[] raw = value.toByteArray();
        int start = Math.max(0, raw.length - FIELD_BYTES);
        int len = raw.length - start;
        if (len > FIELD_BYTES || (start > 0 && raw[0] != 0)) {
            throw new IllegalArgumentException("value longer than " + FIELD_BYTES + " bytes");
        }
        System.arraycopy(raw, start, out, at + FIELD_BYTES - len, len);
        Arrays.fill(raw, (byte) 0);
        return at + FIELD_BYTES;
    }

    static String encodePem(byte[] der) {
        return BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n" + END + "\n";
    }

    private static byte[] decodePem(Path file, String pem) throws NodeKeyException {
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new NodeKeyException(file, "it holds no PEM block \"" + BEGIN + "\"", null);
        }
        String body = pem.substring(begin + BEGIN.length(), end);
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new NodeKeyException(file, "its PEM body is not valid base64", e);
        }
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? dir.getRoot() : p;
    }

    private static boolean posix(Path path) {
        Path probe = Files.exists(path) ? path : existingAncestor(path);
        return probe != null && Files.getFileAttributeView(probe, PosixFileAttributeView.class) != null;
    }

    /** Makes the rename durable; some file systems refuse to open a directory, which only costs durability. */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // not supported here (e.g. some overlays): the rename is still atomic, only not yet durable
        }
    }

    /** Just enough DER reading for {@link #publicPoint}: every length is checked against what is left. */
    private static final class Der {
        private final byte[] buf;
        private int pos;
        private final int end;

        Der(byte[] buf, int pos, int end) {
            this.buf = buf;
            this.pos = pos;
            this.end = end;
        }

        boolean hasMore() {
            return pos < end;
        }

        int peekTag() throws GeneralSecurityException {
            if (pos >= end) {
                throw new GeneralSecurityException("its key structure ends early");
            }
            return buf[pos] & 0xff;
        }

        Der enter(int tag) throws GeneralSecurityException {
            int len = header(tag);
            Der child = new Der(buf, pos, pos + len);
            pos += len;
            return child;
        }

        void skip(int tag) throws GeneralSecurityException {
            int len = header(tag); // not "pos += header(tag)": that adds to pos as it was before the header
            pos += len;
        }

        byte[] rest() {
            byte[] out = Arrays.copyOfRange(buf, pos, end);
            pos = end;
            return out;
        }

        private int header(int tag) throws GeneralSecurityException {
            if (peekTag() != tag) {
                throw new GeneralSecurityException(String.format("its key structure has tag 0x%02x where 0x%02x belongs",
                        buf[pos] & 0xff, tag));
            }
            pos++;
            if (pos >= end) {
                throw new GeneralSecurityException("its key structure ends early");
            }
            int first = buf[pos++] & 0xff;
            int len;
            if (first < 0x80) {
                len = first;
            } else {
                int n = first & 0x7f;
                if (n == 0 || n > 3 || pos + n > end) {
                    throw new GeneralSecurityException("its key structure has a bad length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = (len << 8) | (buf[pos++] & 0xff);
                }
            }
            if (len > end - pos) {
                throw new GeneralSecurityException("its key structure claims more bytes than it has");
            }
            return len;
        }
    }
}
