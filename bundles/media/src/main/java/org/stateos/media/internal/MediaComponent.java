package org.stateos.media.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.stateos.api.media.MediaService;
import org.stateos.api.media.Publication;
import org.stateos.api.media.PublisherListener;
import org.stateos.api.media.StreamBusyException;
import org.stateos.api.media.StreamInfo;
import org.stateos.api.media.StreamNotFoundException;
import org.stateos.api.media.StreamSubscriber;
import org.stateos.api.media.Subscription;
import org.stateos.media.internal.record.CmafRecorder;
import org.stateos.media.internal.record.RecordingStats;
import org.stateos.media.internal.registry.MediaRegistry;
import org.stateos.media.internal.registry.StreamRecorder;
import org.stateos.store.UnitStore;

/**
 * The {@link MediaService} in the container: the registry on the node's shared event loop group (grace timers,
 * store hand-offs), recording into the unit store when one is there.
 */
@Component(service = {MediaService.class, RecordingStats.class}, configurationPid = MediaConfig.PID, immediate = true)
@Designate(ocd = MediaConfig.class)
public final class MediaComponent implements MediaService, RecordingStats {
    private final Settings settings;
    private final EventLoopGroup group;
    private final MediaRegistry registry;
    private final RecordingStats.Counters counters = new RecordingStats.Counters();

    // Dynamic: a store that comes or goes must not restart the registry and kick every stream.
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile UnitStore store;

    @Activate
    public MediaComponent(MediaConfig config, @Reference(name = "eventLoopGroup") EventLoopGroup group) {
        this.settings = Settings.from(config);
        this.group = group;
        this.registry = new MediaRegistry(settings, MediaComponent::nowMicros, this::schedule, this::recorder);
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    private Runnable schedule(Runnable task, long delayMillis) {
        ScheduledFuture<?> f = group.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
    }

    private StreamRecorder recorder(String name) {
        if (!settings.recording()) {
            return null;
        }
        // The store is looked up per fragment: on a first boot it may come up after the first streams.
        // Store hand-offs run on one event loop per stream: its fragments complete in order.
        return new CmafRecorder(name, () -> store, settings, group.next(), counters);
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }

    @Override
    public Publication publish(String name, String origin, PublisherListener listener) throws StreamBusyException {
        return registry.publish(name, origin, listener);
    }

    @Override
    public Publication publishDerived(String name, String origin, PublisherListener listener)
            throws StreamNotFoundException {
        return registry.publishDerived(name, origin, listener);
    }

    @Override
    public Subscription subscribe(String name, StreamSubscriber subscriber, Executor executor)
            throws StreamNotFoundException {
        return registry.subscribe(name, subscriber, executor);
    }

    @Override
    public Optional<StreamInfo> stream(String name) {
        return registry.stream(name);
    }

    @Override
    public List<StreamInfo> streams() {
        return registry.streams();
    }

    @Override
    public boolean kick(String name, String reason) {
        return registry.kick(name, reason);
    }

    @Override
    public RecordingStats.Snapshot recording() {
        return counters.snapshot(settings.recording(), store != null);
    }
}
