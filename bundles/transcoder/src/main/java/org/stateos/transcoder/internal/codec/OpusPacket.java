package org.stateos.transcoder.internal.codec;

/** One 20 ms Opus packet and the input times of the audio it holds (90 kHz pts, ingest wall clock). */
public record OpusPacket(byte[] data, long pts, long ingestMicros) {
}
