package org.stateos.media.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

import org.stateos.store.internal.LogStructuredStore;
import org.stateos.store.internal.StoreConfig;
import org.stateos.testsupport.EphemeralIdentity;

/** The real unit store (the store bundle's DS component and engine) on a file in a temporary directory. */
public final class TestStore {
    private TestStore() {}

    public static LogStructuredStore open(Path dir) {
        return open(dir, Map.of());
    }

    /** As {@link #open(Path)} with some settings changed ({@code StoreConfig} method names, e.g. cache_unit_bytes). */
    public static LogStructuredStore open(Path dir, Map<String, Object> settings) {
        Map<String, Object> overrides = new java.util.HashMap<>(settings);
        overrides.put("device_path", dir.resolve("store/store.img").toString());
        overrides.put("device_size_bytes", 256L << 20);
        StoreConfig cfg = (StoreConfig) Proxy.newProxyInstance(StoreConfig.class.getClassLoader(),
                new Class<?>[] {StoreConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals("annotationType")) {
                        return StoreConfig.class;
                    }
                    Object v = overrides.get(m.getName());
                    return v != null ? v : m.getDefaultValue();
                });
        LogStructuredStore s = new LogStructuredStore(cfg, new EphemeralIdentity());
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
}
