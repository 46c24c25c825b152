package org.stateos.transcoder.internal.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** AAC made by the real ffmpeg CLI (ADTS), split into raw access units and an AudioSpecificConfig. */
record AdtsFile(byte[] config, int sampleRate, int channels, List<byte[]> units) {

    /** {@code ffmpeg -f lavfi -i <source> -c:a aac -f adts}; the test is skipped by its caller if ffmpeg is absent. */
    static AdtsFile encode(Path dir, String lavfiSource, int channels) throws IOException, InterruptedException {
        Path out = dir.resolve("audio.aac");
        Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                lavfiSource, "-ac", Integer.toString(channels), "-c:a", "aac", "-b:a", "128k", "-f", "adts",
                out.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("ffmpeg failed: " + log);
        }
        return parse(Files.readAllBytes(out));
    }

    static AdtsFile parse(byte[] b) {
        List<byte[]> units = new ArrayList<>();
        int pos = 0;
        int aot = 0;
        int sfi = 0;
        int ch = 0;
        while (pos + 7 <= b.length) {
            if ((b[pos] & 0xff) != 0xff || (b[pos + 1] & 0xf0) != 0xf0) {
                throw new IllegalArgumentException("lost ADTS sync at " + pos);
            }
            boolean crc = (b[pos + 1] & 1) == 0;
            aot = ((b[pos + 2] >> 6) & 3) + 1;
            sfi = (b[pos + 2] >> 2) & 0xf;
            ch = ((b[pos + 2] & 1) << 2) | ((b[pos + 3] >> 6) & 3);
            int length = ((b[pos + 3] & 3) << 11) | ((b[pos + 4] & 0xff) << 3) | ((b[pos + 5] & 0xff) >> 5);
            int header = crc ? 9 : 7;
            byte[] unit = new byte[length - header];
            System.arraycopy(b, pos + header, unit, 0, unit.length);
            units.add(unit);
            pos += length;
        }
        byte[] asc = {(byte) ((aot << 3) | (sfi >> 1)), (byte) (((sfi & 1) << 7) | (ch << 3))};
        AudioSpecificConfig parsed = AudioSpecificConfig.parse(asc);
        return new AdtsFile(asc, parsed.sampleRate(), parsed.channels(), units);
    }
}
