package org.stateos.media.internal.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.stateos.api.media.MediaService;

@Service
@Command(scope = "media", name = "kick", description = "Ends a stream: disconnects its publisher and its viewers")
public final class KickCommand implements Action {
    @Reference(optional = true)
    private MediaService media;

    @Argument(index = 0, name = "stream", required = true, description = "The stream name")
    private String stream;

    @Option(name = "--reason", description = "What the publisher and viewers are told")
    private String reason = "kicked by an operator";

    @Override
    public Object execute() {
        if (media == null) {
            System.out.println("The media service is not active.");
        } else if (media.kick(stream, reason)) {
            System.out.println("Stream '" + stream + "' ended: " + reason);
        } else {
            System.out.println("No stream named '" + stream + "'.");
        }
        return null;
    }
}
