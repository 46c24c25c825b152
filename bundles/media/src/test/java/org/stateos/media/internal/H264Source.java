package org.stateos.media.internal;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real H264 stream made by ffmpeg (x264, no B-frames, GOP 25, an access unit delimiter before each picture),
 * split into access units in AVCC form with the AVCDecoderConfigurationRecord built from its SPS and PPS.
 */
public final class H264Source {
    public final byte[] avcc;
    public final List<byte[]> units = new ArrayList<>();
    public final List<Boolean> keys = new ArrayList<>();

    private H264Source(byte[] annexB) {
        byte[] sps = null;
        byte[] pps = null;
        ByteArrayOutputStream au = null;
        boolean key = false;
        for (byte[] nal : nals(annexB)) {
            int type = nal[0] & 0x1F;
            if (type == 9) {   // AUD: a new access unit
                if (au != null && au.size() > 0) {
                    units.add(au.toByteArray());
                    keys.add(key);
                }
                au = new ByteArrayOutputStream();
                key = false;
                continue;
            }
            if (type == 7) {
                sps = nal;
                continue;
            }
            if (type == 8) {
                pps = nal;
                continue;
            }
            if (au == null) {
                au = new ByteArrayOutputStream();
            }
            key |= type == 5;
            au.write(nal.length >>> 24);
            au.write(nal.length >>> 16);
            au.write(nal.length >>> 8);
            au.write(nal.length);
            au.writeBytes(nal);
        }
        if (au != null && au.size() > 0) {
            units.add(au.toByteArray());
            keys.add(key);
        }
        if (sps == null || pps == null) {
            throw new IllegalStateException("no SPS/PPS in the stream");
        }
        ByteArrayOutputStream c = new ByteArrayOutputStream();
        c.write(1);
        c.write(sps[1]);
        c.write(sps[2]);
        c.write(sps[3]);
        c.write(0xFF);   // 4-byte NAL lengths
        c.write(0xE1);   // one SPS
        c.write(sps.length >>> 8);
        c.write(sps.length);
        c.writeBytes(sps);
        c.write(1);
        c.write(pps.length >>> 8);
        c.write(pps.length);
        c.writeBytes(pps);
        avcc = c.toByteArray();
    }

    private static List<byte[]> nals(byte[] b) {
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 3 <= b.length; i++) {
            if (b[i] == 0 && b[i + 1] == 0 && b[i + 2] == 1) {
                starts.add(i + 3);
                i += 2;
            }
        }
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < starts.size(); k++) {
            int from = starts.get(k);
            int to = k + 1 < starts.size() ? starts.get(k + 1) - 3 : b.length;
            while (to > from && b[to - 1] == 0) {
                to--;   // the zero of a 4-byte start code, or trailing zeros
            }
            byte[] nal = new byte[to - from];
            System.arraycopy(b, from, nal, 0, nal.length);
            out.add(nal);
        }
        return out;
    }

    /** {@code frames} pictures of 320x240 at 25 fps; skips the test when ffmpeg is missing. */
    public static H264Source generate(Path dir, int frames) throws Exception {
        Path out = dir.resolve("test.h264");
        Process p = run(List.of("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
                "-frames:v", String.valueOf(frames), "-c:v", "libx264", "-bf", "0", "-g", "25", "-x264-params", "aud=1",
                "-pix_fmt", "yuv420p", "-f", "h264", out.toString()));
        if (p == null) {
            Assumptions.abort("ffmpeg is not installed: skipping the real H264 stream test");
        }
        return new H264Source(Files.readAllBytes(out));
    }

    /** Runs a tool to its end (deadline 60 s); null when it is not installed. */
    public static Process run(List<String> command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return null;
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within 60 s");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
        return p;
    }

    /** ffprobe's count of decoded video frames in {@code file}; skips when ffprobe is missing. */
    public static int countFrames(Path file) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                    "stream=nb_read_frames,codec_name,width,height", "-of", "csv=p=0", file.toString())
                    .redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            Assumptions.abort("ffprobe is not installed: skipping the check of the MP4 output");
            return -1;
        }
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("ffprobe refused " + file + ": " + out);
        }
        // e.g. "h264,320,240,100"
        String[] f = out.split("\n")[out.split("\n").length - 1].split(",");
        if (!f[0].equals("h264") || !f[1].equals("320") || !f[2].equals("240")) {
            throw new AssertionError("ffprobe saw " + out);
        }
        return Integer.parseInt(f[3].trim());
    }
}
