package org.stateos.loadclient;

import java.net.InetSocketAddress;
import java.net.URI;

/** WHEP: POST our recvonly offer, the node's 201 carries the answer and the session URL, DELETE ends it. */
public final class WhepSignalling implements Signalling {
    private final WhepHttp http;

    public WhepSignalling(URI url) {
        this.http = new WhepHttp(url);
    }

    @Override
    public String host() {
        return http.url().getHost();
    }

    @Override
    public Remote open(Local local) throws Exception {
        WhepHttp.Created created = http.post(Offer.build(local.sdpSessionId(), local.ufrag(), local.pwd(), local.fingerprint()));
        return new Remote(Answer.parse(created.answer()), created.location());
    }

    @Override
    public void connected(Remote remote, Local local, InetSocketAddress localAddress) {
        // the offer said everything: the node is ICE-lite and learns our address from the checks
    }

    @Override
    public int close(Remote remote) {
        return http.delete((URI) remote.session());
    }
}
