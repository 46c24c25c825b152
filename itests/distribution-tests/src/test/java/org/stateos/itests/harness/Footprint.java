package org.stateos.itests.harness;

import java.io.IOException;

/** What a hot swap could leak: the JVM's threads and its live OSGi bundle class loaders. */
public record Footprint(int threads, int bundleClassLoaders) {
    public static Footprint of(long pid) throws IOException, InterruptedException {
        return new Footprint(JvmProbe.threads(pid), JvmProbe.bundleClassLoaders(pid));
    }

    @Override
    public String toString() {
        return "threads " + threads + ", bundle class loaders " + bundleClassLoaders;
    }
}
