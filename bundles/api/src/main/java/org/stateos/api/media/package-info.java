/**
 * The media model every layer shares: frames, track configurations, and the stream registry that ingests
 * (rtmp, webrtc, rtsp), outputs (webrtc, hls), the transcoder and the mesh relay meet at.
 *
 * <p>Timestamps are 64-bit ticks of {@link Frame#TIMEBASE} (90 kHz, exact for RTMP milliseconds, RTP video
 * and 48 kHz audio frames). Payloads are Netty reference-counted buffers, so a frame travels from an ingest
 * socket to every viewer's packetizer without a copy.
 *
 * <p>1.1.0: derived tracks ({@link MediaService#publishDerived}, {@link TrackConfig#FIRST_DERIVED_TRACK}) and the
 * {@link TranscodeService}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.stateos.api.media;
