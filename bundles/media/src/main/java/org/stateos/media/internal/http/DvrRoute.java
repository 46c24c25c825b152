package org.stateos.media.internal.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.stateos.api.media.MediaService;
import org.stateos.http.HttpExchange;
import org.stateos.http.HttpResponseStream;
import org.stateos.http.HttpRoute;
import org.stateos.media.internal.record.CmafRecorder;
import org.stateos.media.internal.record.DvrReader;
import org.stateos.store.IndexEntry;
import org.stateos.store.UnitStore;

/**
 * {@code GET /dvr/<name>.mp4?track=&from=&to=}: a recorded track (default track 0, the whole recorded range) as
 * one fragmented MP4, streamed: each fragment is read from the store, verified, and written when the client
 * has taken the previous one.
 */
@Component(service = HttpRoute.class, property = {
        HttpRoute.PREFIX + "=/dvr",
        HttpRoute.METHODS + "=GET",
        HttpRoute.CORS_ORIGINS + "=*",
        HttpRoute.NAME + "=media-dvr"})
public final class DvrRoute implements HttpRoute {
    private static final Logger LOG = LoggerFactory.getLogger(DvrRoute.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UnitStore store;

    /*
     * Why a thread of its own: it reads with UnitStore.read, which blocks on the disk (and saves get's two thread
     * hops per fragment), and runs each fragment's verification and write, off the event loop and off the store's
     * threads; every fragment is a new task on it, so a long range is a loop, not a recursion as deep as the
     * range. One thread: DVR downloads are rare and sequential per client.
     */
    private final ExecutorService reads;

    @Activate
    public DvrRoute() {
        this.reads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "media-dvr-read");
            t.setDaemon(true);
            return t;
        });
    }

    /** For tests. */
    DvrRoute(UnitStore store, ExecutorService reads) {
        this.store = store;
        this.reads = reads;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        reads.shutdownNow();
        reads.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Override
    public void handle(HttpExchange x) {
        String rest = x.pathInRoute();
        String name = rest.startsWith("/") && rest.endsWith(".mp4") ? rest.substring(1, rest.length() - 4) : null;
        if (name == null || !MediaService.isValidName(name)) {
            Answers.error(x, HttpResponseStatus.NOT_FOUND, "use /dvr/<stream>.mp4?track=<i>&from=<micros>&to=<micros>");
            return;
        }
        UnitStore s = store;
        if (s == null) {
            Answers.error(x, HttpResponseStatus.SERVICE_UNAVAILABLE, "the unit store is not running: nothing is recorded");
            return;
        }
        List<IndexEntry> entries;
        int track;
        try {
            Query q = new Query(x.queryParameters());
            track = q.track(0);
            long from = q.longParam("from", Long.MIN_VALUE);
            long to = q.longParam("to", Long.MAX_VALUE);
            if (to <= from) {
                throw new Query.BadRequest("'to' must be after 'from'");
            }
            entries = s.timeIndex().query(CmafRecorder.trackId(name, track), from, to);
        } catch (Query.BadRequest e) {
            Answers.error(x, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        if (entries.isEmpty()) {
            Answers.error(x, HttpResponseStatus.NOT_FOUND, "no recording of stream '" + name + "' track " + track
                    + " in that range");
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "video/mp4");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        head.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "inline; filename=\"" + name + "-" + track + ".mp4\"");
        HttpResponseStream body = x.stream(head);
        if (x.method().equals(HttpMethod.HEAD)) {
            body.end();
            return;
        }
        new DvrReader(s, reads).copy(entries, bytes -> body.write(Unpooled.wrappedBuffer(bytes)))
                .whenComplete((r, e) -> {
                    if (e != null) {
                        LOG.warn("DVR download of '{}' track {} aborted: {}", name, track, e.toString());
                        body.abort();
                    } else {
                        body.end();
                    }
                });
    }
}
