package org.stateos.transcoder.internal;

import java.util.List;

/** What transcoder:list and /api/transcoder read (the component registers it beside TranscodeService). */
public interface TranscoderStatus {
    List<TranscodeInfo> transcodes();
}
