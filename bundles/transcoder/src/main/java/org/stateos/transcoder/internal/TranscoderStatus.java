package org.stateos.transcoder.internal;

import java.util.List;
import java.util.Optional;

import org.stateos.transcoder.internal.process.WorkerInfo;

/** What transcoder:list, transcoder:worker and /api/transcoder read (the component registers it beside TranscodeService). */
public interface TranscoderStatus {
    List<TranscodeInfo> transcodes();

    /** The codec worker, empty when the codecs run in process (isolation {@code in-process}). */
    Optional<WorkerInfo> worker();
}
