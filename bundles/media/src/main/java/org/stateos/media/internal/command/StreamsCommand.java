package org.stateos.media.internal.command;

import java.time.Instant;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.api.media.MediaService;
import org.stateos.media.internal.http.StreamsJson;

@Service
@Command(scope = "media", name = "streams", description = "Lists streams: state, tracks and codecs, bitrate, viewers, uptime")
public final class StreamsCommand implements Action {
    // Optional, so the command answers "not active" rather than "Command not found".
    @Reference(optional = true)
    private MediaService media;

    @Option(name = "--json", description = "Print JSON for scripts (the same as GET /api/streams)")
    private boolean json;

    @Override
    public Object execute() {
        if (media == null) {
            System.out.println("The media service is not active.");
            return null;
        }
        // Printed here: a Gogo return value is not printed through bin/client.
        if (json) {
            System.out.println(StreamsJson.GSON.toJson(StreamsJson.streams(media.streams())));
        } else {
            StreamsTable.lines(media.streams(), Instant.now()).forEach(System.out::println);
        }
        return null;
    }
}
