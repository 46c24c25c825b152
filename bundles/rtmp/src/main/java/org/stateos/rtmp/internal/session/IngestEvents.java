package org.stateos.rtmp.internal.session;

/** What a {@link StreamIngest} tells its connection: status lines for the publisher (and the log). */
interface IngestEvents {
    /**
     * Sends the publisher an onStatus.
     *
     * @param level "status", "warning" or "error"
     */
    void status(String level, String code, String description);
}
