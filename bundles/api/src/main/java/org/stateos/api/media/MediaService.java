package org.stateos.api.media;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The node's stream registry: ingests publish streams by name, outputs subscribe to them. Registered by the
 * media bundle; used by every protocol bundle.
 *
 * <p>Stream names are 1..64 characters of {@code [A-Za-z0-9._-]}; other names are refused with an
 * {@link IllegalArgumentException} saying so.
 */
@ProviderType
public interface MediaService {

    /** Characters a stream name may hold, as a regular expression. */
    String NAME_PATTERN = "[A-Za-z0-9._-]{1,64}";

    /**
     * Starts publishing {@code name}. A second publisher of a live name is refused with
     * {@link StreamBusyException}, unless the current one has been silent for the takeover time (3 s by
     * default): then the newcomer takes over (the old one's listener hears why) and the stream's viewers stay
     * attached, so a publisher's reconnect after a network drop resumes the same stream.
     *
     * @param origin   who publishes, for operators (e.g. {@code "rtmp 192.0.2.7:50322"})
     * @param listener told when the registry ends the publication
     */
    Publication publish(String name, String origin, PublisherListener listener) throws StreamBusyException;

    /**
     * Adds tracks computed from the stream's own tracks (an Opus rendition of AAC audio, say) to a live or
     * waiting stream. Derived tracks use indices {@link TrackConfig#FIRST_DERIVED_TRACK} to 15 and reach
     * subscribers like any other track (configurations, GOP cache, live frames), but they are not recorded, and
     * a derived publication is not the stream's publisher: it neither keeps the stream busy nor alive, and
     * cannot take it over. It ends when the stream ends (its listener hears why) or when closed; its frames
     * while the stream waits for a publisher are dropped.
     *
     * @param origin   who derives, for operators (e.g. {@code "transcoder aac->opus"})
     * @throws StreamNotFoundException no live or waiting stream by that name
     * <p>A default that refuses, so the test doubles of other bundles need no change; the media bundle's
     * registry implements it.
     *
     * @since 1.1
     */
    default Publication publishDerived(String name, String origin, PublisherListener listener)
            throws StreamNotFoundException {
        throw new UnsupportedOperationException("this media service does not carry derived tracks");
    }

    /**
     * Attaches a subscriber to a live (or waiting) stream. Callbacks run on {@code executor}, one at a time;
     * give the subscriber's own event loop so it needs no locks.
     */
    Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor) throws StreamNotFoundException;

    Optional<StreamInfo> stream(String name);

    /** Every stream, by name. */
    List<StreamInfo> streams();

    /** Ends a stream: its publisher is told and disconnected, its subscribers end. False if none by that name. */
    boolean kick(String name, String reason);

    static boolean isValidName(String name) {
        return name != null && name.matches(NAME_PATTERN);
    }
}
