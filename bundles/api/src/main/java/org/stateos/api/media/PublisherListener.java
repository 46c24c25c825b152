package org.stateos.api.media;

import org.osgi.annotation.versioning.ConsumerType;

/** What the registry tells an ingest about its publication. */
@ConsumerType
@FunctionalInterface
public interface PublisherListener {

    /**
     * The publication ended from the registry's side: kicked by an operator ({@code media:kick}) or taken
     * over by a newer publisher after this one went silent. The ingest should close its connection with a
     * status that says {@code reason}. Called on an arbitrary thread.
     */
    void ended(String reason);
}
