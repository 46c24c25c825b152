package org.stateos.media.internal.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.stateos.api.media.MediaService;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpRoute;
import org.stateos.media.internal.record.CmafRecorder;
import org.stateos.store.Coverage;
import org.stateos.store.IndexEntry;
import org.stateos.store.UnitStore;

/**
 * {@code GET /api/streams}: every stream as JSON; {@code GET /api/streams/<name>/coverage?track=&from=&to=}: what
 * the recording of a track covers (default: the whole recorded range). Both quick in-memory reads, so they
 * answer on the event loop.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/api/streams",
        HttpRoute.METHODS + "=GET",
        HttpRoute.CORS_ORIGINS + "=*",
        HttpRoute.NAME + "=media-streams"})
public final class StreamsRoute implements HttpRoute {
    private final MediaService media;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UnitStore store;

    @Activate
    public StreamsRoute(@Reference MediaService media) {
        this.media = media;
    }

    /** For tests. */
    StreamsRoute(MediaService media, UnitStore store) {
        this.media = media;
        this.store = store;
    }

    @Override
    public void handle(HttpExchange x) {
        String rest = x.pathInRoute();
        if (rest.isEmpty() || rest.equals("/")) {
            Answers.json(x, HttpResponseStatus.OK, StreamsJson.streams(media.streams()));
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        if (parts.length == 2 && parts[1].equals("coverage") && MediaService.isValidName(parts[0])) {
            coverage(x, parts[0]);
            return;
        }
        Answers.error(x, HttpResponseStatus.NOT_FOUND, "no such resource; try /api/streams or /api/streams/<name>/coverage");
    }

    private void coverage(HttpExchange x, String name) {
        UnitStore s = store;
        if (s == null) {
            Answers.error(x, HttpResponseStatus.SERVICE_UNAVAILABLE, "the unit store is not running: nothing is recorded");
            return;
        }
        try {
            Query q = new Query(x.queryParameters());
            int track = q.track(0);
            String trackId = CmafRecorder.trackId(name, track);
            long[] range = recordedRange(s, trackId);
            long from = q.longParam("from", range == null ? 0 : range[0]);
            long to = q.longParam("to", range == null ? 1 : range[1]);
            if (to <= from) {
                throw new Query.BadRequest("'to' must be after 'from'");
            }
            if (range == null && !x.queryParameters().containsKey("from")) {
                Answers.error(x, HttpResponseStatus.NOT_FOUND, "no recording of stream '" + name + "' track " + track);
                return;
            }
            Coverage c = s.timeIndex().coverage(trackId, from, to);
            Answers.json(x, HttpResponseStatus.OK, StreamsJson.coverage(name, track, c));
        } catch (Query.BadRequest e) {
            Answers.error(x, HttpResponseStatus.BAD_REQUEST, e.getMessage());
        }
    }

    /** [first start, last end) of a track's entries, or null when it has none. */
    static long[] recordedRange(UnitStore s, String trackId) {
        List<IndexEntry> all = s.timeIndex().query(trackId, Long.MIN_VALUE, Long.MAX_VALUE);
        if (all.isEmpty()) {
            return null;
        }
        long end = Long.MIN_VALUE;
        for (IndexEntry e : all) {
            end = Math.max(end, e.span().endMicros());
        }
        return new long[] {all.get(0).span().startMicros(), end};
    }
}
