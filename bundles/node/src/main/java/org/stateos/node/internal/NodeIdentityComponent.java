package org.stateos.node.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeIdentity;

/**
 * This ESR's identity: a P-256 key pair made on first boot and kept at {@code <karaf.data>/stateos/node-key.pem}.
 * Immediate, so the key exists after the first boot even before anything asks for it.
 * A damaged key file fails activation with a {@link NodeKeyException}; nothing makes a new identity behind
 * the operator's back. No @Deactivate: after activation it holds no file, thread or registration (the key is
 * read once and kept in memory; JDK EC private keys cannot be destroyed).
 */
@Component(service = NodeIdentity.class, immediate = true)
public final class NodeIdentityComponent implements NodeIdentity {
    static final String KEY_DIR = "stateos";
    static final String KEY_FILE = "node-key.pem";

    private static final Logger LOG = LoggerFactory.getLogger(NodeIdentityComponent.class);

    private final Path keyFile;
    private final PublicKey publicKey;
    private final PrivateKey privateKey;
    private final NodeId nodeId;

    @Activate
    public NodeIdentityComponent(BundleContext context) throws IOException {
        this(keyFile(System.getProperty("karaf.data"), context.getDataFile("")));
    }

    NodeIdentityComponent(Path keyFile) throws IOException {
        this.keyFile = keyFile;
        boolean existed = Files.exists(keyFile);
        KeyPair pair = NodeKeyFile.loadOrCreate(keyFile);
        this.publicKey = pair.getPublic();
        this.privateKey = pair.getPrivate();
        this.nodeId = NodeId.of(publicKey);
        if (existed) {
            warnIfOpen(keyFile);
            LOG.info("Node id {} (key {})", nodeId, keyFile);
        } else {
            LOG.info("First boot: made node key {}; node id {}", keyFile, nodeId);
        }
    }

    /**
     * Where the key lives: under Karaf's data directory when {@code karaf.data} is set (always, in the
     * distribution), else in the bundle's persistent storage area (which the framework deletes when the
     * bundle is uninstalled, so a bare framework loses the identity with the bundle).
     */
    static Path keyFile(String karafData, File bundleDataArea) {
        Path base;
        if (karafData != null && !karafData.isBlank()) {
            base = Path.of(karafData);
        } else if (bundleDataArea != null) {
            base = bundleDataArea.toPath();
        } else {
            throw new IllegalStateException("neither the karaf.data property nor a bundle data area is available:"
                    + " the node key has nowhere to live");
        }
        return base.resolve(KEY_DIR).resolve(KEY_FILE).toAbsolutePath();
    }

    private static void warnIfOpen(Path file) {
        try {
            String mode = NodeKeyFile.mode(file);
            if (mode != null && !mode.equals("rw-------")) {
                LOG.warn("Node key {} has mode {}; it should be rw------- (chmod 600)", file, mode);
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the mode of node key {}: {}", file, e.toString());
        }
    }

    @Override
    public NodeId nodeId() {
        return nodeId;
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }

    @Override
    public byte[] sign(byte[] data) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("SHA256withECDSA"); // not thread-safe: one per call
        signature.initSign(privateKey);
        signature.update(data);
        return signature.sign();
    }

    Path keyFile() {
        return keyFile;
    }
}
