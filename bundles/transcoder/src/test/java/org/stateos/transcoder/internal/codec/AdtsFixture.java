package org.stateos.transcoder.internal.codec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Public face of {@link AdtsFile} for tests in other packages. */
public record AdtsFixture(byte[] config, int sampleRate, int channels, List<byte[]> units) {
    public static AdtsFixture sine(Path dir) throws IOException, InterruptedException {
        AdtsFile f = AdtsFile.encode(dir, "sine=frequency=1000:sample_rate=44100:duration=2", 2);
        return new AdtsFixture(f.config(), f.sampleRate(), f.channels(), f.units());
    }
}
