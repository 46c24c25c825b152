package org.stateos.transcoder.internal.codec;

/**
 * The parts of an MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1) the transcoder needs, read with bounds
 * before the bytes go anywhere near native code. Accepts what FFmpeg's AAC decoder plays and a browser could
 * want: object types 1-4 (Main, LC, SSR, LTP) and the HE-AAC signalling (5 SBR, 29 PS) over them, a sampling
 * frequency index or an explicit rate of 7350..96000 Hz, and channel configurations 1-7 (0, a program config
 * element, is refused: the stream would need it parsed too).
 *
 * @param objectType        the audio object type of the core codec (2 = AAC-LC)
 * @param sampleRate        the core sampling rate in Hz
 * @param channels          channels of the channel configuration
 * @param extension         true when SBR or PS is signalled explicitly (HE-AAC)
 */
public record AudioSpecificConfig(int objectType, int sampleRate, int channels, boolean extension) {
    /** Longer configs exist (extensions, PCE), but none this transcoder accepts needs more. */
    public static final int MAX_BYTES = 64;
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};
    private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 8};

    /** @throws IllegalArgumentException saying what is wrong */
    public static AudioSpecificConfig parse(byte[] config) {
        if (config == null || config.length < 2) {
            throw new IllegalArgumentException("AudioSpecificConfig too short: " + (config == null ? 0 : config.length)
                    + " bytes, need at least 2");
        }
        if (config.length > MAX_BYTES) {
            throw new IllegalArgumentException("AudioSpecificConfig of " + config.length + " bytes exceeds "
                    + MAX_BYTES);
        }
        Bits bits = new Bits(config);
        int aot = objectType(bits);
        int rate = rate(bits);
        int channelConfig = bits.read(4);
        boolean extension = false;
        if (aot == 5 || aot == 29) {
            extension = true;
            rate(bits);   // the extension's rate: the decoder derives it itself
            aot = objectType(bits);
        }
        if (aot < 1 || aot > 4) {
            throw new IllegalArgumentException("audio object type " + aot + " is not AAC Main/LC/SSR/LTP");
        }
        if (channelConfig < 1 || channelConfig >= CHANNELS.length) {
            throw new IllegalArgumentException("channel configuration " + channelConfig
                    + (channelConfig == 0 ? " (a program config element) is not supported" : " is reserved"));
        }
        return new AudioSpecificConfig(aot, rate, CHANNELS[channelConfig], extension);
    }

    private static int objectType(Bits bits) {
        int aot = bits.read(5);
        return aot == 31 ? 32 + bits.read(6) : aot;
    }

    private static int rate(Bits bits) {
        int index = bits.read(4);
        if (index == 15) {
            int explicit = bits.read(24);
            if (explicit < 7350 || explicit > 96000) {
                throw new IllegalArgumentException("sampling rate " + explicit + " Hz out of range 7350..96000");
            }
            return explicit;
        }
        if (index >= RATES.length) {
            throw new IllegalArgumentException("reserved sampling frequency index " + index);
        }
        return RATES[index];
    }

    /** MSB-first bit reader that refuses to read past the end. */
    private static final class Bits {
        private final byte[] b;
        private int pos;

        Bits(byte[] b) {
            this.b = b;
        }

        int read(int n) {
            if (pos + n > b.length * 8) {
                throw new IllegalArgumentException("AudioSpecificConfig truncated: needs bit " + (pos + n) + " of "
                        + b.length * 8);
            }
            int v = 0;
            for (int i = 0; i < n; i++, pos++) {
                v = (v << 1) | ((b[pos >>> 3] >>> (7 - (pos & 7))) & 1);
            }
            return v;
        }
    }
}
