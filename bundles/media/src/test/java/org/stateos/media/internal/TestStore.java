package org.stateos.media.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Map;

import org.stateos.api.node.NodeId;
import org.stateos.api.node.NodeIdentity;
import org.stateos.store.internal.LogStructuredStore;
import org.stateos.store.internal.StoreConfig;

/** The real unit store (the store bundle's DS component and engine) on a file in a temporary directory. */
public final class TestStore {
    private TestStore() {}

    public static LogStructuredStore open(Path dir) {
        Map<String, Object> overrides = Map.of("device_path", dir.resolve("store/store.img").toString(),
                "device_size_bytes", 256L << 20);
        StoreConfig cfg = (StoreConfig) Proxy.newProxyInstance(StoreConfig.class.getClassLoader(),
                new Class<?>[] {StoreConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return StoreConfig.class;
                    }
                    Object v = overrides.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
        LogStructuredStore s = new LogStructuredStore(cfg, new Identity());
        if (!s.isOpen()) {
            throw new IllegalStateException("test store did not open: " + s.problem());
        }
        return s;
    }

    /** Closes it as DS would on deactivation (the component's close() is package-private). */
    public static void close(LogStructuredStore s) throws ReflectiveOperationException {
        java.lang.reflect.Method m = LogStructuredStore.class.getDeclaredMethod("close");
        m.setAccessible(true);
        m.invoke(s);
    }

    /** A fresh P-256 node key, as the node bundle makes on first boot. */
    static final class Identity implements NodeIdentity {
        private final KeyPair keys;

        Identity() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                g.initialize(new ECGenParameterSpec("secp256r1"));
                keys = g.generateKeyPair();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public NodeId nodeId() {
            return NodeId.of(keys.getPublic());
        }

        @Override
        public PublicKey publicKey() {
            return keys.getPublic();
        }

        @Override
        public byte[] sign(byte[] data) throws GeneralSecurityException {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(data);
            return s.sign();
        }
    }
}
